#!/usr/bin/env bash
# The camp on The Littlest JupyterHub (TLJH): one server, real Unix accounts, nbgrader's exchange shared.
#
# First install TLJH itself as its documentation says (its bootstrap script, run as root), then, as root,
# from a checkout of this repository on the server (e.g. /opt/camp, readable by everyone):
#
#   sudo deploy/tljh-setup.sh LEAD_TRAINER [participants.csv]
#
# What it does:
#   1. installs this project and its Hindi language pack for JupyterLab (packages/jupyterlab-language-pack-hi-IN;
#      each participant's Lab starts in Hindi, English one click away in Settings → Language) into TLJH's user
#      environment (/opt/tljh/user: Lab, nbgrader, the lessons) and, without dependencies, the project into the
#      hub's (/opt/tljh/hub: only grader/hub.py is imported there);
#   2. `python -m grader.hub setup`: the groups camp-trainers and camp-participants, /srv/camp/exchange
#      (root's, 1777), /srv/camp/course (the lead trainer's, group camp-trainers, 2770), the course prepared
#      and every assignment released by the lead trainer (created if missing; the first-login code is printed);
#   3. with a roster: one Unix account per participant, each first-login code printed once (keep the slips,
#      nothing is stored); more trainers later, each with the same course, exchange and gradebook:
#        sudo /opt/tljh/user/bin/python -m grader.hub add-trainer trainer2;
#   4. drops deploy/tljh-camp.py into TLJH's jupyterhub_config.d (PAM logins by group, one local server per
#      user started by `python -m grader.hub singleuser`) and reloads the hub. TLJH keeps its proxy, port,
#      HTTPS and hub database; `sudo tljh-config` still works for those.
set -euo pipefail
TRAINER="${1:?usage: tljh-setup.sh LEAD_TRAINER [participants.csv]}"
ROSTER="${2:-}"
SRC="$(cd "$(dirname "$0")/.." && pwd)"
TLJH="${TLJH_PREFIX:-/opt/tljh}"
export CAMP_HUB_ROOT="${CAMP_HUB_ROOT:-/srv/camp}"

[ "$(id -u)" = 0 ] || { echo "run as root (sudo)"; exit 1; }
[ -x "$TLJH/user/bin/python" ] && [ -x "$TLJH/hub/bin/python" ] || { echo "TLJH is not installed in $TLJH"; exit 1; }

"$TLJH/user/bin/python" -m pip install --quiet -e "$SRC"
"$TLJH/user/bin/python" -m pip install --quiet --no-deps -e "$SRC/packages/jupyterlab-language-pack-hi-IN"
"$TLJH/hub/bin/python" -m pip install --quiet --no-deps -e "$SRC"

PY="$TLJH/user/bin/python"
CAMP_SOURCES="$SRC" "$PY" -m grader.hub setup --trainer "$TRAINER"
if [ -n "$ROSTER" ]; then
  CAMP_SOURCES="$SRC" CAMP_HOME="$CAMP_HUB_ROOT/course" "$PY" -m grader.cli roster import "$ROSTER" --create-accounts
fi

install -d "$TLJH/config/jupyterhub_config.d"
sed -e "s|@CAMP_HUB_ROOT@|$CAMP_HUB_ROOT|" -e "s|@USER_PYTHON@|$PY|" -e "s|@SOURCES@|$SRC|" \
  "$SRC/deploy/tljh-camp.py" > "$TLJH/config/jupyterhub_config.d/camp.py"
tljh-config reload hub
echo "camp on TLJH: trainers in camp-trainers, participants in camp-participants; lessons appear on first login"
