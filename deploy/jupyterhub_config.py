# JupyterHub for a whole camp on one server: participants and trainers as real Unix users (PAM, the
# first-login codes of `camp roster import --create-accounts`), one local process per user, nbgrader's
# exchange shared in /srv/camp/exchange. Every setting is made in grader/hub.py (`configure`), so the
# try-out (`camp hub`), TLJH (deploy/tljh-setup.sh) and the end-to-end test use the same ones.
#
#   sudo CAMP_HUB_ROOT=/srv/camp .venv/bin/jupyterhub -f deploy/jupyterhub_config.py
#
# Environment: CAMP_HUB_ROOT (/srv/camp), CAMP_HUB_IP (127.0.0.1), CAMP_HUB_PORT (8000),
# CAMP_HUB_TRAINERS_GROUP (camp-trainers), CAMP_HUB_PARTICIPANTS_GROUP (camp-participants),
# CAMP_HUB_START_TIMEOUT (300 s a server may take to start: 50 first logins at once took 160 s on 2 busy cores).
# Each user's kernels talk to their server over Unix sockets in that user's private runtime folder, never TCP
# ports (two servers could pick the same port; anyone on the machine could read a port): grader/hub.py.
# More trainers: `sudo .venv/bin/python -m grader.hub add-trainer NAME` (same course, exchange and gradebook).
# The camp's model server as the hub service `camp-ai` (grader/modelproxy.py), only when CAMP_AI_UPSTREAM is set:
# CAMP_AI_UPSTREAM (http://gpu-box:8000/v1), CAMP_AI_MODEL, CAMP_AI_MASTER_KEY_FILE (root's, 0600; default
# /srv/camp/hub/ai-master-key), CAMP_AI_REQUESTS_PER_MINUTE (20 per person), CAMP_AI_PROXY_PORT (8181).
from grader.hub import configure

c = get_config()  # noqa: F821 (JupyterHub provides it)
configure(c)
