# JupyterLab Hindi (India) language pack of the Social Media & AI Camp.
# Laid out like Project Jupyter's jupyterlab-language-pack-* packages (BSD-3-Clause): JupyterLab finds it through
# the `jupyterlab.languagepack` entry point `hi_IN` and loads locale/hi_IN/LC_MESSAGES/<domain>.json (the page)
# and <domain>.mo (menus from the settings schemas, translated by the server).

__version__ = "4.6.0"
