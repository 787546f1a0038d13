"""The search behind partitioning: each contiguous run's size as one circuit (from the target's
cost function), and dynamic programming over legal cut points (zkc.compiler.planning.partition)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import onnx_ir as ir

from zkc.compiler.errors import ToolError
from zkc.compiler.limits import MAX_LOGROWS, UNBOUNDED_LOGROWS


class CircuitCost(Protocol):
    """What the planner asks a target about circuit sizes, for one way of building them.

    `key` names that way (the target builds the plan with it); `uniform`: every circuit of a
    chain is set up at one size, so the count of circuits is what costs; `min_logrows`: the
    smallest circuit the target builds.
    """

    # Read-only: a target may compute them (properties) or fix them (a frozen dataclass).
    @property
    def key(self) -> str: ...

    @property
    def uniform(self) -> bool: ...

    @property
    def min_logrows(self) -> int: ...

    def node_rows(self, node: ir.Node) -> float:
        """Estimated rows one node adds to a circuit."""

    def circuit_size(
        self,
        body_rows: float,
        link_elements: int,
        link_tensors: int,
        end_elements: int,
        margin: bool = True,
    ) -> tuple[float, int]:
        """(rows, logrows) of a circuit: its nodes' rows, the elements and tensors it commits
        at its links, and the model input/output elements it reads or writes in public.
        `margin`: plan logrows with room for the estimate's error (off: the bare estimate)."""


class TileFit(Protocol):
    """Tiles of a run that fit a budget (zkc.compiler.planning.splitter.Split): how many, and
    the logrows of one."""

    @property
    def count(self) -> int: ...

    @property
    def logrows(self) -> int: ...


@dataclass
class Segments:
    """Cost of any contiguous run [a, b) of the node order as one circuit.

    `boundary(a, b)` gives the run's (committed elements, committed tensors, public
    elements): what it reads from and writes to other circuits, and the model inputs and
    outputs it reads or writes."""

    cost: CircuitCost
    sizes: list[int]  # crossing elements at each cut position 0..n (the tie-break)
    prefix: list[float]  # prefix sums of the nodes' rows
    boundary: Callable[[int, int], tuple[int, int, int]]
    # split(a, b, limit): tiles of the run (one op and its element-wise chain) that each fit
    # `limit`, as an object with `count` and `logrows`, or None.
    split: Callable[[int, int, int], TileFit | None] | None = None
    # mixed(a, b): the run reads both model inputs and other circuits' tensors (EZKL sets one
    # visibility for all of a circuit's inputs: public for the request, committed for links).
    mixed: Callable[[int, int], bool] | None = None
    _cache: dict[tuple[int, int, bool], tuple[float, int]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.prefix) - 1

    def rows_and_logrows(self, a: int, b: int, margin: bool = True) -> tuple[float, int]:
        """Estimated rows and logrows of the run as one circuit."""
        if (a, b, margin) not in self._cache:
            link_e, link_t, ends = self.boundary(a, b)
            body = self.prefix[b] - self.prefix[a]
            self._cache[(a, b, margin)] = self.cost.circuit_size(body, link_e, link_t, ends, margin)
        return self._cache[(a, b, margin)]

    def option(self, a: int, b: int, limit: int) -> tuple[int, int] | None:
        """(pieces, logrows) of the run within `limit`: one circuit, or its tiles; None."""
        if self.mixed is not None and self.mixed(a, b):
            return None
        k = self.rows_and_logrows(a, b)[1]
        if k <= limit:
            return 1, k
        tiles = self.split(a, b, limit) if self.split is not None else None
        return (tiles.count, tiles.logrows) if tiles is not None else None

    def pieces(self, a: int, b: int, limit: int) -> int:
        """Pieces of a run `solve` chose within `limit` (so it has an option there)."""
        option = self.option(a, b, limit)
        if option is None:
            raise ToolError(f"nodes [{a}, {b}) were chosen but do not fit logrows {limit}")
        return option[0]


LONGEST_UNIT = 16  # nodes: a run over the budget longer than this is never a tiled unit


