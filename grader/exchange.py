"""Collect submissions from nbgrader's exchange, treating every folder in it as hostile.

Anyone who can log in can write into the exchange's `inbound` folder (mode 2733, as nbgrader makes it),
so `collect` does not use nbgrader's copy (`shutil.copytree`, which follows symlinks and copies FIFOs,
hard links and other people's names). It reads nbgrader's inbound layout itself,

    <exchange>/<course>/inbound/<participant>+<assignment>+<timestamp>+<random>/

and writes `<course>/submitted/<participant>/<assignment>/` with `timestamp.txt`, exactly as nbgrader's
collect lays it out, so autograde, feedback and the Formgrader work as before.

A folder is refused (named, nothing copied from it) when its participant id does not match the roster's
id pattern or is not in the roster, its timestamp is in the future (beyond `CLOCK_SKEW`), it is not a
plain folder, it is owned by someone else than the participant, or anything of hers inside is a symlink, a
hard link (a regular file with more than one name), a FIFO, socket or device, or there are too many files.
Ownership: where the exchange is shared between Unix users (some folder in it is owned by another uid than
the trainer's), a folder must be owned by the Unix user named like the participant id. On a single-user
laptop every folder is owned by the trainer's own uid; ownership then says nothing and is not checked, and
the summary says so.

Intruders: nbgrader's submit leaves each submission folder mode 0777, so another account that knows (or
guesses) a folder's name can put files into it. Anything inside a participant's folder that another account
owns (a file, a link, a folder with all in it) is left out, never read, and named with that account in the
summary ("rejected: <folder>/<path>: put there by <account>, ..."); the rest, all hers, is collected as usual,
so an intruder can no longer get her submission refused. What an intruder deleted from her folder cannot be
brought back: a file of hers that is missing is missing (the summary names who put a file in its place).

Submission time: the time in the folder's name (and nbgrader's `timestamp.txt` inside it) is the
participant's word: she writes both. What she cannot set is a change time (ctime): the kernel stamps it
with its own clock on every write, rename, chmod or `touch -d`, and no user can move it back. So the time a
submission was last changed is the latest ctime of her own files in it (a rename updates the renamed file's
ctime too), read by the collector. Folders' ctimes are not counted: another account adding or deleting an
entry in her 0777 folder changes the folder's, and must not make her late.
A claimed time earlier than that by more than `SUBMIT_TOLERANCE` (nbgrader takes its time before copying)
is back-dated: the folder is still collected, with the change time in `timestamp.txt` (so nbgrader's late
penalty and the reports see the true time), and the summary says so. An honest claim is kept as written.
Touching one's own submission after the deadline makes it late: that is the participant's own doing.
Copying the exchange elsewhere (cp -a, rsync, a restored backup) gives every entry a new change time, so
every submission would look back-dated: collect before moving an exchange.

Of each participant's valid folders the newest is collected; a refused folder never replaces it nor
blocks a later one. Files are copied through file descriptors opened with O_NOFOLLOW and checked with
fstat after opening, so a file swapped for a symlink or FIFO between the check and the copy is refused too.
"""

from __future__ import annotations

import errno
import getpass
import logging
import os
import pwd
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from fnmatch import fnmatch
from pathlib import Path

from camp import paths
from camp.lang import CampError

log = logging.getLogger("camp.exchange")
log.addHandler(logging.NullHandler())

#: How far in the future a submission's timestamp may be (participants' clocks drift a little).
CLOCK_SKEW = timedelta(minutes=5)
#: How much earlier than the submission's last change its claimed time may be: nbgrader's submit takes the
#: time, then copies the files (up to its size limit) and sets their modes. Earlier than this is back-dated.
SUBMIT_TOLERANCE = timedelta(seconds=60)
#: The format nbgrader writes timestamps in (`Exchange.timestamp_format`, in UTC).
STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
#: Limits per submission folder: files and folders in all, and folder depth.
MAX_ENTRIES = 2000
MAX_DEPTH = 12
_CHUNK = 1 << 16
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = (
    os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
)


class Refused(Exception):
    """A submission folder that must not be collected; the message says why."""


@dataclass
class Rejection:
    folder: str  # the folder's name in inbound (non-printable characters escaped)
    reason: str

    def __str__(self) -> str:
        return f"rejected: {self.folder}: {self.reason}"


