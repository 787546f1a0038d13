"""The scale search shared by whole and sliced circuits, on a synthetic fidelity curve."""

import pytest

from zkc.compiler.data.fidelity import Budget, FidelityReport
from zkc.compiler.errors import UserInputError
from zkc.targets.ezkl.scale_search import Candidate, budget_failure, search_scales


def curve(good_from: int, logrows: dict[int, int], breaks_from: int = 99):
    """A point function: error halves per scale step, top-1 is perfect from `good_from`."""
    calls = []

    def point(scale: int) -> Candidate:
        calls.append(scale)
        if scale >= breaks_from:
            return Candidate(scale, 16384, 2, None, None, error="range check overflow")
        report = FidelityReport(
            samples=8,
            source="t",
            max_abs_error=2.0**-scale,
            mean_abs_error=2.0**-scale,
            top1_agreement=1.0 if scale >= good_from else 0.5,
        )
        return Candidate(scale, 16384, 2, logrows.get(scale, 12), report)

    return point, calls


def test_smallest_scale_meeting_the_budget_then_raised_while_logrows_holds():
    rows = {s: 12 if s <= 9 else 13 for s in range(4, 17)}
    point, calls = curve(good_from=7, logrows=rows)
    best = search_scales(point, Budget(min_top1=0.99), limit=20)
    assert best.scale == 9  # 7 is the smallest; 8 and 9 stay at logrows 12, 10 needs 13
    assert len(calls) < 13  # bisection, not a sweep


def test_logrows_limit_and_unbuildable_scales_bound_the_window():
    rows = {s: 12 if s <= 9 else 16 for s in range(4, 17)}
    point, _ = curve(good_from=5, logrows=rows, breaks_from=14)
    assert search_scales(point, Budget(max_error=2.0**-8), limit=14).scale == 9
    # Accurate enough only from scale 10, where logrows exceed the limit: nothing qualifies.
    assert search_scales(point, Budget(max_error=2.0**-10), limit=14) is None


def test_failure_names_the_best_point_found():
    point, _ = curve(good_from=20, logrows={})
    tried = [point(s) for s in (6, 10, 16)]
    error = budget_failure(tried, Budget(min_top1=0.99), limit=15)
    assert isinstance(error, UserInputError)
    assert "cannot be met within logrows 15" in str(error) and "at scale 16" in str(error)
    unbuilt = budget_failure([Candidate(6, 1024, 3, None, None, error="boom")], Budget(), 15)
    assert "could not build the circuit (boom)" in str(unbuilt)


@pytest.mark.parametrize("budget", [Budget(max_error=1e-12), Budget(min_top1=1.0)])
def test_unreachable_budget_gives_none(budget):
    point, _ = curve(good_from=99, logrows={})
    assert search_scales(point, budget, limit=25) is None
