"""Tiles in the plan: when a run of the node order that is one splittable unit (an op and its
element-wise chain, zkc.compiler.planning.units) is over the budget on its own, the planner may cut it
into tiles. A tile's size is estimated from the run's (its share of the rows, and the part
of each input its window reads) with the target's cost function."""

from dataclasses import dataclass

import onnx_ir as ir

from zkc.compiler.errors import ToolError
from zkc.compiler.ops.base import dim_of, rank_of
from zkc.compiler.ops.registry import tile_op
from zkc.compiler.planning.partition import Boundaries, tensor_elements
from zkc.compiler.planning.search import CircuitCost
from zkc.compiler.planning.units import TilePlan, Unit, choose_tiles, find_unit


@dataclass(frozen=True)
class Split:
    """A unit's tiles within a budget, and the estimated rows and logrows of one tile."""

    tiles: TilePlan
    rows: float
    logrows: int

    @property
    def count(self) -> int:
        return self.tiles.count


def _window(node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
    """The rows and channels of a chain op's main input it reads for `rows` x `channels` of
    its output (zkc.compiler.ops)."""
    family = tile_op(node.op_type)
    if family is None:
        raise ToolError(f"node '{node.name}' ({node.op_type}) is in a unit but cannot be tiled")
    return family.read_extent(node, rows, channels)


def tile_shares(unit: Unit, tiles: TilePlan) -> tuple[list[float], float]:
    """Per node of the unit, the share of its output the largest tile computes (halos of
    the ops before the last are recomputed by every tile), and the share of the head's main
    input the tile reads."""
    shape = unit.shape
    channels = tiles.sizes.get(1, shape[1])
    rows = tiles.sizes.get(2, shape[2]) if len(shape) >= 3 else 1
    shares = []
    for node in reversed(unit.nodes):
        out = node.outputs[0]
        band = min(1.0, rows / dim_of(out, 2)) if rank_of(out) >= 3 else 1.0
        share = channels / dim_of(out, 1) * band
        shares.append(share)
        if node is not unit.head:
            rows, channels = _window(node, rows, channels)
    rows, channels = _window(unit.head, rows, channels)
    head_in = unit.head.inputs[0]
    band = min(1.0, rows / dim_of(head_in, 2)) if rank_of(head_in) >= 3 else 1.0
    read = channels / dim_of(head_in, 1) * band
    return shares[::-1], min(1.0, read)


class Splitter:
    """Tiles for runs of the node order, cached per run and budget."""

    def __init__(
        self,
        nodes: list[ir.Node],
        cost: CircuitCost,
        prefix: list[float],
        edges: Boundaries,
        requested: set[int],
    ):
        self.nodes, self.cost, self.prefix, self.edges = nodes, cost, prefix, edges
        self.requested = requested  # ids of the model's input values
        self._cache: dict[tuple[int, int, int], Split | None] = {}

    def estimate(self, a: int, b: int, unit: Unit, tiles: TilePlan) -> tuple[float, int]:
        """(rows, logrows) of the largest tile: each node's rows times the share of its output
        the tile computes, with the inputs it reads and the part it writes."""
        shares, read = tile_shares(unit, tiles)
        share_of = dict(zip(map(id, unit.nodes), shares, strict=True))
        linked, public, tensors = 0.0, 0.0, 0
        for value in self.edges.inputs(a, b):
            consumer = next(n for n in unit.nodes if value in list(n.inputs))
            main = consumer is unit.head and value is unit.head.inputs[0]
            share = tensor_elements(value) * (read if main else share_of[id(consumer)])
            if id(value) in self.requested:
                public += share
            else:
                linked, tensors = linked + share, tensors + 1
        linked += sum(tensor_elements(v) for v in self.edges.outputs(a, b)) / tiles.count
        body = sum(
            (self.prefix[a + i + 1] - self.prefix[a + i]) * share for i, share in enumerate(shares)
        )
        return self.cost.circuit_size(body, int(linked), tensors + 1, int(public))

    def __call__(self, a: int, b: int, limit: int) -> Split | None:
        key = (a, b, limit)
        if key not in self._cache:
            unit = find_unit(self.nodes[a:b])
            found = None
            if unit is not None:
                tiles = choose_tiles(unit, lambda t: self.estimate(a, b, unit, t)[1], limit)
                if tiles is not None:
                    rows, logrows = self.estimate(a, b, unit, tiles)
                    found = Split(tiles, rows, logrows)
            self._cache[key] = found
        return self._cache[key]
