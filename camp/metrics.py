"""Post metrics: engagement rate (by reach, followers or impressions), CTR, best times, and reading an A/B test.

The formulas are the course fact sheet's (section 6). Engagements here are likes + comments + shares +
saves; link clicks are measured separately, as CTR. Every rate is a percentage, and a number is only
comparable with another made by the same formula.

Example:
    >>> engagement_rate(engagements(likes=40, comments=12, shares=8), 1200)
    5.0
    >>> ctr(clicks=18, impressions=1500)
    1.2
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from camp.lang import CampError

ENGAGEMENT_COLUMNS = ("likes", "comments", "shares", "saves")
WEEKDAYS_HI = ("सोम", "मंगल", "बुध", "गुरु", "शुक्र", "शनि", "रवि")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Times of day by the hour a post went out: (first hour, last hour, Hindi label, English label).
SLOTS = (
    (0, 9, "सुबह (9 बजे तक)", "morning (to 9 a.m.)"),
    (10, 13, "दिन (10 से 1 बजे)", "late morning (10 a.m.–1 p.m.)"),
    (14, 17, "दोपहर बाद (2 से 5 बजे)", "afternoon (2–5 p.m.)"),
    (18, 23, "शाम-रात (6 से 11 बजे)", "evening and night (6–11 p.m.)"),
)


def engagements(likes: int = 0, comments: int = 0, shares: int = 0, saves: int = 0) -> int:
    """Total engagements of a post: likes + comments + shares + saves (clicks are counted apart, as CTR).

    Example:
        >>> engagements(likes=40, comments=12, shares=8, saves=5)
        65
    """
    return int(likes) + int(comments) + int(shares) + int(saves)


def _percent(part: float, whole: float, what_hi: str, what_en: str) -> float:
    if whole is None or (isinstance(whole, float) and math.isnan(whole)) or whole <= 0:
        raise CampError(
            f"{what_hi} शून्य से बड़ा होना चाहिए; तालिका में संख्या फिर देखें।",
            f"{what_en} must be greater than zero; check the number in the table.",
        )
    return 100 * float(part) / float(whole)


def engagement_rate(engagements: float, base: float) -> float:
    """Engagement rate in %: engagements ÷ base × 100. Say which base you used.

    `base` is the reach (the common formula), the followers (Rival IQ's) or the impressions (Buffer's).

    Example:
        >>> engagement_rate(65, 1300)        # by reach
        5.0
        >>> round(engagement_rate(65, 10400), 3)   # the same post by followers
        0.625
    """
    return _percent(
        engagements, base, "आधार (पहुँच, फ़ॉलोअर या इंप्रेशन)", "The base (reach, followers or impressions)"
    )


def ctr(clicks: float, impressions: float) -> float:
    """Click-through rate in %: link clicks ÷ impressions × 100.

    Example:
        >>> ctr(18, 1500)
        1.2
    """
    return _percent(clicks, impressions, "इंप्रेशन", "Impressions")


def time_slot(hour: int, *, lang: str = "hi") -> str:
    """The time of day a post went out, from its hour (0–23).

    Example:
        >>> time_slot(19)
        'शाम-रात (6 से 11 बजे)'
        >>> time_slot(8, lang="en")
        'morning (to 9 a.m.)'
    """
    for first, last, hi, en in SLOTS:
        if first <= int(hour) <= last:
            return hi if lang == "hi" else en
    raise CampError(f"घंटा 0 से 23 के बीच होना चाहिए, मिला: {hour}", f"the hour must be 0 to 23, got: {hour}")


def add_rates(posts: Any) -> Any:
    """A copy of a post table with computed columns added.

    Adds `engagements`, `er_reach`, `er_followers`, `er_impressions`, `ctr` (empty for posts without a
    link), `reach_vs_usual` (reach as % of the median reach of the same district's account on the same
    platform: 100 = a usual post), `weekday` (सोम … रवि) and `slot` (time of day).

    Example:
        >>> from camp import data
        >>> posts = add_rates(data.load("posts"))
        >>> round(float(posts["er_reach"].iloc[0]), 2) > 0
        True
    """
    import pandas as pd

    frame = posts.copy()
    frame["engagements"] = frame[list(ENGAGEMENT_COLUMNS)].sum(axis=1)
    frame["er_reach"] = 100 * frame["engagements"] / frame["reach"]
    frame["er_followers"] = 100 * frame["engagements"] / frame["followers"]
    frame["er_impressions"] = 100 * frame["engagements"] / frame["impressions"]
    clicks = 100 * frame["link_clicks"] / frame["impressions"]
    frame["ctr"] = clicks.where(frame["has_link"] == 1) if "has_link" in frame else clicks
    usual = frame.groupby(["district", "platform"])["reach"].transform("median")
    frame["reach_vs_usual"] = 100 * frame["reach"] / usual
    frame["weekday"] = pd.Categorical(
        [WEEKDAYS_HI[d] for d in pd.to_datetime(frame["date"]).dt.day_of_week], categories=WEEKDAYS_HI
    )
    frame["slot"] = pd.Categorical([time_slot(h) for h in frame["hour"]], categories=[s[2] for s in SLOTS])
    return frame


def time_table(posts: Any, value: str = "reach_vs_usual", *, how: str = "median") -> Any:
    """Weekday × time-of-day table of `value` (a column of `add_rates`): its median, mean or post count.

    Example:
        >>> from camp import data
        >>> table = time_table(add_rates(data.load("posts")), how="count")
        >>> list(table.index)[:2], int(table.to_numpy().sum()) > 0
        (['सोम', 'मंगल'], True)
    """
    return posts.pivot_table(index="weekday", columns="slot", values=value, aggfunc=how, observed=False)


@dataclass(frozen=True)
class ABResult:
    """What an A/B test says: each variant's rate (%), the gap in percentage points, and a verdict."""

    rate_a: float
    rate_b: float
    difference: float
    z: float
    verdict: str  # "A", "B", "no_difference" or "too_small"
    message_hi: str
    message_en: str


