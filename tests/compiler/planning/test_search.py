"""The planner's search (zkc.compiler.planning.search) on hand-made costs: the cheapest cuts by
total 2^logrows (uniform: by circuit count), ties to the fewest crossing elements then the
fewest circuits, legal cut points, runs that may not mix inputs, tiles, and exact counts."""

import math
from dataclasses import dataclass

import pytest

from zkc.compiler.errors import ToolError
from zkc.compiler.limits import UNBOUNDED_LOGROWS
from zkc.compiler.planning.search import Segments, choose, solve


@dataclass(frozen=True)
class RowCost:
    """A circuit holds its rows plus what it links or reads in public; logrows is the power of
    two above that (2^0 for one row)."""

    key: str = "rows"
    uniform: bool = False
    min_logrows: int = 0

    def node_rows(self, node) -> float:
        raise AssertionError("the segments carry the rows")

    def circuit_size(self, body, link_elements, link_tensors, end_elements, margin=True):
        rows = body + link_elements + end_elements
        return rows, max(self.min_logrows, math.ceil(math.log2(max(rows, 1))))


@dataclass(frozen=True)
class Fit:
    count: int
    logrows: int


def _segments(rows, sizes=None, uniform=False, boundary=None, split=None, mixed=None):
    prefix = [0.0]
    for r in rows:
        prefix.append(prefix[-1] + r)
    return Segments(
        RowCost(uniform=uniform),
        sizes or [0] * (len(rows) + 1),
        prefix,
        boundary or (lambda a, b: (0, 0, 0)),
        split,
        mixed,
    )


def _all(n):
    return list(range(n + 1))


def test_the_least_total_capacity_wins_over_fewer_circuits():
    # [4, 1, 4] within 8 rows: 4 + 1 + 4 = 9 rows of capacity beats two circuits' 8 + 4 = 12
    assert solve(_segments([4, 1, 4]), _all(3), 3, None) == [(0, 1), (1, 2), (2, 3)]
    # a uniform cost counts circuits: two, cut where fewer elements cross
    uniform = _segments([4, 1, 4], sizes=[0, 5, 1, 0], uniform=True)
    assert solve(uniform, _all(3), 3, None) == [(0, 2), (2, 3)]
    uniform = _segments([4, 1, 4], sizes=[0, 1, 5, 0], uniform=True)
    assert solve(uniform, _all(3), 3, None) == [(0, 1), (1, 3)]


@pytest.mark.parametrize(
    ("sizes", "cuts"),
    [
        ([0, 1, 100, 1, 0], [(0, 1), (1, 3), (3, 4)]),  # avoid the wide cut at 2
        ([0, 100, 1, 100, 0], [(0, 2), (2, 4)]),
        ([0, 0, 0, 0, 0], [(0, 2), (2, 4)]),  # nothing crosses: the fewest circuits
    ],
)
def test_equal_capacity_goes_to_the_fewest_crossing_elements_then_circuits(sizes, cuts):
    # four 1-row nodes within 2 rows: every partition costs 4 rows of capacity
    assert solve(_segments([1, 1, 1, 1], sizes), _all(4), 1, None) == cuts


def test_only_legal_positions_are_cut_and_nothing_fits_is_none():
    segments = _segments([1, 1, 1, 1])
    assert solve(segments, [0, 1, 3, 4], 1, None) == [(0, 1), (1, 3), (3, 4)]
    assert solve(segments, [0, 2, 4], 0, None) is None  # no run of 2 fits 1 row
    assert solve(_segments([1, 5, 1]), _all(3), 2, None) is None  # a node alone is too big


def test_links_and_public_elements_count_toward_a_circuits_size():
    segments = _segments([2, 2], boundary=lambda a, b: (6, 1, 1) if b - a == 1 else (0, 0, 4))
    assert segments.rows_and_logrows(0, 1) == (9, 4)  # 2 rows + 6 linked + 1 public
    assert segments.rows_and_logrows(0, 2) == (8, 3)
    assert solve(segments, _all(2), 3, None) == [(0, 2)]
    assert solve(segments, _all(2), 2, None) is None


def test_runs_that_mix_the_request_and_links_are_refused():
    # [4, 4, 4] within 8 rows: two circuits either way; a mixed run forces the other
    starts_at_1 = _segments([4, 4, 4], mixed=lambda a, b: a == 1)
    assert solve(starts_at_1, _all(3), 3, None) == [(0, 2), (2, 3)]
    starts_at_2 = _segments([4, 4, 4], mixed=lambda a, b: a == 2)
    assert solve(starts_at_2, _all(3), 3, None) == [(0, 1), (1, 3)]
    assert starts_at_1.option(1, 3, 3) is None


def test_a_run_over_the_budget_may_be_tiles():
    def split(a, b, limit):
        return Fit(4, 3) if (a, b) == (1, 2) and limit >= 3 else None

    segments = _segments([2, 20, 2], split=split)
    assert solve(segments, _all(3), 3, None) == [(0, 1), (1, 2), (2, 3)]
    assert segments.option(1, 2, 3) == (4, 3) and segments.pieces(1, 2, 3) == 4
    assert segments.option(0, 1, 3) == (1, 1)  # it fits: one circuit
    with pytest.raises(ToolError, match=r"nodes \[1, 2\) .* do not fit logrows 2"):
        segments.pieces(1, 2, 2)


def test_exactly_n_circuits():
    segments = _segments([1, 1, 1, 1], sizes=[0, 1, 100, 1, 0])
    assert solve(segments, _all(4), 1, 3) == [(0, 1), (1, 3), (3, 4)]
    assert solve(segments, _all(4), 1, 1) is None  # 4 rows in one circuit of 2 rows
    assert len(solve(segments, _all(4), 3, 4)) == 4
    assert solve(segments, [0, 2, 4], 3, 3) is None  # only two runs between legal cuts


def test_choose_keeps_a_model_that_fits_whole():
    segments = _segments([4, 1, 4])  # 9 rows: logrows 4
    assert choose(segments, _all(3), None, None) == ([(0, 3)], UNBOUNDED_LOGROWS)
    assert choose(segments, _all(3), 4, None) == ([(0, 3)], UNBOUNDED_LOGROWS)
    assert choose(segments, _all(3), 3, None) == ([(0, 1), (1, 2), (2, 3)], 3)


def test_choose_for_a_uniform_cost_picks_the_logrows_of_least_count_times_size():
    # within 2^3: 3 circuits of 2^2 (12) beat 2 circuits of 2^3 (16)
    segments = _segments([4, 1, 4], uniform=True)
    assert choose(segments, _all(3), 3, None) == ([(0, 1), (1, 2), (2, 3)], 2)


def test_choose_n_slices_at_the_smallest_largest_logrows():
    segments = _segments([4, 1, 4])
    bounds, k = choose(segments, _all(3), None, 2)
    assert k == 3 and len(bounds) == 2  # [5, 4] or [4, 5] rows: 2^3 at most
    assert choose(_segments([1, 1, 1, 1]), _all(4), None, 2) == ([(0, 2), (2, 4)], 1)
    assert choose(segments, _all(3), 2, 2) is None  # 2 slices cannot fit 2^2
