"""The one logrows circuits linked by polycommit share (a KZG commitment depends on the column
length), chosen by proving cost rather than raised to the largest circuit's.

EZKL lays a circuit longer than 2^k rows out in more columns (measured on 23.0.5: a 1.5M-row
convolution sets up, proves and verifies at logrows 17), and proving costs about the cells:
columns × 2^k. So one circuit that calibrates a logrow above the others costs its own extra
columns at the shared logrows, where raising the shared logrows doubles every circuit. The
shared logrows minimises Σ pieces × column blocks × 2^k, from the largest lookup or
range-check table's floor (tables are not wrapped) up to the largest calibrated logrows; of
equal cells, the larger logrows (fewer columns: smaller proofs, keys and verifiers).
"""

import math

from zkc.targets.ezkl.cost_model import RESERVED_ROWS


def usable_rows(logrows: int) -> int:
    return 2**logrows - RESERVED_ROWS - 1


def column_blocks(num_rows: int, logrows: int) -> int:
    """How many times a circuit of `num_rows` rows fills a column of 2^logrows."""
    return max(1, math.ceil(num_rows / usable_rows(logrows)))


def capacity_logrows(num_rows: int | None, logrows: int) -> int:
    """The logrows a circuit's cells amount to (what its proving time and memory follow)."""
    if not num_rows:
        return logrows
    return logrows + math.ceil(math.log2(column_blocks(num_rows, logrows)))


def table_floor(settings: dict) -> int:
    """The smallest logrows whose column holds the circuit's largest lookup or range-check
    table (with EZKL's reserved rows)."""
    spans = [hi - lo + 1 for lo, hi in settings.get("required_range_checks") or []]
    lookup = (settings.get("run_args") or {}).get("lookup_range")
    if settings.get("required_lookups") and lookup:
        spans.append(lookup[1] - lookup[0] + 1)
    largest = max(spans, default=1)
    return math.ceil(math.log2(largest + RESERVED_ROWS + 1))


def shared_logrows(settings: list[dict], piece_circuits: list[int]) -> int:
    """The logrows for all of `settings` (calibrated circuits; `piece_circuits`: the circuit
    each piece of the chain proves) at the least proving cost; the larger on a tie."""
    own = [s["run_args"]["logrows"] for s in settings]
    pieces = [piece_circuits.count(i) for i in range(len(settings))]
    floor = max([min(own), *(table_floor(s) for s in settings)])

    def cost(k: int) -> int:
        return sum(
            n * column_blocks(s.get("num_rows") or 2**own_k, k) * 2**k
            for s, n, own_k in zip(settings, pieces, own, strict=True)
        )

    return min(range(floor, max(own) + 1), key=lambda k: (cost(k), -k))