@dataclass
class CollectReport:
    """What `collect` did: collected, unchanged, rejected (each with its reason), and whether owners were checked."""

    assignment: str
    collected: list[str] = field(default_factory=list)  # copied now (new or newer submission)
    unchanged: list[str] = field(default_factory=list)  # their newest valid submission was already collected
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files left out as nbgrader leaves them out (too large)
    intruded: list[Rejection] = field(default_factory=list)  # entries another account put into a submission
    intruders: set[str] = field(default_factory=set)  # those accounts
    backdated: list[str] = field(default_factory=list)  # collected with their true time, not the claimed one
    owners_checked: bool = False
    submitted: list[str] = field(default_factory=list)  # everyone with a collected submission afterwards

    def summary(self) -> str:
        lines = [str(r) for r in self.rejected]
        lines += [str(r) for r in self.intruded]
        lines += [f"skipped: {s}" for s in self.skipped]
        lines += [f"back-dated: {b}" for b in self.backdated]
        if self.owners_checked:
            lines.append(
                "ownership checked: the exchange is shared between Unix users, each folder must be owned by "
                "the user named like its participant id / हर फ़ोल्डर का मालिक जाँचा गया"
            )
        else:
            lines.append(
                "ownership not checked: every folder in the exchange is owned by you (single-user exchange), "
                "so the owner tells nothing / मालिक नहीं जाँचा गया: एक ही उपयोगकर्ता का exchange"
            )
        if self.backdated:
            lines.append(
                f"{len(self.backdated)} back-dated: collected with the time they were really written, not the "
                f"time they claim / {len(self.backdated)} जमा में पुराना समय लिखा था: असली समय लिया गया"
            )
        if self.rejected:
            lines.append(
                f"{len(self.rejected)} rejected, nothing copied from them; they stay in the exchange for you to "
                f"inspect / {len(self.rejected)} फ़ोल्डर अस्वीकार किए गए"
            )
        if self.intruded:
            lines.append(
                f"{len(self.intruded)} put into someone else's submission by {', '.join(sorted(self.intruders))}: "
                "left out, "
                f"the rest of that submission collected / {len(self.intruded)} चीज़ें किसी और ने डालीं: छोड़ दी गईं"
            )
        fresh = f" (new or updated: {', '.join(self.collected)})" if self.collected else ""
        lines.append(f"collected {len(self.submitted)} submissions of {self.assignment} / जमा किए गए{fresh}")
        return "\n".join(lines)


@dataclass
class _Candidate:
    name: str  # the folder's name in inbound
    student: str
    stamp: str  # the timestamp as written in the folder name (the participant's word)
    stamped: datetime  # that timestamp, naive UTC
    claimed: datetime  # the earliest time it claims (folder name, timestamp.txt), naive UTC
    changed: datetime  # its last change (latest ctime in it), read by the collector, naive UTC
    ino: tuple[int, int]  # (st_dev, st_ino) when listed
    uid: int

    @property
    def backdated(self) -> bool:
        return self.claimed < self.changed - SUBMIT_TOLERANCE

    @property
    def when(self) -> datetime:
        """The submission's time: its claim when honest, else the time it was last changed."""
        return self.changed if self.backdated else self.stamped

    @property
    def written_stamp(self) -> str:
        """What goes into the collected `timestamp.txt`: the claim as written, or the change time."""
        return self.changed.strftime(STAMP_FORMAT) if self.backdated else self.stamp

    def backdating(self) -> str:
        return (
            f"{shown(self.name)}: claims {self.claimed:%Y-%m-%d %H:%M:%S} UTC, last changed "
            f"{self.changed:%Y-%m-%d %H:%M:%S} UTC; collected with the change time"
        )


def shown(text: str, limit: int = 160) -> str:
    """`text` safe to print on the trainer's terminal: control characters escaped, length capped."""
    out = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid} (no such user)"


