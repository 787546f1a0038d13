"""The search over fixed-point scales for a fidelity budget, shared by whole and sliced circuits.

EZKL 23's scales change accuracy, not rows, but a larger scale widens lookup and range-check
tables until the circuit no longer builds within the logrows limit. Fidelity improves with the
scale, so the search bisects: a scale inside the window that builds and meets the budget, then
the window's lower edge (the smallest such scale), then larger scales while logrows stays the
same (accuracy for free). Each point is built by the caller: one circuit, or every slice.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from zkc.compiler.artifacts.facts import SearchPoint
from zkc.compiler.data.fidelity import Budget, FidelityReport
from zkc.compiler.errors import UserInputError

SCALES = range(4, 17)
SEARCH_SAMPLES = 24  # held-out samples each point is measured on
# Calibration samples per point (per slice); the chosen point is recalibrated on all.
SEARCH_CALIBRATION = 12


@dataclass
class Candidate:
    """One settings point tried: its logrows and measured fidelity (None when EZKL failed)."""

    scale: int
    decomp_base: int
    decomp_legs: int
    logrows: int | None
    fidelity: FidelityReport | None
    error: str | None = None

    def record(self) -> SearchPoint:
        """The manifest's line for this candidate."""
        return SearchPoint(
            scale=self.scale,
            decomp_base=self.decomp_base,
            decomp_legs=self.decomp_legs,
            logrows=self.logrows,
            error=self.error,
            max_abs_error=self.fidelity.max_abs_error if self.fidelity else None,
            top1_agreement=self.fidelity.top1_agreement if self.fidelity else None,
        )


def meets(candidate: Candidate, budget: Budget, limit: int) -> bool:
    """The candidate built, fits the logrows limit, and meets the budget."""
    return (
        candidate.fidelity is not None
        and candidate.logrows is not None
        and candidate.logrows <= limit
        and budget.met(candidate.fidelity)
    )


def search_scales(
    point: Callable[[int], Candidate], budget: Budget, limit: int, scales: range = SCALES
) -> Candidate | None:
    """The chosen point (the smallest scale meeting the budget, raised while logrows holds),
    or None when no scale within `limit` meets it. `point` must cache: scales are revisited."""
    low, high, found = scales.start, scales.stop - 1, None
    while low <= high and found is None:
        mid = (low + high) // 2
        candidate = point(mid)
        if meets(candidate, budget, limit):
            found = mid
        elif (
            candidate.fidelity is not None
            and candidate.logrows is not None
            and candidate.logrows <= limit
        ):
            low = mid + 1  # built, not accurate enough
        else:
            high = mid - 1  # did not build, or too many rows
    if found is None:
        return None
    low, high = scales.start, found
    while low < high:  # smallest scale meeting the budget
        mid = (low + high) // 2
        if meets(point(mid), budget, limit):
            high = mid
        else:
            low = mid + 1
    best = point(low)
    top = scales.stop - 1
    while low < top:  # largest scale at the same logrows
        mid = (low + top + 1) // 2
        candidate = point(mid)
        if candidate.logrows == best.logrows and meets(candidate, budget, limit):
            low = mid
        else:
            top = mid - 1
    return point(low)


def budget_failure(tried: Iterable[Candidate], budget: Budget, limit: int) -> UserInputError:
    """The error for a budget no point met: the best fidelity found, or why nothing built."""
    tried = list(tried)
    built = [(c, c.fidelity) for c in tried if c.fidelity is not None]
    if not built:
        return UserInputError(
            f"fidelity budget {budget.describe()}: EZKL could not build the circuit "
            f"({tried[0].error if tried else 'no point tried'})"
        )
    best, fidelity = max(built, key=lambda b: (b[1].top1_agreement or 0, -b[1].max_abs_error))
    top1 = f", top-1 {fidelity.top1_agreement:.2%}" if fidelity.top1_agreement is not None else ""
    return UserInputError(
        f"fidelity budget {budget.describe()} cannot be met within logrows {limit}: best found "
        f"max |error| {fidelity.max_abs_error:.4g}{top1} at scale {best.scale} "
        f"(logrows {best.logrows})"
    )
