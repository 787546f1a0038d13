"""The search behind the partition pass: each contiguous run's estimated rows and logrows,
and dynamic programming over legal cut points (zkc.passes.partition)."""

from dataclasses import dataclass

from zkc.compiler.cost_model import CostModel


@dataclass
class Segments:
    """Cost of any contiguous run [a, b) of the node order as one slice."""

    cost: CostModel
    decomp_base: int
    margin: float
    sizes: list[int]  # crossing elements at each cut position 0..n
    counts: list[int]  # crossing tensors at each cut position
    prefix: list[float]  # prefix sums of the nodes' rows
    in_elements: int  # the model's input elements
    out_elements: int  # the model's output elements

    @property
    def n(self) -> int:
        return len(self.prefix) - 1

    def rows_and_logrows(self, a: int, b: int) -> tuple[float, int]:
        """Estimated rows of the run as a slice (nodes, I/O, link hashing) and its logrows."""
        n = self.n
        link_e = (self.sizes[a] if a > 0 else 0) + (self.sizes[b] if b < n else 0)
        link_t = (self.counts[a] if a > 0 else 0) + (self.counts[b] if b < n else 0)
        ends = (self.in_elements if a == 0 else 0) + (self.out_elements if b == n else 0)
        rows = (
            self.cost.base_rows + self.prefix[b] - self.prefix[a] + self.cost.io_rows(link_e + ends)
        )
        hashing = self.cost.link_rows(link_e, link_t)
        # EZKL lays the Poseidon chip beside the body: the circuit needs the larger of the two.
        logrows = CostModel.logrows(rows * self.margin, self.decomp_base, hashing * self.margin)
        return max(rows, hashing), logrows


def solve(segments: Segments, legal: list[int], limit: int, exact: int | None,
          uniform: bool) -> list[tuple[int, int]] | None:  # fmt: skip
    """Cheapest cuts with every slice within `limit` (and exactly `exact` slices), as slice
    bounds [(a, b), ...]: the least total 2^logrows, or with `uniform` (every slice set up
    at one logrows) the fewest slices; then the fewest crossing elements. None if none fit."""
    n = segments.n
    max_count = exact or min(n, 64)
    # best[(count, b)] = (work, crossing elements, previous cut)
    best = {(0, 0): (0.0, 0.0, -1)}
    for b in legal[1:]:
        for count in range(1, max_count + 1):
            choice = None
            for a in legal:
                if a >= b or (count - 1, a) not in best:
                    continue
                k = segments.rows_and_logrows(a, b)[1]
                if k > limit:
                    continue
                work, cross, _ = best[(count - 1, a)]
                step = 1.0 if uniform else 2.0**k
                candidate = (work + step, cross + (segments.sizes[b] if b < n else 0), a)
                if choice is None or candidate[:2] < choice[:2]:
                    choice = candidate
            if choice is not None:
                best[(count, b)] = choice
    found = [c for c in range(1, max_count + 1) if (c, n) in best and c == (exact or c)]
    if not found:
        return None
    count = min(found, key=lambda c: best[(c, n)][:2] + (c,))
    bounds, b = [], n
    while count > 0:
        a = best[(count, b)][2]
        bounds.append((a, b))
        b, count = a, count - 1
    return bounds[::-1]


def choose(segments: Segments, legal: list[int], max_logrows: int | None, slices: int | None,
           uniform: bool) -> list[tuple[int, int]] | None:  # fmt: skip
    """The slice bounds the budget asks for (see zkc.passes.partition), or None."""
    floor = CostModel.logrows(0, segments.decomp_base)
    whole = CostModel.logrows(segments.rows_and_logrows(0, segments.n)[0], segments.decomp_base)
    if slices is None and whole <= (max_logrows or 64):
        return solve(segments, legal, 64, 1, uniform)  # the whole model fits: it is not cut
    if slices is None and uniform:
        # One logrows for all: the k whose fewest slices cost least (count x 2^k).
        options = [(len(r) * 2.0**k, k, r) for k in range(floor, (max_logrows or 30) + 1)
                   if (r := solve(segments, legal, k, None, uniform))]  # fmt: skip
        return min(options, key=lambda o: o[:2])[2] if options else None
    if slices is None:
        return solve(segments, legal, max_logrows or 64, None, uniform)
    # Exactly N slices: the smallest largest-slice logrows first, then the least work.
    return next(
        (r for k in range(floor, (max_logrows or 30) + 1)
         if (r := solve(segments, legal, k, slices, uniform))),
        None,
    )  # fmt: skip