def _kind(mode: int) -> str | None:
    """What a non-regular, non-folder entry is, or None for regular files and folders."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    for test, what in (
        (stat.S_ISLNK, "a symlink"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return what
    return "not a regular file"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _parse(stamp: str) -> datetime:
    from nbgrader.utils import parse_utc

    return parse_utc(stamp)


def _from_ns(ns: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=ns // 1000)


def _changed_at(fd: int) -> datetime:
    """The latest change time (ctime) of the files in an open folder that its owner owns, naive UTC (the
    folder's own ctime when there are none).

    ctime is set by the kernel's clock on every change of an entry (write, rename, chmod, utime); no
    user can set it back. Symlinks are not followed (their own ctime counts); entries of other accounts
    (and everything in their folders) and folders' own ctimes are not counted: another account can add or
    delete entries in a 0777 folder. The walk stops at the copier's limits (a folder beyond them is refused
    by the copier anyway).
    """
    top = os.fstat(fd)
    owner, latest, seen = top.st_uid, None, 0

    def walk(dir_fd: int, depth: int) -> None:
        nonlocal latest, seen
        for name in os.listdir(dir_fd):
            seen += 1
            if seen > MAX_ENTRIES:
                return
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if st.st_uid != owner:
                continue
            if not stat.S_ISDIR(st.st_mode):
                latest = st.st_ctime_ns if latest is None else max(latest, st.st_ctime_ns)
            elif depth < MAX_DEPTH:
                try:
                    sub = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
                except OSError:
                    continue  # swapped or unreadable: the copier names it
                try:
                    walk(sub, depth + 1)
                finally:
                    os.close(sub)

    walk(fd, 0)
    return _from_ns(top.st_ctime_ns if latest is None else latest)


def _inner_claim(fd: int) -> datetime | None:
    """The time in nbgrader's `timestamp.txt` inside the submission (another claim of hers), if readable."""
    try:
        tfd = os.open("timestamp.txt", _FILE_FLAGS, dir_fd=fd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(tfd).st_mode):
            return None
        return _parse(os.read(tfd, 200).decode("utf-8", "replace").strip())
    except (OSError, ValueError, OverflowError, TypeError):
        return None
    finally:
        os.close(tfd)


def _parse_name(name: str, assignment: str) -> tuple[str, str] | None:
    """(participant id, timestamp) from `<id>+<assignment>+<timestamp>[+<random>]`, or None if not ours."""
    for count in (3, 2):
        parts = name.rsplit("+", count)
        if len(parts) == count + 1 and parts[1] == assignment and "+" not in parts[0]:
            return parts[0], parts[2]
    return None


class _Copier:
    """Walks one submission folder through file descriptors; copies into `dest_fd` (or only checks)."""

    def __init__(self, *, owner: int, ignore: list[str], max_file: int, max_total: int):
        self.owner = owner
        self.ignore = ignore
        self.max_file = max_file
        self.max_total = max_total
        self.entries = 0
        self.total = 0
        self.skipped: list[str] = []
        self.intruded: list[
            tuple[str, str, str]
        ] = []  # (path, account, why) of entries another account put in

    def walk(self, src_fd: int, dest_fd: int | None, rel: str = "", depth: int = 0) -> None:
        for name in sorted(os.listdir(src_fd)):
            path = f"{rel}{name}"
            self.entries += 1
            if self.entries > MAX_ENTRIES:
                raise Refused(f"more than {MAX_ENTRIES} files and folders")
            st = os.stat(name, dir_fd=src_fd, follow_symlinks=False)
            if st.st_uid != self.owner:  # put there by another account (the folder is 0777): left out, unread
                what = _kind(st.st_mode) or ("a folder" if stat.S_ISDIR(st.st_mode) else "a file")
                account = _user(st.st_uid)
                why = f"put there by {account}, not {_user(self.owner)} ({what}); left out, the rest is collected"
                self.intruded.append((shown(path), account, why))
                continue
            kind = _kind(st.st_mode)
            if kind == "a symlink":
                try:
                    target = os.readlink(name, dir_fd=src_fd)
                except OSError:
                    target = "?"
                raise Refused(f"{shown(path)} is a symlink (to {shown(target)})")
            if kind:
                raise Refused(f"{shown(path)} is {kind}")
            if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                raise Refused(f"{shown(path)} is a hard link ({st.st_nlink} names for one file)")
            if any(fnmatch(name, pattern) for pattern in self.ignore):
                continue  # nbgrader leaves these out (CourseDirectory.ignore)
            if not rel and name == "timestamp.txt":
                continue  # written from the folder's name, never taken from the participant
            if stat.S_ISDIR(st.st_mode):
                if depth + 1 > MAX_DEPTH:
                    raise Refused(f"{shown(path)}: folders nested deeper than {MAX_DEPTH}")
                self._folder(src_fd, dest_fd, name, path, st, depth)
            else:
                self._file(src_fd, dest_fd, name, path, st)

    def _folder(self, src_fd, dest_fd, name, path, st, depth) -> None:
        fd = _open(name, _DIR_FLAGS, src_fd, path)
        try:
            _same(os.fstat(fd), st, path)
            sub = None
            if dest_fd is not None:
                os.mkdir(name, 0o755, dir_fd=dest_fd)
                sub = os.open(name, _DIR_FLAGS, dir_fd=dest_fd)
            try:
                self.walk(fd, sub, f"{path}/", depth + 1)
            finally:
                if sub is not None:
                    os.close(sub)
        finally:
            os.close(fd)

    def _file(self, src_fd, dest_fd, name, path, st) -> None:
        if st.st_size > self.max_file:
            self.skipped.append(f"{shown(path)}: larger than {self.max_file // 1000} KB (nbgrader's limit)")
            return
        fd = _open(name, _FILE_FLAGS, src_fd, path)
        try:
            now = os.fstat(fd)
            _same(now, st, path)
            if now.st_uid != self.owner:
                raise Refused(f"{shown(path)} was given to {_user(now.st_uid)} while it was read")
            if now.st_nlink > 1:
                raise Refused(f"{shown(path)} is a hard link ({now.st_nlink} names for one file)")
            if dest_fd is None:
                self._count(now.st_size, path)
                return
            out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=dest_fd)
            try:
                written = 0
                while chunk := os.read(fd, _CHUNK):
                    written += len(chunk)
                    if written > self.max_file:
                        raise Refused(f"{shown(path)} grew while it was copied")
                    self._count(len(chunk), path)
                    os.write(out, chunk)  # a regular file: one write takes the whole chunk
            finally:
                os.close(out)
        finally:
            os.close(fd)

    def _count(self, size: int, path: str) -> None:
        self.total += size
        if self.total > self.max_total:
            raise Refused(f"larger than {self.max_total // 1000} KB in all (at {shown(path)})")


