"""A whole camp on one server: JupyterHub (an existing engine) with real Unix users and nbgrader's exchange.

Layout on the server (`CAMP_HUB_ROOT`, default /srv/camp), made by `camp hub setup` as root:

    /srv/camp/                 root:root 0755
      exchange/                root:root 1777  nbgrader's exchange (its 0777, plus the sticky bit: nobody can
                                               rename or delete a folder of another, e.g. swap `camp/` for a fake)
        camp/                  root : camp-trainers 2775, made by setup (never by a participant first):
                               outbound/ 2775, inbound/ 3773 (participants may write, not list, nor remove
                               another's), feedback/ 2771 (participants read only a known name)
      course/                  lead trainer : camp-trainers 2770, the trainers' CAMP_HOME (course/, gradebook,
                               roster.json, etc/); participants cannot enter it

Several trainers: every member of the trainers' group works on the same course, exchange and gradebook.
The course folder is setgid and group-writable, so nbgrader's `CourseDirectory.groupshared` is on for it
(grader/config.py) and what one trainer writes the others may replace; trainers' servers run with umask
007 (a trainer's `camp` commands belong in their Lab terminal; over SSH, `umask 007` first).
      hub/                     root 0700: the hub's database and cookie secret
    ~participant/              0700: nobody else can read it
      camp/                    the participant's CAMP_HOME: lessons/ (placed on first login), my-work/, etc/,
                               `exchange` -> /srv/camp/exchange

Who is who comes from Unix groups, never from anything the browser or the environment says: the single-user
launcher (`python -m grader.hub singleuser`, JupyterHub's `Spawner.cmd`) runs as the logged-in user and looks
at that user's groups. Members of the trainers' group get the course folder and the Formgrader; everyone else
gets their own camp folder, with nbgrader's Formgrader and course list switched off (server and Lab), its English
Assignment List and menu off (the Hindi "My assignments" panel replaces them) and JupyterLab in Hindi. The
course folder's Unix permissions are what really keeps participants out: a participant who switches the
Formgrader back on or runs `camp collect` with CAMP_HOME pointed at the course gets "permission denied".

Exchange safety (nbgrader's default exchange trusts the client):
- submit as another: nbgrader names the submission after the OS user, but a participant can write any
  name into `inbound/`. Closed at collect: on a shared exchange every submission folder must be owned by the
  Unix user named like its participant id (grader/exchange.py), else it is refused by name.
- read another's submission: `inbound/` is 2733 (no listing) and each folder name ends in 12 random
  characters; the course folder is 2770 and participants' homes 0700.
- read another's feedback: `feedback/` is 0711 and each page is named by a hash of the submission's
  notebook and timestamp, which only its author holds (nbgrader's design).
- forge a submission time: a time in the future is refused at collect; a back-dated one (folder name or
  timestamp.txt earlier than the folder's last change, its latest ctime, which no user can set back) is
  collected with the change time, so it is late when it was late (grader/exchange.py).
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from camp import paths
from camp.lang import CampError

START_LESSON = "lessons/00-start-here/00-start-here.hi.ipynb"
#: JupyterHub's and the proxy's versions this was built and tested with.
PROXY_PACKAGE = "configurable-http-proxy@5"
#: nbgrader's trainer-only parts, switched off in participants' servers (server extension and Lab plugin).
TRAINER_ONLY_SERVER = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
#: Also nbgrader's English Assignment List (its own Validate dialog shows a failed cell's source, its
#: "(view feedback)" opens a timestamp folder and a "Trust HTML" page) and the "Nbgrader" menu that opens it: a
#: participant fetches, validates, submits and reads feedback in the Hindi "My assignments" panel (camp.panel).
#: Trainers keep them, as does the single laptop (participant = trainer, `make lab`).
TRAINER_ONLY_LAB = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:menu",
)
#: First-login codes: no 0/O, 1/l/I, so they can be read out in a hall.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Settings:
    """Where the camp lives on the server and who its trainers and participants are (all from the environment)."""

    root: Path
    trainers_group: str = "camp-trainers"
    participants_group: str = "camp-participants"

    @classmethod
    def from_env(cls) -> Settings:
        from grader import settings as camp_settings  # CAMP_HUB_* declared there (`camp config`)

        return cls(
            root=Path(camp_settings.value("hub_root")),
            trainers_group=camp_settings.value("hub_trainers_group"),
            participants_group=camp_settings.value("hub_participants_group"),
        )

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def course_home(self) -> Path:
        """The trainers' CAMP_HOME: nbgrader's course, the gradebook, the roster."""
        return self.root / "course"

    @property
    def state(self) -> Path:
        """The hub's own database and cookie secret (root only)."""
        return self.root / "hub"

    def env(self) -> dict[str, str]:
        return {
            "CAMP_HUB_ROOT": str(self.root),
            "CAMP_HUB_TRAINERS_GROUP": self.trainers_group,
            "CAMP_HUB_PARTICIPANTS_GROUP": self.participants_group,
            "CAMP_SOURCES": str(paths.SOURCE_ROOT),
        }


