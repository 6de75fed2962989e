"""The scale benchmark's arithmetic (grader/hubbench.py): percentiles, where it stops, time to start N servers.

The benchmark itself runs the real hub with real accounts (`make hub-bench`, root); these are its pure parts.
"""

from __future__ import annotations

import math

from grader.hubbench import Step, percentile, stops_at, time_to_start


def test_percentile_interpolates_between_ranks_like_numpy():
    """Are the median and 95th percentile numpy's default (linear) ones, whatever the order of the values?"""
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 0) == 1.0 and percentile(values, 100) == 5.0
    assert math.isclose(percentile(values, 95), 4.8)  # numpy.percentile([1..5], 95) == 4.8
    assert math.isclose(percentile([0.1, 0.2, 0.3, 0.4], 50), 0.25)
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(percentile([], 50))


def test_a_step_holds_within_one_second_median_and_three_seconds_p95():
    """Does a step hold exactly when the median is <= 1 s, the 95th percentile <= 3 s and nothing failed?"""
    fast = Step(users=10, latencies=[0.2] * 95 + [2.9] * 5)
    assert fast.holds()
    slow_tail = Step(users=20, latencies=[0.2] * 90 + [3.5] * 10)
    assert slow_tail.p50 == 0.2 and slow_tail.p95 > 3 and not slow_tail.holds()
    slow_median = Step(users=30, latencies=[1.2] * 10)
    assert not slow_median.holds()
    failed = Step(users=40, latencies=[0.1] * 10, failed=1)
    assert not failed.holds()
    assert not Step(users=50).holds()  # no cell answered at all


def test_stops_at_names_the_first_step_that_does_not_hold():
    """Is "where it stops" the participant count of the first failing step, or None when all held?"""
    ok = [Step(users=n, latencies=[0.3, 0.4, 0.5]) for n in (10, 20, 30)]
    assert stops_at(ok) is None
    bad = Step(users=40, latencies=[0.5] * 10 + [4.0] * 2)
    assert stops_at([*ok, bad, Step(users=50, latencies=[0.1])]) == 40
    assert stops_at([]) is None


def test_time_to_start_sums_the_spawn_phases_up_to_the_count():
    """Is the time to start 50 servers the sum of the spawn phases until 50 were running?"""
    steps = [Step(users=n, spawn_seconds=s) for n, s in ((20, 30.0), (40, 35.0), (60, 40.0))]
    assert time_to_start(steps, 50) == 105.0
    assert time_to_start(steps, 20) == 30.0
    assert time_to_start(steps, 61) is None
