"""The participants' list: import from CSV (id, name, district, role, phone), kept with the gradebook."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from camp import paths
from camp.lang import CampError

FIELDS = ("id", "name", "district", "role", "phone")
ROLES = {"worker": "worker", "leader": "leader", "कार्यकर्ता": "worker", "नेता": "leader"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_PHONE = re.compile(r"^(\+91[ -]?)?[6-9]\d{9}$")


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def valid_id(text: str) -> bool:
    """Is `text` a participant id as the roster allows them (letters, digits, '.', '_', '-'; no newline)?"""
    return bool(_ID.fullmatch(text))


def roster_path() -> Path:
    return paths.home() / "roster.json"


def load() -> dict[str, dict[str, str]]:
    """{participant id: {name, district, role, phone}} as last imported."""
    path = roster_path()
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def split_name(name: str) -> tuple[str, str]:
    """(first, last) for nbgrader, whose Formgrader shows "last, first": the last word is the last name.

    A one-word name is both: every Formgrader list joins the two as "last, first" (an empty part gave
    "Asha, "; left unset, "Asha, None"), and its grading page shows the id instead of a name with a part missing.

    >>> split_name("रेखा देवी शर्मा"), split_name("Asha")
    (('रेखा देवी', 'शर्मा'), ('Asha', 'Asha'))
    """
    words = name.split()
    if len(words) == 1:
        return words[0], words[0]
    return (" ".join(words[:-1]), words[-1]) if words else ("", "")


def _row_problem(row: dict[str, str]) -> str | None:
    if not _ID.match(row["id"]):
        return f"id '{row['id']}' must be letters, digits, '.', '_' or '-' / आईडी में केवल अक्षर, अंक, . _ - हों"
    if not row["name"]:
        return "name is empty / नाम ख़ाली है"
    if not row["district"]:
        return "district is empty / ज़िला ख़ाली है"
    if row["role"] not in ROLES:
        return f"role '{row['role']}' must be worker or leader / भूमिका worker या leader हो"
    if row["phone"] and not _PHONE.match(row["phone"].replace(" ", "")):
        return f"phone '{row['phone']}' is not a 10-digit Indian mobile number / फ़ोन नंबर 10 अंकों का हो"
    return None


def import_roster(*, file: Path) -> ImportReport:
    """Add or update participants from a CSV file; a bad row is reported with its line, the rest imported.

    Importing the same file twice changes nothing.
    """
    from nbgrader.api import Gradebook

    file = Path(file)
    if not file.exists():
        raise CampError(f"फ़ाइल नहीं मिली: {file}", f"file not found: {file}")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CampError(
            f"{file} UTF-8 में नहीं है; CSV को UTF-8 में सहेजें", f"{file} is not UTF-8; save it as UTF-8 CSV"
        ) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [f for f in FIELDS[:4] if f not in header]
    if missing:
        raise CampError(
            f"{file}: ये कॉलम नहीं हैं: {', '.join(missing)} (चाहिए: id,name,district,role,phone)",
            f"{file}: missing columns: {', '.join(missing)} (expected: id,name,district,role,phone)",
        )
    report = ImportReport()
    people = load()
    paths.ensure_tools_on_path()
    paths.course_root().mkdir(parents=True, exist_ok=True)
    first_line: dict[str, int] = {}
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        for line, raw in enumerate(reader, start=2):
            row = {
                f: (raw.get(orig) or "").strip()
                for orig, f in zip(reader.fieldnames or [], header)
                if f in FIELDS
            }
            row = {f: row.get(f, "") for f in FIELDS}
            row["role"] = ROLES.get(row["role"].lower(), row["role"]) if row["role"] else ""
            problem = _row_problem(row)
            if not problem and row["id"] in first_line:
                problem = (
                    f"id '{row['id']}' already on line {first_line[row['id']]}; this row is not imported "
                    f"/ यह आईडी पंक्ति {first_line[row['id']]} में पहले से है, यह पंक्ति नहीं ली गई"
                )
            if problem:
                report.errors.append(f"{file.name} line {line}: {problem}")
                continue
            first_line[row["id"]] = line
            person = {k: row[k] for k in FIELDS[1:]}
            first, last = split_name(row["name"])
            if people.get(row["id"]) == person:
                report.unchanged += 1
                gb.update_or_create_student(row["id"], first_name=first, last_name=last, email=None)
                continue
            report.updated += row["id"] in people
            report.added += row["id"] not in people
            people[row["id"]] = person
            gb.update_or_create_student(row["id"], first_name=first, last_name=last, email=None)
    roster_path().parent.mkdir(parents=True, exist_ok=True)
    roster_path().write_text(json.dumps(people, ensure_ascii=False, indent=1), encoding="utf-8")
    return report