# -- accounts --------------------------------------------------------------------------------------------
def _need_root(what: str) -> None:
    if os.geteuid() != 0:
        raise CampError(f"{what} के लिए root (sudo) चाहिए", f"{what} needs root (run it with sudo)")


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def ensure_group(name: str) -> None:
    if not group_exists(name):
        subprocess.run(["groupadd", "--system", name], check=True)


def members(group: str) -> set[str]:
    """A group's members: those listed in it and those whose primary group it is."""
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return set()
    return set(entry.gr_mem) | {p.pw_name for p in pwd.getpwall() if p.pw_gid == entry.gr_gid}


def new_code() -> str:
    """A first-login code such as `km7q-x3tp` (40 bits; printed once for the trainer, stored nowhere)."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def create_account(name: str, *, group: str, comment: str = "") -> str | None:
    """Create the Unix account `name` in `group` with a fresh first-login code; returns the code.

    An account that already exists is only added to the group (its password is left alone) and None is
    returned. The home folder is 0700: nobody else can read the participant's work. The code goes to
    `chpasswd` on its standard input, never on a command line (which `ps` would show) or in a log.
    """
    from grader import roster

    _need_root("creating accounts")
    if not roster.valid_id(name) or name != name.lower() or not name[0].isalpha() or len(name) > 32:
        raise CampError(
            f"'{name}' Unix खाते का नाम नहीं बन सकता (छोटे अक्षर, अंक, - _; पहले अक्षर)",
            f"'{name}' cannot be a Unix account name (lower-case letters, digits, - or _, starting with a letter)",
        )
    ensure_group(group)
    if user_exists(name):
        subprocess.run(["usermod", "--append", "--groups", group, name], check=True)
        return None
    gecos = "".join(c for c in comment if c.isprintable() and c not in ":,\n")[:60]
    subprocess.run(
        [
            "useradd",
            "--create-home",
            "--shell",
            "/bin/bash",
            "--user-group",
            "--groups",
            group,
            "--comment",
            gecos,
            name,
        ],
        check=True,
    )
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)
    code = new_code()
    subprocess.run(["chpasswd"], input=f"{name}:{code}\n", text=True, check=True)
    return code


def remove_account(name: str) -> None:
    """Remove an account and its home (the test's own users; never a roster import)."""
    import time

    _need_root("removing accounts")
    # userdel refuses while a killed process is still exiting ("currently used by process"): try again
    for _ in range(20):
        if not user_exists(name):
            return
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)
        if user_exists(name):
            time.sleep(0.5)


def create_participant_accounts(*, settings: Settings | None = None) -> tuple[dict[str, str], list[str]]:
    """A Unix account for every roster participant who has none.

    Returns ({id: first-login code} of the new accounts, one line per id that cannot be an account name).
    """
    from grader import roster

    settings = settings or Settings.from_env()
    codes, problems = {}, []
    for pid, person in sorted(roster.load().items()):
        try:
            code = create_account(pid, group=settings.participants_group, comment=person.get("name", ""))
        except CampError as exc:
            problems.append(f"{pid}: no account: {exc.en} / {exc.hi}")
            continue
        if code:
            codes[pid] = code
    return codes, problems


def codes_table(codes: dict[str, str], people: dict[str, dict[str, str]]) -> str:
    """The trainer's slip: one line per new account, id, code and name (printed, never written to a log)."""
    lines = ["id\tfirst-login code / पहला कोड\tname / नाम"]
    lines += [f"{pid}\t{code}\t{people.get(pid, {}).get('name', '')}" for pid, code in sorted(codes.items())]
    return "\n".join(lines)


def as_user(name: str):
    """A `preexec_fn`-free way to run a child as `name`: keyword arguments for subprocess (Python 3.9+)."""
    entry = pwd.getpwnam(name)
    groups = [g.gr_gid for g in grp.getgrall() if name in g.gr_mem]
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": groups}


