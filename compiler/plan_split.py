"""Tiles in the plan: when a run of the node order that is one splittable unit (an op and its
element-wise chain, zkc.compiler.tiling) is over the budget on its own, the planner may cut it
into tiles. A tile's size is estimated from the run's (its share of the rows, and the part
of each input its window reads) with the target's cost function."""

from dataclasses import dataclass

import onnx_ir as ir

from zkc.compiler.partition import Boundaries, tensor_elements
from zkc.compiler.partition_search import CircuitCost
from zkc.compiler.tiling import TilePlan, Unit, choose_tiles, find_unit


@dataclass(frozen=True)
class Split:
    """A unit's tiles within a budget, and the estimated rows and logrows of one tile."""

    tiles: TilePlan
    rows: float
    logrows: int

    @property
    def count(self) -> int:
        return self.tiles.count


def read_fraction(unit: Unit, value: ir.Value, tiles: TilePlan) -> float:
    """The share of an input tensor one tile reads (its window, halo included)."""
    if value is not unit.head.inputs[0] or unit.kind not in ("conv", "pool", "gemm"):
        return 1.0 / tiles.count
    if unit.kind == "gemm":
        return 1.0
    attrs = unit.head.attributes
    if "kernel_shape" not in attrs:  # a global pool: a tile reads its channels whole
        return tiles.sizes.get(1, unit.shape[1]) / unit.shape[1]
    kernel = attrs["kernel_shape"].value[0]
    stride = attrs["strides"].value[0] if "strides" in attrs else 1
    dilation = attrs["dilations"].value[0] if "dilations" in attrs else 1
    band = tiles.sizes.get(2, unit.shape[2])
    rows = min(1.0, ((band - 1) * stride + (kernel - 1) * dilation + 1) / value.shape[2])
    group = attrs["group"].value if "group" in attrs else 1
    channelwise = unit.kind == "pool" or group > 1
    channels = tiles.sizes.get(1, unit.shape[1]) / unit.shape[1] if channelwise else 1.0
    return rows * channels


class Splitter:
    """Tiles for runs of the node order, cached per run and budget."""

    def __init__(self, nodes: list[ir.Node], cost: CircuitCost, prefix: list[float],
                 edges: Boundaries, requested: set[int]):  # fmt: skip
        self.nodes, self.cost, self.prefix, self.edges = nodes, cost, prefix, edges
        self.requested = requested  # ids of the model's input values
        self._cache: dict[tuple[int, int, int], Split | None] = {}

    def estimate(self, a: int, b: int, unit: Unit, tiles: TilePlan) -> tuple[float, int]:
        """(rows, logrows) of the largest tile."""
        linked, public, tensors = 0.0, 0.0, 0
        for value in self.edges.inputs(a, b):
            share = tensor_elements(value) * read_fraction(unit, value, tiles)
            if id(value) in self.requested:
                public += share
            else:
                linked, tensors = linked + share, tensors + 1
        linked += sum(tensor_elements(v) for v in self.edges.outputs(a, b)) / tiles.count
        body = (self.prefix[b] - self.prefix[a]) / tiles.count
        return self.cost.circuit_size(body, int(linked), tensors + 1, int(public))

    def __call__(self, a: int, b: int, limit: int) -> Split | None:
        key = (a, b, limit)
        if key not in self._cache:
            unit = find_unit(self.nodes[a:b])
            tiles = None
            if unit is not None:
                tiles = choose_tiles(unit, lambda t: self.estimate(a, b, unit, t)[1], limit)
            found = None
            if tiles is not None:
                rows, logrows = self.estimate(a, b, unit, tiles)
                found = Split(tiles, rows, logrows)
            self._cache[key] = found
        return self._cache[key]
