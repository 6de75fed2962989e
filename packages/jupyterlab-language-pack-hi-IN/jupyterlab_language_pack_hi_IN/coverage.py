"""How much of what a participant meets in JupyterLab is in Hindi.

    python -m jupyterlab_language_pack_hi_IN.coverage          # the share, area by area
    python -m jupyterlab_language_pack_hi_IN.coverage --missing  # and every string still in English

"Participant-visible" is every message of JupyterLab's catalogue used by the packages that draw the menu bar
(File … Help) and what its items open, the notebook (toolbar, context menu, cells, kernel status), the launcher,
the document dialogs (save, rename, close, revert, kernel restart / dead / busy), the file browser, the
running-sessions panel and the status bar (AREAS below). Not counted: the Settings Editor's titles and long
descriptions (contexts "settings" and "schema"), the keyboard-shortcut and plugin managers, and strings other
extensions (nbgrader, jupytext) draw themselves. Untranslated messages fall back to English.
"""

from __future__ import annotations

import argparse
import sys

from .catalog import MESSAGES, Entry, read_po

#: area → JupyterLab packages whose strings a participant meets there (first match wins).
AREAS: dict[str, tuple[str, ...]] = {
    "menus (File, Edit, View, Run, Kernel, Tabs, Settings, Help)": (
        "mainmenu-extension", "application-extension", "help-extension", "translation-extension",
        "apputils-extension"),
    "notebook (toolbar, context menu, cells, kernel messages)": (
        "notebook-extension", "notebook", "cells", "outputarea", "cell-toolbar"),
    "dialogs (save, rename, close, revert, kernel restart/busy/dead)": (
        "docmanager-extension", "docmanager", "docregistry", "apputils"),
    "file browser": ("filebrowser-extension", "filebrowser"),
    "launcher, running sessions, status bar": (
        "launcher-extension", "launcher", "running-extension", "running", "application", "statusbar-extension"),
    "more menus and panels (find, text file, console, terminal, contents, debugger)": (
        "documentsearch-extension", "documentsearch", "fileeditor-extension", "fileeditor", "console-extension",
        "terminal-extension", "toc-extension", "toc", "inspector-extension", "inspector", "logconsole-extension",
        "extensionmanager-extension", "settingeditor-extension", "codeeditor", "codemirror-extension",
        "ui-components", "property-inspector", "celltags-extension", "theme-light-extension",
        "theme-dark-extension", "theme-dark-high-contrast-extension", "debugger-extension", "debugger"),
}
SKIPPED_CONTEXTS = {"settings", "schema"}  # Settings Editor titles and descriptions


def area_of(entry: Entry) -> str | None:
    if entry.context in SKIPPED_CONTEXTS:
        return None
    if entry.context == "menu":  # menu titles from the settings schemas: always in the menu bar
        return next(iter(AREAS))
    packages = entry.packages()
    for area, names in AREAS.items():
        if packages & set(names):
            return area
    return None


def participant_entries(entries: list[Entry]) -> dict[str, list[Entry]]:
    found: dict[str, list[Entry]] = {area: [] for area in AREAS}
    for entry in entries:
        area = area_of(entry)
        if area:
            found[area].append(entry)
    return found


OTHER_DOMAINS = "other extensions in the Lab (Notebook 7's switcher, jupytext, widgets)"


def all_groups() -> dict[str, list[Entry]]:
    """Participant-visible messages by area: JupyterLab's by AREAS, the other domains' (their .po files beside
    jupyterlab.po) apart from their Settings Editor texts."""
    _, entries = read_po(MESSAGES / "jupyterlab.po")
    groups = participant_entries(entries)
    groups[OTHER_DOMAINS] = [
        e for po in sorted(MESSAGES.glob("*.po")) if po.stem != "jupyterlab"
        for e in read_po(po)[1] if e.context not in SKIPPED_CONTEXTS
    ]
    return groups


def share() -> tuple[int, int]:
    """(translated, total) participant-visible messages, every domain."""
    visible = [e for group in all_groups().values() for e in group]
    return sum(e.translated for e in visible), len(visible)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the participant-visible strings in English")
    args = parser.parse_args(argv)
    _, entries = read_po(MESSAGES / "jupyterlab.po")
    groups = all_groups()
    width = max(len(area) for area in groups)
    print("JupyterLab in Hindi (hi_IN): participant-visible strings translated")
    for area, group in groups.items():
        done = sum(e.translated for e in group)
        print(f"  {area:<{width}} {done:>4} / {len(group):<4} {100 * done / max(len(group), 1):5.1f} %")
        if args.missing:
            for e in group:
                if not e.translated:
                    print("      -", repr(e.msgid))
    done, total = share()
    print(f"  {'all participant-visible strings':<{width}} {done:>4} / {total:<4} {100 * done / total:5.1f} %")
    every = sum(e.translated for e in entries)
    print(f"  (whole JupyterLab catalogue, Settings Editor included: {every} / {len(entries)}, "
          f"{100 * every / len(entries):.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