def _open(name: str, flags: int, dir_fd: int, path: str) -> int:
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise Refused(f"{shown(path)} became a symlink while it was read") from None
        if exc.errno in (errno.ENXIO, errno.ENOTDIR, errno.ENODEV, errno.EOPNOTSUPP):
            raise Refused(f"{shown(path)} is not a regular file") from None
        raise Refused(f"{shown(path)} cannot be read ({exc.strerror})") from None


def _same(now: os.stat_result, before: os.stat_result, path: str) -> None:
    """The entry opened is the one checked (not swapped in between) and still what it was."""
    if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino) or stat.S_IFMT(now.st_mode) != stat.S_IFMT(
        before.st_mode
    ):
        raise Refused(f"{shown(path)} was replaced while it was read")


def _trusted_folder(path: Path, what: str) -> None:
    """The exchange folders collect reads through must be real folders of the trainer's (or root's)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise CampError(f"{what} नहीं मिला: {path}", f"{what} not found: {path}") from None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid not in (os.geteuid(), 0):
        raise CampError(
            f"{path} असली फ़ोल्डर नहीं है या किसी और का है; collect नहीं किया।",
            f"{path} is not a real folder of yours (a symlink, or owned by {_user(st.st_uid)}); nothing collected.",
        )


def _existing_stamp(folder: Path) -> datetime | None:
    from nbgrader.utils import parse_utc

    try:
        return parse_utc((folder / "timestamp.txt").read_text(encoding="utf-8").strip())
    except (OSError, ValueError, OverflowError):
        return None


def _settings() -> tuple[list[str], int, int, bool]:
    from grader.config import nbgrader_settings

    course = nbgrader_settings()["CourseDirectory"]
    return (
        list(course.get("ignore", [])),
        int(course.get("max_file_size", 100000)) * 1000,
        int(course.get("max_dir_size", 100000)) * 1000,
        bool(course.get("groupshared", False)),
    )


def _share_with_group(top: Path) -> None:
    """Several trainers (nbgrader's groupshared): what collect made, folders g+rwxs and files g+rw, as nbgrader does.

    Only folders this collect made itself (the staging copy, a new participant folder): nothing of a participant's.
    """
    for folder, _, files in os.walk(top):
        os.chmod(folder, os.stat(folder).st_mode | 0o2770)
        for name in files:
            path = os.path.join(folder, name)
            os.chmod(path, os.stat(path).st_mode | 0o660)


def collect(
    *,
    assignment: str,
    exchange_root: Path | None = None,
    course_root: Path | None = None,
    course_id: str = paths.COURSE_ID,
) -> CollectReport:
    """Collect the newest valid submission of `assignment` of every participant; refuse hostile folders.

    Known participants are the roster's ids and the trainer's own login (which `camp course init` registers,
    so a laptop without a roster still works). Returns a report; `report.summary()` is what `camp collect`
    prints: one "rejected: <folder>: <reason>" line per refused folder, the ownership check, the counts.
    """
    from nbgrader.utils import parse_utc

    from grader import roster
    from grader.submissions import require_known

    require_known(assignment)
    exchange_root = Path(exchange_root or paths.exchange_root())
    course_root = Path(course_root or paths.course_root())
    report = CollectReport(assignment)
    _trusted_folder(exchange_root / course_id, "exchange folder")
    inbound = exchange_root / course_id / "inbound"
    _trusted_folder(inbound, "inbound folder")
    known = set(roster.load()) | {getpass.getuser()}
    ignore, max_file, max_total, groupshared = _settings()
    me, now = os.geteuid(), _utc_now()

    inbound_fd = os.open(inbound, _DIR_FLAGS)
    try:
        names = sorted(os.listdir(inbound_fd))
        listed = {}
        for name in names:
            try:
                listed[name] = os.stat(name, dir_fd=inbound_fd, follow_symlinks=False)
            except FileNotFoundError:
                continue
        report.owners_checked = any(st.st_uid != me for st in listed.values())

        candidates: dict[str, list[_Candidate]] = {}
        for name, st in listed.items():
            parsed = _parse_name(name, assignment)
            if parsed is None:
                if f"+{assignment}+" in name:
                    report.rejected.append(
                        Rejection(shown(name), "the folder name is not <id>+<assignment>+<time>")
                    )
                continue  # another assignment's submission
            student, stamp = parsed
            try:
                when = parse_utc(stamp)
            except (ValueError, OverflowError, TypeError):
                when = None
            kind = _kind(st.st_mode)
            if not roster.valid_id(student):
                reason = (
                    f"'{shown(student, 60)}' is not a valid participant id (letters, digits, '.', '_', '-')"
                )
            elif student not in known:
                reason = f"'{student}' is not in the roster"
            elif when is None:
                reason = f"the timestamp '{shown(stamp, 60)}' is not understood"
            elif when > now + CLOCK_SKEW:
                reason = (
                    f"the timestamp {shown(stamp, 60)} is in the future (now {now:%Y-%m-%d %H:%M:%S} UTC)"
                )
            elif kind:
                reason = f"it is {kind}, not a folder"
            elif report.owners_checked and _user(st.st_uid) != student:
                reason = f"claims to be {student}'s but is owned by {_user(st.st_uid)}"
            else:
                try:
                    cand = _candidate(name, student, stamp, when, st, inbound_fd)
                except Refused as exc:
                    reason = str(exc)
                else:
                    candidates.setdefault(student, []).append(cand)
                    continue
            report.rejected.append(Rejection(shown(name), reason))

        for student in sorted(candidates):
            newest_first = sorted(candidates[student], key=lambda c: (c.when, c.name), reverse=True)
            _collect_one(
                newest_first,
                inbound_fd,
                course_root,
                assignment,
                report,
                now,
                copier=lambda uid: _Copier(owner=uid, ignore=ignore, max_file=max_file, max_total=max_total),
                groupshared=groupshared,
            )
    finally:
        os.close(inbound_fd)

    report.rejected.sort(key=lambda r: r.folder)
    report.intruded.sort(key=lambda r: r.folder)
    for rejection in report.rejected + report.intruded:
        log.warning("%s", rejection)
    root = course_root / "submitted"
    report.submitted = (
        sorted(p.name for p in root.iterdir() if (p / assignment).is_dir()) if root.exists() else []
    )
    return report


def _candidate(name: str, student: str, stamp: str, when: datetime, st: os.stat_result, inbound_fd: int):
    """A submission folder with its claimed time and its true last change, read through its own descriptor."""
    cand = _Candidate(name, student, stamp, when, when, when, (st.st_dev, st.st_ino), st.st_uid)
    fd = _open_candidate(cand, inbound_fd)
    try:
        cand.changed = _changed_at(fd)
        inner = _inner_claim(fd)
    finally:
        os.close(fd)
    if inner is not None:
        cand.claimed = min(cand.claimed, inner)
    return cand


def _collect_one(
    newest_first, inbound_fd, course_root, assignment, report, now, copier, groupshared=False
) -> None:
    """Copy the newest candidate that passes every check; check the older ones too, so each refusal is named."""
    student = newest_first[0].student
    dest = course_root / "submitted" / student / assignment
    existing = _existing_stamp(dest) if dest.is_dir() else None
    if existing is not None and existing > now + CLOCK_SKEW:
        existing = None  # a future timestamp collected before (by nbgrader's own collect) blocks nothing
    chosen = None
    for cand in newest_first:
        keep = chosen is not None or (existing is not None and existing >= cand.when)
        try:
            if keep:
                _inspect(cand, inbound_fd, copier, report)
            else:
                _copy(cand, inbound_fd, dest, copier, report, groupshared)
        except Refused as exc:
            report.rejected.append(Rejection(shown(cand.name), str(exc)))
            continue
        if chosen is None:
            chosen = cand
            (report.unchanged if keep else report.collected).append(student)


def _open_candidate(cand: _Candidate, inbound_fd: int) -> int:
    fd = _open(cand.name, _DIR_FLAGS, inbound_fd, cand.name)
    st = os.fstat(fd)
    if (st.st_dev, st.st_ino) != cand.ino or st.st_uid != cand.uid:
        os.close(fd)
        raise Refused("the folder was replaced while it was collected")
    return fd


def _intruders(cand: _Candidate, walker: _Copier, report: CollectReport | None) -> None:
    if report is not None:
        report.intruded += [Rejection(f"{shown(cand.name)}/{path}", why) for path, _, why in walker.intruded]
        report.intruders.update(account for _, account, _ in walker.intruded)


def _inspect(cand: _Candidate, inbound_fd: int, copier, report: CollectReport | None = None) -> None:
    fd = _open_candidate(cand, inbound_fd)
    walker = copier(cand.uid)
    try:
        walker.walk(fd, None)
    finally:
        os.close(fd)
        _intruders(cand, walker, report)


def _copy(
    cand: _Candidate, inbound_fd: int, dest: Path, copier, report: CollectReport, groupshared=False
) -> None:
    """Copy into a private staging folder beside `dest`; only a complete, clean copy replaces `dest`."""
    parent = dest.parent
    parent.mkdir(parents=True, exist_ok=True)
    if groupshared:  # submitted/ and submitted/<participant>/, when this trainer made them: the group's too
        for folder in (parent, parent.parent):
            st = os.lstat(folder)
            if stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and st.st_mode & 0o2770 != 0o2770:
                os.chmod(folder, st.st_mode | 0o2770)
    if parent.is_symlink() or not parent.is_dir():
        raise Refused(f"{parent} is not a real folder")
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.collecting-", dir=parent))
    try:
        fd = _open_candidate(cand, inbound_fd)
        walker = copier(cand.uid)
        try:
            out = os.open(staging, _DIR_FLAGS)
            try:
                walker.walk(fd, out)
            finally:
                os.close(out)
                _intruders(cand, walker, report)
            # changed while it was copied: what was copied is no older than its latest change now
            cand.changed = max(cand.changed, _changed_at(fd))
        finally:
            os.close(fd)
        if cand.backdated:
            report.backdated.append(cand.backdating())
        (staging / "timestamp.txt").write_text(cand.written_stamp, encoding="utf-8")
        staging.chmod(0o755)
        if groupshared:
            _share_with_group(staging)
        old = None
        if dest.exists() or dest.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.replaced-", dir=parent)) / "old"
            os.rename(dest, old)
        os.rename(staging, dest)
        if old is not None:
            shutil.rmtree(old.parent, ignore_errors=True)
        report.skipped += [f"{shown(cand.name)}/{s}" for s in walker.skipped]
        log.info("collected %s from %s", cand.student, shown(cand.name))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _nbgrader_plugin():
    from nbgrader.exchange.default.collect import ExchangeCollect

    class CampCollect(ExchangeCollect):
        """nbgrader's collect (the Formgrader's Collect button) with the same refusals as `camp collect`.

        Enabled with `c.ExchangeFactory.collect = "grader.exchange.CampCollect"`.
        """

        def start(self):
            report = collect(
                assignment=self.coursedir.assignment_id,
                exchange_root=Path(self.root),
                course_root=Path(self.coursedir.root),
                course_id=self.coursedir.course_id,
            )
            for line in report.summary().splitlines():
                (self.log.error if line.startswith("rejected:") else self.log.info)(line)
            return report

    return CampCollect


def __getattr__(name: str):
    if name == "CampCollect":  # built on first use, so importing this module does not import nbgrader
        globals()[name] = _nbgrader_plugin()
        return globals()[name]
    raise AttributeError(name)