def user_env(name: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A clean environment for a command run as `name` (HOME, USER, PATH, no root's variables)."""
    entry = pwd.getpwnam(name)
    env = {
        "HOME": entry.pw_dir,
        "USER": name,
        "LOGNAME": name,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    env.update(extra or {})
    return env


def grant_traverse(users: list[str], target: Path) -> list[tuple[Path, int]]:
    """Let `users` reach `target` (this Python) through folders closed to others, with ACL entries (x only).

    A virtual environment made from a Python under /root (0700) cannot be run by other users; this grants
    exactly "pass through", nothing to read. Returns the (folder, uid) entries made, for `revoke_traverse`.
    """
    made = []
    for folder in reversed(Path(target).resolve().parents):
        if os.stat(folder).st_mode & 0o001:
            continue
        if not shutil.which("setfacl"):
            raise CampError(
                "setfacl नहीं मिला (Debian: acl)",
                f"{folder} is closed to other users and setfacl is missing (Debian package acl)",
            )
        for user in users:
            uid = pwd.getpwnam(user).pw_uid
            subprocess.run(["setfacl", "-m", f"u:{uid}:x", str(folder)], check=True)
            made.append((folder, uid))
    return made


def revoke_traverse(made: list[tuple[Path, int]]) -> None:
    for folder, uid in made:
        subprocess.run(["setfacl", "-x", f"u:{uid}", str(folder)], check=False, capture_output=True)


# -- the server's folders ----------------------------------------------------------------------------------
def setup(*, lead_trainer: str, settings: Settings | None = None, release_all: bool = True) -> Settings:
    """As root: groups, the exchange (1777, root's), the course folder (lead trainer's, trainers' group, 2770),
    then the course itself prepared by the lead trainer (as that user, never as root)."""
    _need_root("camp hub setup")
    settings = settings or Settings.from_env()
    ensure_group(settings.trainers_group)
    ensure_group(settings.participants_group)
    if not user_exists(lead_trainer):
        raise CampError(
            f"ट्रेनर का खाता '{lead_trainer}' नहीं है", f"there is no account '{lead_trainer}' for the trainer"
        )
    subprocess.run(["usermod", "--append", "--groups", settings.trainers_group, lead_trainer], check=True)
    trainers_gid = grp.getgrnam(settings.trainers_group).gr_gid
    settings.root.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.root, 0o755)
    settings.exchange.mkdir(exist_ok=True)
    os.chown(settings.exchange, 0, 0)
    os.chmod(settings.exchange, 0o1777)
    settings.state.mkdir(exist_ok=True)
    os.chmod(settings.state, 0o700)
    _exchange_folders(settings.exchange / paths.COURSE_ID, trainers_gid)
    home = settings.course_home
    home.mkdir(exist_ok=True)
    os.chown(home, pwd.getpwnam(lead_trainer).pw_uid, trainers_gid)
    os.chmod(home, 0o2770)
    cmd = [sys.executable, "-m", "grader.hub", "trainer-init"] + (["--release-all"] if release_all else [])
    run = subprocess.run(
        cmd,
        env=user_env(lead_trainer, {**settings.env(), "CAMP_HOME": str(home)}),
        cwd=str(home),
        capture_output=True,
        text=True,
        **as_user(lead_trainer),
    )
    if run.returncode:
        raise CampError("कोर्स तैयार नहीं हो सका", f"preparing the course failed: {run.stderr.strip()[-500:]}")
    return settings


#: The course's exchange folders, made by root for the trainers' group: (name, mode).
EXCHANGE_FOLDERS = (("", 0o2775), ("outbound", 0o2775), ("inbound", 0o3773), ("feedback", 0o2771))


def _exchange_folders(course: Path, gid: int) -> None:
    """root : trainers' group folders of the course in the exchange, so any trainer releases and collects.

    Made before anyone else can: the exchange is 1777, and a folder a participant made first (or a symlink)
    is refused, not adopted.
    """
    for name, mode in EXCHANGE_FOLDERS:
        folder = course / name if name else course
        try:
            folder.mkdir()
        except FileExistsError:
            pass
        st = os.lstat(folder)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid not in (0, *(p.pw_uid for p in _trainers_of(gid))):
            raise CampError(
                f"{folder} किसी और का है; हटाकर फिर चलाएँ",
                f"{folder} is not a folder of root or a trainer (a symlink or someone else's): "
                "remove it and run setup again",
            )
        os.chown(folder, 0, gid, follow_symlinks=False)
        os.chmod(folder, mode)


def _trainers_of(gid: int) -> list[pwd.struct_passwd]:
    names = set(grp.getgrgid(gid).gr_mem)
    return [p for p in pwd.getpwall() if p.pw_name in names or p.pw_gid == gid]


def add_trainer(name: str, *, settings: Settings | None = None) -> str | None:
    """A second (third, ...) trainer: an account in the trainers' group; returns a new account's first-login code."""
    settings = settings or Settings.from_env()
    return create_account(name, group=settings.trainers_group, comment="trainer")


def _link_exchange(home: Path, exchange: Path) -> None:
    link = home / "exchange"
    if link.is_symlink() and os.readlink(link) == str(exchange):
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)  # a local exchange from before the hub: the shared one replaces it
    link.symlink_to(exchange, target_is_directory=True)


def init_trainer_home(*, release_all: bool = False) -> Path:
    """As the lead trainer (CAMP_HOME = the course folder): config, lessons, panel, and the releases.

    Unlike `camp course init` it never touches the exchange's own permissions (root's, 1777).
    """
    from nbgrader.api import Gradebook

    from grader import config as camp_config
    from grader import course, lessons
    from grader.feedback import install_notebook

    os.umask(0o007)  # everything made here stays the trainers' group's (the folder is setgid)
    settings = Settings.from_env()
    home = paths.home()
    for folder in (paths.course_root() / "source", paths.work_dir(), paths.logs_dir()):
        folder.mkdir(parents=True, exist_ok=True)
    _link_exchange(home, settings.exchange)
    camp_config.write()
    _shared_databases()
    paths.ensure_tools_on_path()
    with Gradebook(paths.db_url(), paths.COURSE_ID):
        pass  # its tables, now: in the file every trainer may write
    lessons.build_lessons()
    install_notebook(home)
    if release_all:
        course.release()
    return home


def _shared_databases() -> None:
    """The course's SQLite files, made now and 0660: SQLite makes a new file 0644 whatever the umask, so the
    trainer who happened to grade first would own a gradebook the others could only read."""
    from grader.aigrade import store_path

    for db in (paths.gradebook_path(), paths.course_root() / "answer_prints.db", store_path()):
        db.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o660))
        except FileExistsError:
            pass
        st = os.lstat(db)
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
            os.chmod(db, 0o660)


