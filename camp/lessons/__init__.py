"""Lesson widgets: each lesson shows a widget with one short call, e.g. `lesson00.post_counter()`.

The widget plumbing lives here, not in the lesson, so a participant reads one line per widget. The logic
a widget uses lives in the topical modules (`camp.platforms`, `camp.calendar`, `camp.metrics`,
`camp.verify`), where it is tested on its own.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

#: The parts of the widgets shown in this kernel, by name (tests drive them as a participant would).
shown: dict[str, SimpleNamespace] = {}


def panel(name: str, *children: Any, **parts: Any) -> None:
    """Display `children` in one box, where long option and tick-box labels wrap (`camp.answers.tidy`), and
    keep the named `parts` in `shown[name]`."""
    from IPython.display import display

    from camp.answers import tidy

    for child in children:
        _full_labels(child)
    shown[name] = SimpleNamespace(**parts)
    display(tidy(*children))


def _full_labels(widget: Any) -> None:
    """Give every label ("प्लैटफ़ॉर्म", "कितनी बार / times") and button the room it needs: ipywidgets cuts a
    description longer than its default width with "…", which hides most of a Hindi/English label."""
    import ipywidgets as w

    style = getattr(widget, "style", None)
    if isinstance(widget, w.Button) and not widget.layout.width:
        widget.layout.width = "auto"  # a button is 148 px wide by default: "PNG सहेजें / Sav…"
    elif getattr(widget, "description", "") and style is not None and style.has_trait("description_width"):
        if not style.description_width:
            style.description_width = "initial"
    for child in getattr(widget, "children", ()):
        _full_labels(child)


def wide(width: str = "95%", height: str | None = None):
    """A layout as wide as the notebook (and as tall as `height`, for text areas)."""
    import ipywidgets as w

    return w.Layout(width=width, height=height) if height else w.Layout(width=width)


def sorter(
    name: str, items: list[tuple[str, str]], choices: dict, right: list[str], why: list[tuple[str, str]]
) -> None:
    """One dropdown per case; "Check" marks each choice and gives the reason (the sorters of lessons 07–09)."""
    import ipywidgets as w

    picks = [
        w.Dropdown(
            options=[("— चुनें / choose —", "")] + [(f"{hi} / {en}", k) for k, (hi, en, *_) in choices.items()],
            description=f"{n}. {hi} / {en}",
            layout=wide(),
        )  # fmt: skip
        for n, (hi, en) in enumerate(items, 1)
    ]
    button = w.Button(description="जाँचें / Check", icon="check", button_style="primary")
    view = w.HTML()

    def check(_button=None) -> None:
        rows, score = "", 0
        for n, (pick, key, (why_hi, why_en)) in enumerate(zip(picks, right, why), 1):
            ok = pick.value == key
            score += ok
            hi, en, *_ = choices[key]
            rows += f"<tr><td>{n}</td><td>{'✅' if ok else '❌'} {hi} / {en}</td><td>{why_hi}<br><small>{why_en}</small></td></tr>"
        view.value = f"<table>{rows}</table><p><b>{score} / {len(items)}</b></p>"

    button.on_click(check)
    panel(name, *picks, button, view, picks=picks, button=button, view=view, check=check)
