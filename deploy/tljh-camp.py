# TLJH loads this from /opt/tljh/config/jupyterhub_config.d/camp.py (deploy/tljh-setup.sh fills the @...@).
# TLJH keeps its own proxy, port and database; this sets the camp's logins, groups and single-user command.
import os

os.environ.setdefault("CAMP_HUB_ROOT", "@CAMP_HUB_ROOT@")
os.environ.setdefault("CAMP_HUB_USER_PYTHON", "@USER_PYTHON@")
os.environ.setdefault("CAMP_SOURCES", "@SOURCES@")

from grader.hub import configure  # noqa: E402

c = get_config()  # noqa: F821
configure(c, network=False)