def _participant_only(config_dir: Path) -> None:
    """Switch the Formgrader, course list and English Assignment List off in a participant's server and Lab
    (after config.write)."""
    server_file = config_dir / "jupyter_server_config.json"
    server = json.loads(server_file.read_text(encoding="utf-8"))
    extensions = server.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {})
    extensions.update({name: False for name in TRAINER_ONLY_SERVER})
    server_file.write_text(json.dumps(server, indent=1), encoding="utf-8")
    page_file = config_dir / "labconfig" / "page_config.json"
    page = json.loads(page_file.read_text(encoding="utf-8")) if page_file.exists() else {}
    page.setdefault("disabledExtensions", {}).update({name: True for name in TRAINER_ONLY_LAB})
    page_file.write_text(json.dumps(page), encoding="utf-8")


def prepare_participant(home: Path, settings: Settings) -> Path:
    """The participant's own camp folder (as that participant): lessons on first login, settings, exchange link,
    JupyterLab in Hindi (on first login; English chosen in Settings → Language stays chosen)."""
    from grader import config as camp_config
    from grader import lessons
    from grader.feedback import install_notebook
    from grader.lab import select_language

    os.environ["CAMP_HOME"] = str(home)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    for folder in (paths.work_dir(), paths.logs_dir()):
        folder.mkdir(parents=True, exist_ok=True)
    _link_exchange(home, settings.exchange)
    camp_config.write()
    _participant_only(paths.config_dir())
    select_language()  # as `camp lab` does: hi_IN when its language pack is installed and nothing is chosen yet
    lessons.build_lessons()  # first login: every lesson; later: only untouched ones follow the sources
    install_notebook(home)
    return home


def is_trainer(settings: Settings, uid: int | None = None) -> bool:
    """Is this Unix user in the trainers' group? (The kernel's word, not the environment's.)"""
    entry = pwd.getpwuid(os.getuid() if uid is None else uid)
    return entry.pw_name in members(settings.trainers_group)


def db_url_file(home: Path) -> Path:
    """Where `camp db migrate` leaves the gradebook's URL (with its password): <camp>/etc/db-url, mode 0640."""
    return home / "etc" / "db-url"


def trainer_db_url(settings: Settings) -> str | None:
    """The PostgreSQL URL a trainer's server uses, from the course folder (which participants cannot enter)."""
    try:
        return db_url_file(settings.course_home).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


