"""Lesson 04's widgets: engagement calculator, what did well (breakdown), best-time explorer, A/B test reader."""

from __future__ import annotations

from typing import Any

from camp import charts, data, metrics
from camp.lang import CampError
from camp.lessons import panel, wide

CALCULATOR = {
    "followers": ("फ़ॉलोअर / followers", 10400),
    "reach": ("पहुँच / reach", 1300),
    "impressions": ("इंप्रेशन / impressions", 1800),
    "likes": ("लाइक / likes", 52),
    "comments": ("कमेंट / comments", 6),
    "shares": ("शेयर / shares", 5),
    "saves": ("सेव / saves", 2),
    "clicks": ("लिंक क्लिक / link clicks", 27),
}
METRICS = [
    ("पहुँच, सामान्य की तुलना में (100 = आम) / reach vs usual (100 = usual)", "reach_vs_usual"),
    ("ER पहुँच पर % / ER by reach %", "er_reach"),
    ("CTR % (लिंक वाली पोस्ट) / CTR % (link posts)", "ctr"),
]
#: The ways to split one platform's posts, for `breakdown()`: (label, column of the posts table).
BREAKDOWNS = [
    ("फ़ॉर्मैट (फ़ोटो, रील …) / format (photo, reel …)", "format"),
    ("स्तंभ (विषय) / pillar (topic)", "pillar"),
    ("ज़िला / district", "district"),
]
BREAKDOWN_PLATFORMS = ["Facebook", "Instagram", "X", "YouTube"]
AB_FIELDS = [
    ("reach_a", "A: पहुँच / reach"),
    ("eng_a", "A: एंगेजमेंट / engagements"),
    ("reach_b", "B: पहुँच / reach"),
    ("eng_b", "B: एंगेजमेंट / engagements"),
]


def rates(followers: int, reach: int, impressions: int, engagements: int, clicks: int) -> dict[str, float]:
    """One post's four rates (%), labelled in Hindi and English on two lines.

    Example:
        >>> list(rates(10400, 1300, 1800, 65, 27).values())[0]
        5.0
    """
    return {
        "पहुँच पर ER\nER by reach": metrics.engagement_rate(engagements, reach),
        "फ़ॉलोअर पर ER\nER by followers": metrics.engagement_rate(engagements, followers),
        "इंप्रेशन पर ER\nER by impressions": metrics.engagement_rate(engagements, impressions),
        "CTR": metrics.ctr(clicks, impressions),
    }


def engagement_calculator() -> None:
    """Boxes for one post's figures; its engagements, four rates and their chart, updated as you type."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    def show(followers, reach, impressions, likes, comments, shares, saves, clicks) -> None:
        n = metrics.engagements(likes, comments, shares, saves)
        print(f"एंगेजमेंट / engagements = {likes} + {comments} + {shares} + {saves} = {n}")
        if reach > impressions:
            print("⚠️ पहुँच इंप्रेशन से ज़्यादा नहीं हो सकती / reach cannot be larger than impressions")
        try:
            found = rates(followers, reach, impressions, n, clicks)
        except CampError as problem:
            print(problem)
            return
        for label, value in found.items():
            print(f"{label.replace(chr(10), ' / ')}: {value:.3g}%")
        fig = charts.bar(
            list(found), list(found.values()), title="एक पोस्ट, चार दरें / One post, four rates", ylabel="%"
        )
        fig.axes[0].bar_label(fig.axes[0].containers[0], fmt="%.2f%%")
        plt.show()

    boxes = {
        key: w.BoundedIntText(
            value=value, min=0, max=10_000_000, description=label, style={"description_width": "150px"}
        )
        for key, (label, value) in CALCULATOR.items()
    }
    out = w.interactive_output(show, boxes)
    parts = list(boxes.values())
    panel("engagement_calculator", w.HBox([w.VBox(parts[:4]), w.VBox(parts[4:])]), out, out=out, **boxes)


def breakdown_table(posts: Any, column: str, platform: str) -> Any:
    """The median engagement rate by reach (%) of one platform's posts, for each value of `column`, lowest first.

    Example:
        >>> from camp import data
        >>> table = breakdown_table(metrics.add_rates(data.load("posts")), "format", "Facebook")
        >>> list(table.values) == sorted(table.values)
        True
    """
    rows = posts[posts["platform"] == platform]
    return rows.groupby(column)["er_reach"].median().sort_values().round(2)


def breakdown(posts: Any) -> None:
    """Two drop-downs, what to compare (format, pillar or district) and on which platform: a chart of the median
    engagement rate by reach for each, redrawn at once. One platform at a time, so the comparison is fair."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    def show(column: str, platform: str) -> None:
        table = breakdown_table(posts, column, platform)
        charts.bar(table.index, table.values, horizontal=True, xlabel="%",
                   title=f"{platform}: ER पहुँच पर (माध्यिका) / median ER by reach")  # fmt: skip
        plt.show()

    controls = {
        "column": w.Dropdown(options=BREAKDOWNS, value="format", description="किसकी तुलना / compare"),
        "platform": w.Dropdown(
            options=BREAKDOWN_PLATFORMS, value="Facebook", description="प्लैटफ़ॉर्म / platform"
        ),
    }
    view = w.interactive(show, **controls)
    panel("breakdown", view, view=view, **controls)


