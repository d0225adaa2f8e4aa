"""The refusal threshold is chosen from the curve: most unanswerable refused, then fewest
answerable refused, within the false-refusal budget, in the middle of that run."""

from __future__ import annotations

from evals.refusal_curve import Point, curve, refused_at


def test_threshold_sits_in_the_middle_of_the_gap_between_the_two_kinds() -> None:
    points = [Point(f"a{i}", True, False, 0.6 + i / 100) for i in range(20)]
    points += [Point("u1", False, False, 0.1), Point("u2", False, False, 0.2), Point("u3", False, True, None)]
    c = curve(points)
    assert 0.2 < c.chosen <= 0.6
    assert abs(c.chosen - 0.4) <= 0.02  # middle of 0.21 … 0.60
    i = c.thresholds.index(c.chosen)
    assert c.refusal[i] == 1.0 and c.false_refusal[i] == 0.0


def test_rule_refusals_count_at_every_threshold_and_the_budget_holds() -> None:
    assert refused_at(Point("x", False, True, None), 0.0)
    # Overlapping supports: refusing the last unanswerable one would refuse too many answerable ones.
    points = [Point(f"a{i}", True, False, i / 20) for i in range(20)] + [Point("u", False, False, 0.9)]
    c = curve(points)
    i = c.thresholds.index(c.chosen)
    assert c.false_refusal[i] <= 0.05 and c.refusal[i] == 0.0