#: Every user's kernels talk to their server over Unix sockets in that user's private runtime folder, never over
#: TCP on 127.0.0.1: ports are picked by each server on its own, so two servers starting kernels at the same time
#: could hand out the same port (the later kernel dies with "Address already in use" and its server subscribes to
#: the other participant's kernel: "Invalid Signature", then its websocket is dropped after 2 x 60 s, as the hub
#: bench saw at 10-30 participants), and any local user could connect to a TCP port and read others' outputs.
KERNEL_TRANSPORT = "--ServerKernelManager.transport=ipc"
#: A Unix socket's path holds 107 bytes at most; a kernel's is <runtime folder>/kernel-<uuid>-ipc-<n>.
SOCKET_PATH_MAX = 107
_KERNEL_SOCKET_TAIL = len("/kernel-00000000-0000-0000-0000-000000000000-ipc-99")


def kernel_runtime_dir(runtime: Path | None = None) -> Path:
    """The runtime folder for this user's server (kernels' connection files and Unix sockets).

    Jupyter's own (~/.local/share/jupyter/runtime, 0700 in a 0700 home) when its kernels' socket paths fit in
    107 bytes; for a long home path, /tmp/camp-kernels-<uid>, 0700 and this user's (one made by someone else,
    or a symlink, is never used: then a fresh private folder is made).
    """
    import tempfile

    from jupyter_core.paths import jupyter_runtime_dir

    runtime = Path(runtime or jupyter_runtime_dir())
    if len(str(runtime)) + _KERNEL_SOCKET_TAIL <= SOCKET_PATH_MAX:
        return runtime
    uid = os.getuid()
    short = Path(tempfile.gettempdir()) / f"camp-kernels-{uid}"
    try:
        short.mkdir(mode=0o700)
    except FileExistsError:
        pass
    st = os.lstat(short)
    if stat.S_ISDIR(st.st_mode) and st.st_uid == uid and not st.st_mode & 0o077:
        return short
    return Path(tempfile.mkdtemp(prefix=f"camp-kernels-{uid}-"))


def singleuser(argv: list[str]) -> None:
    """JupyterHub's Spawner.cmd: pick the camp folder by the user's groups, prepare it, exec the server."""
    settings = Settings.from_env()
    trainer = is_trainer(settings)
    if trainer:
        home = settings.course_home
        os.umask(0o007)  # the course stays the trainers' group's
        url = trainer_db_url(settings)
        if (
            url
        ):  # the PostgreSQL gradebook, for the Formgrader and the trainer's terminals; never a participant's
            os.environ["CAMP_DB_URL"] = url
    else:
        os.umask(0o077)
        home = prepare_participant(Path(pwd.getpwuid(os.getuid()).pw_dir) / "camp", settings)
    os.environ["CAMP_HOME"] = str(home)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(kernel_runtime_dir())
    from grader.lab import lab_env

    env = lab_env()
    env["CAMP_ROLE"] = "trainer" if trainer else "participant"
    cmd = [
        sys.executable,
        "-m",
        "jupyterhub.singleuser",
        f"--ServerApp.root_dir={home}",
        KERNEL_TRANSPORT,
        *argv,
    ]
    os.chdir(home)
    os.execvpe(cmd[0], cmd, env)


# -- JupyterHub's configuration --------------------------------------------------------------------------
def proxy_dir() -> Path:
    """Where `configurable-http-proxy` (npm) is installed: beside the virtual environment, git-ignored."""
    from grader import settings as camp_settings

    return Path(camp_settings.value("hub_node_dir"))


def proxy_command() -> Path | None:
    found = proxy_dir() / "node_modules" / ".bin" / "configurable-http-proxy"
    if found.exists():
        return found
    other = shutil.which("configurable-http-proxy")
    return Path(other) if other else None


