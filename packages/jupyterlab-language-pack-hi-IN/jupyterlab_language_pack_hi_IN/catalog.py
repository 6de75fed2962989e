"""Read the pack's gettext catalogue (.po) and write what JupyterLab loads from it (.json for the page, .mo for
the server, which translates the menus declared in settings schemas).

    python -m jupyterlab_language_pack_hi_IN.catalog   # rebuild every .json and .mo from its .po

The .po keeps the source references (`#:` lines) of JupyterLab's own catalogue, jupyterlab.pot from
github.com/jupyterlab/language-packs, so the coverage script can tell which strings a participant meets.
"""

from __future__ import annotations

import ast
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

LOCALE = "hi_IN"
LANGUAGE = "hi-IN"
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
MESSAGES = Path(__file__).parent / "locale" / LOCALE / "LC_MESSAGES"


@dataclass
class Entry:
    msgid: str
    context: str | None = None
    plural: str | None = None
    strings: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # every other `#` line, kept as it is

    @property
    def key(self) -> str:
        """The key of this message in JupyterLab's JSON catalogue (context and id joined by EOT)."""
        return f"{self.context}\x04{self.msgid}" if self.context else self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings)

    def packages(self) -> set[str]:
        """JupyterLab packages whose source uses this message (`/packages/<name>/...` in the references)."""
        found = set()
        for ref in self.refs:
            parts = ref.lstrip("/").split("/")
            if len(parts) > 1 and parts[0] == "packages":
                found.add(parts[1])
        return found


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """(header fields, entries) of a .po file; the header is the entry with the empty msgid."""
    header: dict[str, str] = {}
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        refs, comments, fields, current = [], [], {}, None
        for line in lines:
            if line.startswith("#:"):
                refs.extend(line[2:].split())
            elif line.startswith("#"):
                comments.append(line)
            elif line.startswith('"'):
                fields[current] += _unquote(line)
            else:
                current, _, value = line.partition(" ")
                fields[current] = _unquote(value.strip())
        if "msgid" not in fields:
            continue
        if fields["msgid"] == "" and "msgctxt" not in fields:
            for item in fields.get("msgstr", "").splitlines():
                name, _, value = item.partition(":")
                header[name.strip()] = value.strip()
            continue
        plural = fields.get("msgid_plural")
        strings = [fields.get(f"msgstr[{n}]", "") for n in range(2)] if plural is not None else [fields.get("msgstr", "")]
        entries.append(Entry(fields["msgid"], fields.get("msgctxt"), plural, strings, refs, comments))
    return header, entries


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_po(path: Path, header: dict[str, str], entries: list[Entry]) -> None:
    head = "".join(f"{k}: {v}\\n" for k, v in header.items())
    out = ['msgid ""', 'msgstr ""', *(f'"{line}\\n"' for line in head.split("\\n") if line)]
    chunks = ["\n".join(out)]
    for e in entries:
        lines = [*e.comments]
        if e.refs:
            lines.append("#: " + " ".join(e.refs))
        if e.context is not None:
            lines.append(f"msgctxt {_quote(e.context)}")
        lines.append(f"msgid {_quote(e.msgid)}")
        if e.plural is not None:
            lines.append(f"msgid_plural {_quote(e.plural)}")
            lines += [f"msgstr[{n}] {_quote(s)}" for n, s in enumerate(e.strings)]
        else:
            lines.append(f"msgstr {_quote(e.strings[0] if e.strings else '')}")
        chunks.append("\n".join(lines))
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def to_json(domain: str, entries: list[Entry]) -> dict:
    """JupyterLab's JSON catalogue: {"": metadata, key: [translation, plural translation?]}; translated only."""
    data: dict = {"": {"domain": domain, "language": LANGUAGE, "plural_forms": PLURAL_FORMS, "version": domain}}
    for e in entries:
        if e.translated:
            data[e.key] = [nfc(s) for s in e.strings]
    return data


def write_mo(path: Path, domain: str, entries: list[Entry]) -> None:
    """The compiled catalogue gettext reads on the server (schema strings: menus, settings)."""
    from datetime import datetime, timezone

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo as babel_write_mo

    fixed = datetime(2026, 1, 1, tzinfo=timezone.utc)  # the same .mo from the same .po (no churn in git)
    catalog = Catalog(locale=LOCALE, domain=domain, charset="utf-8", creation_date=fixed, revision_date=fixed,
                      fuzzy=False)
    for e in entries:
        if e.translated:
            msgid = (e.msgid, e.plural) if e.plural is not None else e.msgid
            string = tuple(nfc(s) for s in e.strings) if e.plural is not None else nfc(e.strings[0])
            catalog.add(msgid, string, context=e.context)
    with path.open("wb") as out:
        babel_write_mo(out, catalog)


def build(messages: Path = MESSAGES) -> list[Path]:
    """Write <domain>.json and <domain>.mo beside every <domain>.po; returns the files written."""
    written = []
    for po in sorted(messages.glob("*.po")):
        _, entries = read_po(po)
        target = po.with_suffix(".json")
        target.write_text(json.dumps(to_json(po.stem, entries), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                          encoding="utf-8")
        write_mo(po.with_suffix(".mo"), po.stem, entries)
        written += [target, po.with_suffix(".mo")]
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