def solve(
    segments: Segments, legal: list[int], limit: int, exact: int | None
) -> list[tuple[int, int]] | None:
    """Cheapest cuts with every circuit within `limit` (and exactly `exact` circuits), as
    bounds [(a, b), ...]: the least total 2^logrows, or for a uniform cost the fewest
    circuits; then the fewest crossing elements, then the fewest circuits. None if none fit."""
    if exact is not None:
        return _solve_exact(segments, legal, limit, exact)
    n, uniform = segments.n, segments.cost.uniform
    best = {0: (0.0, 0.0, 0, -1)}  # best[b] = (work, crossing elements, circuits, previous cut)
    for j, b in enumerate(legal[1:], start=1):
        choice = None
        for a in reversed(legal[:j]):
            body = segments.prefix[b] - segments.prefix[a]
            if b - a > LONGEST_UNIT and segments.cost.circuit_size(body, 0, 0, 0)[1] > limit:
                break  # its nodes alone exceed the budget, and so does every longer run
            option = segments.option(a, b, limit) if a in best else None
            if option is None:
                continue
            pieces, k = option
            work, cross, count, _ = best[a]
            step = float(pieces) if uniform else pieces * 2.0**k
            candidate = (work + step, cross + (segments.sizes[b] if b < n else 0), count + 1, a)
            if choice is None or candidate[:3] < choice[:3]:
                choice = candidate
        if choice is not None:
            best[b] = choice
    if n not in best:
        return None
    bounds, b = [], n
    while b > 0:
        a = best[b][3]
        bounds.append((a, b))
        b = a
    return bounds[::-1]


def _solve_exact(
    segments: Segments, legal: list[int], limit: int, exact: int
) -> list[tuple[int, int]] | None:
    """`solve` for exactly `exact` circuits: the same order, over (count, cut) states."""
    n, uniform = segments.n, segments.cost.uniform
    best = {(0, 0): (0.0, 0.0, -1)}  # best[(count, b)] = (work, crossing elements, previous cut)
    for b in legal[1:]:
        for count in range(1, exact + 1):
            choice = None
            for a in legal:
                if a >= b or (count - 1, a) not in best:
                    continue
                option = segments.option(a, b, limit)
                if option is None:
                    continue
                pieces, k = option
                work, cross, _ = best[(count - 1, a)]
                step = float(pieces) if uniform else pieces * 2.0**k
                candidate = (work + step, cross + (segments.sizes[b] if b < n else 0), a)
                if choice is None or candidate[:2] < choice[:2]:
                    choice = candidate
            if choice is not None:
                best[(count, b)] = choice
    if (exact, n) not in best:
        return None
    bounds, b = [], n
    for count in range(exact, 0, -1):
        a = best[(count, b)][2]
        bounds.append((a, b))
        b = a
    return bounds[::-1]


def choose(
    segments: Segments, legal: list[int], max_logrows: int | None, slices: int | None
) -> tuple[list[tuple[int, int]], int] | None:
    """The circuit bounds the budget asks for (see zkc.compiler.planning.partition) and the logrows
    limit they were chosen within, or None."""
    floor = segments.cost.min_logrows
    whole = segments.rows_and_logrows(0, segments.n, margin=False)[1]
    if slices is None and whole <= (max_logrows or UNBOUNDED_LOGROWS):
        found = solve(segments, legal, UNBOUNDED_LOGROWS, 1)  # the whole model fits: it is not cut
        return (found, UNBOUNDED_LOGROWS) if found else None
    if slices is None and segments.cost.uniform:
        # One logrows for all: the k whose fewest pieces cost least (count x 2^k).
        options = []
        for k in range(floor, (max_logrows or MAX_LOGROWS) + 1):
            if found := solve(segments, legal, k, None):
                pieces = sum(segments.pieces(a, b, k) for a, b in found)
                options.append((pieces * 2.0**k, k, found))
        best = min(options, key=lambda o: o[:2]) if options else None
        return (best[2], best[1]) if best else None
    if slices is None:
        found = solve(segments, legal, max_logrows or UNBOUNDED_LOGROWS, None)
        return (found, max_logrows or UNBOUNDED_LOGROWS) if found else None
    # Exactly N slices: the smallest largest-slice logrows first, then the least work.
    for k in range(floor, (max_logrows or MAX_LOGROWS) + 1):
        if found := solve(segments, legal, k, slices):
            return found, k
    return None