def ensure_proxy(attempts: int = 3) -> Path:
    """Install the npm package `configurable-http-proxy` into a local node_modules when it is missing.

    npm installs into a fresh folder beside the final one, which takes its place only once the command is there:
    an install cut short (CI once saw npm stop with ENOTEMPTY, exit 217) leaves no half-filled node_modules that
    a later npm would call complete. A failed attempt is tried again; the last one's output is in the error."""
    found = proxy_command()
    if found:
        return found
    if not shutil.which("npm"):
        raise CampError(
            "npm नहीं मिला", "npm is missing (Debian: nodejs, npm): configurable-http-proxy needs it"
        )
    import fcntl
    import tempfile
    import time

    final = proxy_dir()
    final.parent.mkdir(parents=True, exist_ok=True)
    with open(final.parent / f".{final.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes installing at once wait for each other
        output = ""
        for attempt in range(attempts):
            found = proxy_command()
            if found:
                return found
            work = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
            work.chmod(0o755)
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(work), PROXY_PACKAGE],
                capture_output=True,
                text=True,
            )
            output = (done.stdout + done.stderr).strip()
            if done.returncode == 0 and (work / "node_modules" / ".bin" / "configurable-http-proxy").exists():
                shutil.rmtree(final, ignore_errors=True)  # what an older, broken install left
                work.rename(final)
                break
            shutil.rmtree(work, ignore_errors=True)
            if attempt + 1 < attempts:
                time.sleep(5 * (attempt + 1))
    found = proxy_command()
    if not found:
        tail = "\n".join(output.splitlines()[-8:])
        raise CampError(
            "configurable-http-proxy इंस्टॉल नहीं हुआ",
            f"configurable-http-proxy did not install (npm, {attempts} attempts):\n{tail}",
        )
    return found


def configure(c, *, settings: Settings | None = None, network: bool = True) -> None:
    """Fill JupyterHub's config `c` for one server (deploy/jupyterhub_config.py calls this).

    `network=False` (TLJH) leaves the address, proxy and hub database to the distribution and sets only
    who may log in, who is a trainer and how each user's server starts.
    """
    settings = settings or Settings.from_env()
    if network:
        _network(c, settings)
    # Real Unix accounts, real passwords (the first-login codes): PAM. Who may log in: the two groups, read
    # at each login, so accounts made by `camp roster import --create-accounts` work without a restart.
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {settings.trainers_group, settings.participants_group}
    c.PAMAuthenticator.open_sessions = False
    c.Authenticator.admin_users = (
        set()
    )  # trainers grade in their own server; nobody administers the hub from a browser
    c.JupyterHub.load_groups = {settings.trainers_group: {"users": sorted(members(settings.trainers_group))}}
    c.JupyterHub.spawner_class = "localprocess"
    # The participants' Python (TLJH: /opt/tljh/user/bin/python); it needs this project installed.
    from grader import settings as camp_settings

    python = camp_settings.value("hub_user_python")
    c.Spawner.cmd = [python, "-m", "grader.hub", "singleuser"]
    c.Spawner.default_url = f"/lab/tree/{START_LESSON}"
    c.Spawner.environment = settings.env()
    # A rush of first logins (each copies the lessons) shares the cores: 50 at once on 2 busy cores were all ready
    # after 160 s (make hub-bench, --start-only 50), so 300 s; a bigger class on a small server: CAMP_HUB_START_TIMEOUT.
    c.Spawner.start_timeout = camp_settings.value("hub_start_timeout")
    c.Spawner.http_timeout = c.Spawner.start_timeout
    c.JupyterHub.shutdown_on_logout = False
    token = camp_settings.value("hub_service_token")
    if token:  # the end-to-end test's (or an operator's) API client
        c.JupyterHub.services = [{"name": "camp-admin", "api_token": token}]
        c.JupyterHub.load_roles = [
            {
                "name": "camp-admin",
                "scopes": [
                    "admin:users",
                    "admin:servers",
                    "tokens",
                    "list:users",
                    "read:users",
                    "read:groups",
                ],
                "services": ["camp-admin"],
            }
        ]
    from grader import modelproxy

    modelproxy.register(
        c, settings
    )  # the camp's model server as the hub service camp-ai (when CAMP_AI_UPSTREAM)


def _network(c, settings: Settings) -> None:
    """Loopback address and ports, the hub's database and secret in <root>/hub, the npm proxy."""
    from grader import settings as camp_settings

    state = Path(camp_settings.value("hub_state") or settings.state)
    c.JupyterHub.ip = camp_settings.value("hub_ip")
    c.JupyterHub.port = camp_settings.value("hub_port")
    c.JupyterHub.hub_ip = "127.0.0.1"
    if camp_settings.value("hub_api_port"):
        c.JupyterHub.hub_port = camp_settings.value("hub_api_port")
    if camp_settings.value("hub_proxy_api_port"):
        c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{camp_settings.value('hub_proxy_api_port')}"
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    proxy = proxy_command()
    if proxy:
        c.ConfigurableHTTPProxy.command = [str(proxy)]


def deploy_dir() -> Path:
    return paths.SOURCE_ROOT / "deploy"


