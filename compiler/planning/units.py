"""Splits inside a node: when one op (with the ops after it that keep tiles whole) alone is
larger than the budget, it is cut into tiles that each compute a box of the output.

A **unit** is a chain of ops, each reading the previous one's result (plus constants, or
for element-wise ops same-shaped tensors made earlier): a head (Conv with constant weights,
MaxPool/AveragePool, Gemm/MatMul by constant weights, a Concat along channels, or any chain
op) and what follows it:
element-wise ops, pools, Gathers with constant indices and constant Pads. A tile of the
unit's output box is computed backwards: each op maps the box it must produce to the box of
its input it reads (a convolution's or pool's receptive field, halo included; a Gather's
indices; a Pad's offsets), and the tile re-runs every op on those boxes: convolutions with
their output channels' weights and explicit zero padding at the input's edges, pools with
their own padding there. Tiles are bands of rows times groups of channels (columns for a
Gemm chain). They compute exactly the unit's output (checked with onnxruntime,
zkc.compiler.pieces.runner, before any circuit is built).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import onnx_ir as ir

from zkc.compiler.ops.base import Box, dim_of, int_attr, is_const, name_of, static
from zkc.compiler.ops.registry import tile_op


@dataclass(frozen=True)
class Unit:
    """A splittable chain of nodes: its kind (`conv`, `pool`, `gemm` or `elementwise`: the
    head's), the nodes, and the chain's output shape."""

    kind: str
    head: ir.Node
    nodes: list[ir.Node]
    shape: tuple[int, ...]

    @property
    def output(self) -> str:
        return name_of(self.nodes[-1].outputs[0])


@dataclass(frozen=True)
class TilePlan:
    """How a unit is cut: the tile size along each split axis (others whole)."""

    kind: str
    sizes: dict[int, int]  # axis -> tile extent
    shape: tuple[int, ...]

    @property
    def count(self) -> int:
        return math.prod(self.shape[a] // s for a, s in self.sizes.items())

    def circuits(self, weighted: bool) -> int:
        """At most how many distinct circuits the tiles run: a band at the top, in the middle
        and at the bottom differ (edge padding), and with weights every channel group differs
        too; tiles of one function share a circuit."""
        bands = self.shape[2] // self.sizes.get(2, self.shape[2]) if len(self.shape) >= 3 else 1
        groups = self.shape[1] // self.sizes.get(1, self.shape[1]) if weighted else 1
        return groups * min(bands, 3)

    def boxes(self) -> list[Box]:
        """Every tile's output box, channel groups outermost, then bands."""
        boxes: list[Box] = [[]]
        for axis, extent in enumerate(self.shape):
            size = self.sizes.get(axis, extent)
            boxes = [box + [(s, s + size)] for box in boxes for s in range(0, extent, size)]
        return boxes


def op_kind(node: ir.Node) -> str | None:
    """What a node is in a chain: conv, pool, gather, pad, slice (a window), concat (along
    channels), gemm, elementwise (zkc.compiler.ops); or None. Tiles have batch 1."""
    out = static(node.outputs[0]) if node.outputs else None
    if out is None or not out or out[0] != 1 or len(node.outputs) != 1:
        return None
    family = tile_op(node.op_type)
    return family.kind(node, out) if family is not None else None


def _follows(node: ir.Node, running: ir.Value, kind: str) -> bool:
    """Whether `node` (of `kind`) continues a chain whose last result is `running`."""
    if kind == "concat" or running not in list(node.inputs):
        return False  # a concat heads its unit: a tile reads each of its inputs
    if kind == "gemm":  # only after a window of its input (a partial of a reduction split)
        producer = running.producer()
        return node.inputs[0] is running and producer is not None and producer.op_type == "Slice"
    if kind != "elementwise":
        return node.inputs[0] is running
    shape = static(node.outputs[0])
    return shape == static(running) and all(
        v is running or is_const(v) or static(v) == shape for v in node.inputs
    )


def find_unit(nodes: list[ir.Node]) -> Unit | None:
    """The unit these nodes (a contiguous run of the order) form, or None. Its kind is its
    head's, or for a window (Slice) head the kind of the op after it."""
    if not nodes:
        return None
    kinds = [op_kind(node) for node in nodes]
    if kinds[0] is None:
        return None
    running, gemm = nodes[0].outputs[0], kinds[0] == "gemm"
    for node, following in zip(nodes[1:], kinds[1:], strict=True):
        if following is None or len(running.uses()) != 1 or not _follows(node, running, following):
            return None
        if gemm and following != "elementwise":
            return None  # after a Gemm/MatMul only element-wise ops
        gemm, running = gemm or following == "gemm", node.outputs[0]
    kind = kinds[1] if kinds[0] == "slice" and len(kinds) > 1 else kinds[0]
    shape = static(running)
    if kind is None or shape is None:
        return None  # not reached: every node of the chain has a kind and a static output
    return Unit(kind, nodes[0], list(nodes), shape)


def split_axes(unit: Unit) -> dict[int, list[int]]:
    """Per axis that may be split, the tile extents allowed (divisors of the extent)."""
    shape = unit.shape
    axes = {1: _divisors(shape[1])}
    if len(shape) >= 3 and unit.kind != "gemm":
        axes[2] = _divisors(shape[2])
    for node in unit.nodes:
        group = int_attr(node, "group", 1) if node.op_type == "Conv" else 1
        if group > 1:  # a tile holds whole groups of channels
            per_group = dim_of(node.outputs[0], 1) // group
            axes[1] = [d for d in axes[1] if d % per_group == 0]
    return axes


def _weighted(unit: Unit) -> bool:
    """Whether the unit reads a constant of more than one element (weights, a per-channel
    scale): then its channel groups compute different functions."""
    return any(
        v is not None and is_const(v) and math.prod(static(v) or (1,)) > 1
        for node in unit.nodes
        for v in node.inputs
    )


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def choose_tiles(
    unit: Unit, tile_logrows: Callable[[TilePlan], int], limit: int
) -> TilePlan | None:
    """The cut with the fewest tiles whose every tile fits `limit` (each is one proof per
    request); ties go to fewer distinct circuits (each is one calibration and setup per
    compile), then fewer channel groups, then taller bands.

    `tile_logrows(plan)` estimates the logrows of the plan's largest tile."""
    axes = split_axes(unit)
    weighted = _weighted(unit)
    options = []
    for cg in axes[1]:
        for hb in axes.get(2, [None]):
            sizes = {1: cg} if hb is None else {1: cg, 2: hb}
            plan = TilePlan(unit.kind, sizes, unit.shape)
            # one tile is a cut too when the head is a window: it reads only that window
            whole = plan.count == 1 and unit.head.op_type != "Slice"
            if not whole and tile_logrows(plan) <= limit:
                circuits = plan.circuits(weighted)
                options.append((plan.count, circuits, unit.shape[1] // cg, -(hb or 0), plan))
    return min(options, key=lambda o: o[:4])[4] if options else None