def ab_test(reach_a: int, actions_a: int, reach_b: int, actions_b: int, *, min_reach: int = 100) -> ABResult:
    """Compare two variants' rates (actions ÷ reach) and say in plain words whether the gap is real.

    A two-proportion z-test: a gap is called real when |z| >= 1.96 (it would arise by chance less
    than about 1 time in 20). With fewer than `min_reach` people per variant, or fewer than 10
    actions in all, the test says the sample is too small, whatever the rates.

    Example:
        >>> ab_test(4210, 231, 4046, 142).verdict
        'A'
        >>> ab_test(62, 6, 58, 3).verdict
        'too_small'
        >>> ab_test(5380, 97, 5295, 91).verdict
        'no_difference'
    """
    for n, k in ((reach_a, actions_a), (reach_b, actions_b)):
        if n <= 0 or k < 0 or k > n:
            raise CampError(
                "पहुँच शून्य से बड़ी हो, और एंगेजमेंट पहुँच से ज़्यादा न हो।",
                "Reach must be above zero, and engagements cannot exceed reach.",
            )
    rate_a, rate_b = 100 * actions_a / reach_a, 100 * actions_b / reach_b
    pooled = (actions_a + actions_b) / (reach_a + reach_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / reach_a + 1 / reach_b))
    z = (rate_a - rate_b) / 100 / spread if spread else 0.0
    gap = rate_a - rate_b
    rates_hi = f"A: {rate_a:.1f}%, B: {rate_b:.1f}%"
    if min(reach_a, reach_b) < min_reach or actions_a + actions_b < 10:
        verdict = "too_small"
        hi = (
            f"{rates_hi}। नमूना बहुत छोटा है (सबसे कम {min(reach_a, reach_b)} लोग)। इतने कम लोगों में इतना फ़र्क "
            "संयोग से भी आ जाता है। अभी कोई फ़ैसला न करें; ज़्यादा लोगों तक पहुँचने दें।"
        )
        en = (
            f"{rates_hi}. The sample is too small (only {min(reach_a, reach_b)} people at the least). With so few "
            "people a gap like this can arise by chance. Do not decide yet; let it reach more people."
        )
    elif abs(z) >= 1.96:
        verdict = "A" if gap > 0 else "B"
        hi = (
            f"{rates_hi}। {verdict} की दर साफ़ ज़्यादा है; इतना फ़र्क संयोग से आना मुश्किल है। अगली पोस्ट में "
            f"{verdict} वाला तरीक़ा अपनाएँ — और फिर से मापें।"
        )
        en = (
            f"{rates_hi}. {verdict}'s rate is clearly higher; a gap this large is unlikely by chance. Use {verdict}'s "
            "approach in the next posts — and measure again."
        )
    else:
        verdict = "no_difference"
        hi = f"{rates_hi}। दोनों लगभग बराबर हैं; यह छोटा फ़र्क संयोग से भी हो सकता है। कोई भी तरीक़ा चुनें।"
        en = f"{rates_hi}. The two are about the same; this small gap could be chance. Either approach will do."
    return ABResult(round(rate_a, 2), round(rate_b, 2), round(gap, 2), round(z, 2), verdict, hi, en)