def hub_command(settings: Settings) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    env.update(settings.env())
    paths.ensure_tools_on_path()
    env["PATH"] = os.environ["PATH"]
    return [sys.executable, "-m", "jupyterhub", "-f", str(deploy_dir() / "jupyterhub_config.py")], env


def run_hub(*, lead_trainer: str, port: int = 8000, settings: Settings | None = None) -> None:
    """`camp hub`: set the server up (as root) and run JupyterHub on 127.0.0.1:`port` for a try-out."""
    settings = settings or Settings.from_env()
    _need_root("camp hub")
    ensure_proxy()
    grant_traverse(
        sorted(members(settings.trainers_group) | members(settings.participants_group) | {lead_trainer}),
        Path(sys.executable),
    )
    setup(lead_trainer=lead_trainer, settings=settings)
    cmd, env = hub_command(settings)
    env["CAMP_HUB_PORT"] = str(port)
    print(
        f"🏕  camp hub: http://127.0.0.1:{port}/  (trainers: {settings.trainers_group}, "
        f"participants: {settings.participants_group}; Ctrl-C stops it)",
        flush=True,
    )
    os.execvpe(cmd[0], cmd, env)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["singleuser"]:
        singleuser(argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m grader.hub")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("trainer-init", help="(as the lead trainer) prepare the course folder")
    p.add_argument("--release-all", action="store_true")
    sub.add_parser(
        "participant-init", help="(as the participant) their camp folder in $CAMP_HOME (Kubernetes)"
    )
    p = sub.add_parser("setup", help="(root) groups, exchange and course folder; the lead trainer's account")
    p.add_argument("--trainer", required=True)
    p = sub.add_parser("add-trainer", help="(root) another trainer's account, in the trainers' group")
    p.add_argument("name")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "trainer-init":
            init_trainer_home(release_all=args.release_all)
        elif args.cmd == "participant-init":
            prepare_participant(paths.home(), Settings.from_env())
        elif args.cmd == "setup":
            settings = Settings.from_env()
            if not user_exists(args.trainer):
                code = create_account(args.trainer, group=settings.trainers_group, comment="trainer")
                print(f"trainer account {args.trainer}: first-login code {code} / ट्रेनर का पहला कोड")
            setup(lead_trainer=args.trainer, settings=settings)
            print(f"camp ready in {settings.root} / कैंप तैयार है")
        elif args.cmd == "add-trainer":
            code = add_trainer(args.name)
            print(
                f"trainer {args.name}: "
                + (
                    f"first-login code {code} / ट्रेनर का पहला कोड"
                    if code
                    else "already had an account, now in the trainers' group / ट्रेनर समूह में"
                )
            )
    except CampError as exc:
        print(f"error: {exc.en} / {exc.hi}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())


# -- the roster drives the hub -----------------------------------------------------------------------------
def _as_owner(folder: Path, func):
    """Run `func()` in a child process as the owner of `folder` (root never writes the trainers' course)."""
    st = folder.stat()
    if st.st_uid == os.geteuid():
        return func()
    entry = pwd.getpwuid(st.st_uid)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to the course's owner, do the work, send the result back as JSON
        os.close(read)
        try:
            os.setgid(entry.pw_gid)
            os.initgroups(entry.pw_name, entry.pw_gid)
            os.setuid(entry.pw_uid)
            os.environ.update({"HOME": entry.pw_dir, "USER": entry.pw_name})
            result = {"ok": func()}
        except CampError as exc:
            result = {"hi": exc.hi, "en": exc.en}
        except BaseException as exc:  # noqa: BLE001 (reported to the parent, which raises it)
            result = {"hi": "त्रुटि", "en": f"{type(exc).__name__}: {exc}"}
        with os.fdopen(write, "w", encoding="utf-8") as out:
            json.dump(result, out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, encoding="utf-8") as inp:
        text = inp.read()
    os.waitpid(pid, 0)
    result = json.loads(text or '{"hi": "त्रुटि", "en": "the import stopped"}')
    if "ok" not in result:
        raise CampError(result["hi"], result["en"])
    return result["ok"]


def import_with_accounts(*, file: Path, settings: Settings | None = None):
    """`camp roster import FILE --create-accounts` (root): import as the course's owner, then one Unix account
    per participant without one. Returns (ImportReport, {id: first-login code} of the new accounts)."""
    from dataclasses import asdict

    from grader import roster

    _need_root("--create-accounts")
    settings = settings or Settings.from_env()
    home = paths.home()
    home.mkdir(parents=True, exist_ok=True)
    file = Path(file)
    if not file.is_file():
        raise CampError(f"फ़ाइल नहीं मिली: {file}", f"file not found: {file}")
    data = file.read_bytes()  # read as root; the owner may not reach the trainer's copy

    def work():
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:  # the owner's private copy, same name for the error lines
            copy = Path(tmp) / file.name
            copy.write_bytes(data)
            return asdict(roster.import_roster(file=copy))

    fields = _as_owner(home, work)
    codes, problems = create_participant_accounts(settings=settings)
    for target in (Path(sys.executable), paths.SOURCE_ROOT / "pyproject.toml"):
        grant_traverse(sorted(codes), target)  # new accounts reach the camp's Python (a no-op under /opt)
    report = roster.ImportReport(**fields)
    report.errors += problems
    return report, codes


# -- PostgreSQL: several trainers grading at once --------------------------------------------------------
def masked(url: str) -> str:
    """A database URL with its password replaced by *** (safe to print or log)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 (not a URL: show nothing of it)
        return "<database url>"


def _engine_url(url: str) -> str:
    """postgresql://… means psycopg 3 (the `[postgres]` extra); other URLs are used as given."""
    return "postgresql+psycopg://" + url[len("postgresql://") :] if url.startswith("postgresql://") else url


def gradebook_census(url: str) -> dict:
    """What a gradebook holds: rows per table, and every submission's score and the sum of all scores."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, func, select

    engine = create_engine(_engine_url(url))
    try:
        with engine.connect() as conn:
            rows = {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()
    scores = {}
    with Gradebook(_engine_url(url), paths.COURSE_ID) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                scores[f"{submission.student.id}/{assignment.name}"] = round(float(submission.score), 6)
    return {"rows": rows, "scores": scores, "total": round(sum(scores.values()), 6)}


def migrate_gradebook(*, to: str, source: str | None = None) -> dict:
    """Copy the camp's gradebook (default: the SQLite one) into an empty database at `to`, row for row.

    The target's schema is nbgrader's own (its Gradebook creates it); every table is copied in foreign-key
    order in one transaction; then both are counted (rows per table, every submission's score, the total)
    and any difference stops with an error. A backup of the SQLite file is taken first. Returns the census.
    """
    import sqlite3
    from datetime import datetime

    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, func, inspect, select

    paths.ensure_tools_on_path()
    if source is None:
        db = paths.gradebook_path()
        if not db.is_file():
            raise CampError(f"gradebook नहीं मिला: {db}", f"no SQLite gradebook at {db}")
        source = f"sqlite:///{db}?timeout=60"
        backups = paths.home() / "backups"
        backups.mkdir(parents=True, exist_ok=True)
        with (
            sqlite3.connect(db, timeout=60) as live,
            sqlite3.connect(backups / f"gradebook-before-migrate-{datetime.now():%Y%m%d-%H%M%S}.db") as copy,
        ):
            live.backup(copy)  # a consistent copy even while someone writes
    before = gradebook_census(source)
    src, dst = create_engine(_engine_url(source)), create_engine(_engine_url(to))
    try:
        with dst.connect() as conn:
            existing = set(inspect(conn).get_table_names())
            filled = [
                t.name
                for t in Base.metadata.sorted_tables
                if t.name in existing and conn.execute(select(func.count()).select_from(t)).scalar_one()
            ]
        if filled:
            raise CampError(
                "लक्ष्य डेटाबेस ख़ाली नहीं है; कुछ नहीं बदला",
                f"the target database is not empty ({', '.join(filled)}); nothing was copied",
            )
        with Gradebook(_engine_url(to), paths.COURSE_ID):
            pass  # nbgrader creates its tables and stamps its alembic version (and adds the course's row)
        with src.connect() as read, dst.begin() as write:
            for table in reversed(Base.metadata.sorted_tables):
                write.execute(
                    table.delete()
                )  # only the course row nbgrader just added: copied below as it was
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in read.execute(select(table))]
                if rows:
                    write.execute(table.insert(), rows)
    finally:
        src.dispose()
        dst.dispose()
    after = gradebook_census(to)
    if after != before:
        raise CampError(
            "स्थानांतरण के बाद गिनती मेल नहीं खाती",
            f"the copy differs from the original: before {before['rows']} total {before['total']}, "
            f"after {after['rows']} total {after['total']}",
        )
    # For the hub's trainer servers (grader.hub.singleuser): owner and the course's group may read it, nobody else.
    target = db_url_file(paths.home())
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o640)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o640)
        out.write(_engine_url(to) + "\n")
    return after