def best_time_explorer(posts: Any) -> None:
    """Pick a platform, a measure and a view: a day × time heatmap, or a chart by hour posted."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    names = {value: label for label, value in METRICS}

    def show(platform: str, metric: str, view: str) -> None:
        rows = posts if platform == "all" else posts[posts["platform"] == platform]
        if view == "hour":
            table = rows.groupby("hour")[metric].median().round(1)
            charts.bar([str(h) for h in table.index], list(table.values), title=names[metric],
                       xlabel="पोस्ट का घंटा / hour posted")  # fmt: skip
        else:
            charts.heatmap(metrics.time_table(rows, metric), metrics.time_table(rows, metric, how="count"),
                           title=names[metric])  # fmt: skip
        plt.show()

    platforms = [("सभी / all", "all")] + [(name, name) for name in ("Facebook", "Instagram", "X", "YouTube")]
    controls = {
        "platform": w.Dropdown(options=platforms, value="all", description="प्लैटफ़ॉर्म"),
        "metric": w.Dropdown(options=METRICS, value="reach_vs_usual", description="आँकड़ा", layout=wide("70%")),
        "view": w.ToggleButtons(
            options=[("दिन × समय / day × time", "grid"), ("घंटे के हिसाब से / by hour", "hour")], value="grid"
        ),
    }
    explorer = w.interactive(show, **controls)
    panel("best_time_explorer", explorer, explorer=explorer, **controls)


def ab_reader() -> None:
    """Pick one of the three A/B tests (or type your own numbers): both rates, a chart and a plain verdict."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    ab = data.load("ab_test")
    first = ab.groupby("test_id").first()
    pick = w.Dropdown(
        options=[
            (f"{t}: {r.question_hi} / {r.question_en} ({r.platform}, {r.district})", t)
            for t, r in first.iterrows()
        ]
        + [("अपने आँकड़े / your own numbers", "own")],
        value="T1",
        layout=wide(),
    )
    boxes = {
        key: w.BoundedIntText(min=0, max=10_000_000, description=label, style={"description_width": "170px"})
        for key, label in AB_FIELDS
    }
    versions = w.HTML()

    def load_test(change=None) -> None:
        if pick.value == "own":
            versions.value = "बॉक्स में अपने आँकड़े लिखें / type your own numbers in the boxes"
            return
        rows = ab[ab["test_id"] == pick.value].set_index("variant")
        for v in ("a", "b"):
            row = rows.loc[v.upper()]
            boxes[f"reach_{v}"].value = int(row["reach"])
            boxes[f"eng_{v}"].value = int(row["engagements"])
        versions.value = "<br>".join(
            f"<b>{v}:</b> {rows.loc[v, 'version_hi']} / {rows.loc[v, 'version_en']}" for v in ("A", "B")
        )

    def read(reach_a: int, eng_a: int, reach_b: int, eng_b: int) -> None:
        try:
            result = metrics.ab_test(reach_a, eng_a, reach_b, eng_b)
        except CampError as problem:
            print(problem)
            return
        fig = charts.bar(["A", "B"], [result.rate_a, result.rate_b], title="एंगेजमेंट दर, पहुँच पर / engagement rate by reach",
                         ylabel="%", color="#6a51a3")  # fmt: skip
        fig.axes[0].bar_label(fig.axes[0].containers[0], fmt="%.2f%%")
        fig.set_size_inches(5, 3.2)
        plt.show()
        icon = {"A": "✅", "B": "✅", "no_difference": "🤝", "too_small": "⚠️"}[result.verdict]
        print(icon, result.message_hi)
        print(icon, result.message_en)

    pick.observe(load_test, names="value")
    load_test()
    out = w.interactive_output(read, boxes)
    parts = list(boxes.values())
    panel("ab_reader", pick, versions, w.HBox([w.VBox(parts[:2]), w.VBox(parts[2:])]), out, pick=pick,
          versions=versions, out=out, **boxes)  # fmt: skip
