"""Splits inside a node: when one op (with the element-wise ops after it) alone is larger than
the budget, it is cut into tiles that each compute a box of its output.

A **unit** is a head op and the element-wise chain that follows it on the same tensor (each
next op reads the previous result, plus constants or same-shaped tensors made earlier):
- `conv`: a 2-D Conv with constant weights; tiles are bands of output rows times groups of
  output channels. A band reads the input rows its receptive field covers (a halo of
  `(kernel - 1) * dilation` rows shared with its neighbours), any stride, padding, dilation
  and grouping; zero padding is explicit in the tile, so interior bands are one function.
- `pool`: MaxPool or AveragePool; tiles are bands of rows times groups of channels, each
  reading the window its rows cover (the pool's own padding kept at the input's edges).
- `gemm`: Gemm or MatMul of a row vector by constant weights; tiles are groups of output
  columns (each reads the whole input).
- `elementwise`: the chain alone; tiles are boxes along the channel and row axes.
The tiles of a unit compute exactly the unit's output (zkc.compiler.pieces checks it with
onnxruntime before any circuit is built).
"""

import math
from dataclasses import dataclass

import onnx_ir as ir

ELEMENTWISE = frozenset({
    "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "HardSigmoid", "HardSwish", "Erf", "Abs",
    "Neg", "Exp", "Softplus", "Elu", "Add", "Sub", "Mul", "Div", "Max", "Min", "PRelu",
})  # fmt: skip


@dataclass(frozen=True)
class Unit:
    """A splittable run of nodes: its kind, head node, and output shape."""

    kind: str
    head: ir.Node
    nodes: list[ir.Node]
    shape: tuple[int, ...]  # the unit's output shape

    @property
    def output(self) -> str:
        return self.nodes[-1].outputs[0].name


@dataclass(frozen=True)
class TilePlan:
    """How a unit is cut: the tile size along each split axis (others whole)."""

    kind: str
    sizes: dict[int, int]  # axis -> tile extent
    shape: tuple[int, ...]

    @property
    def count(self) -> int:
        return math.prod(self.shape[a] // s for a, s in self.sizes.items())

    def boxes(self) -> list[list[tuple[int, int]]]:
        """Every tile's output box, channel groups outermost, then bands."""
        ranges = []
        for axis, extent in enumerate(self.shape):
            size = self.sizes.get(axis, extent)
            ranges.append([(s, s + size) for s in range(0, extent, size)])
        boxes = [[]]
        for axis_ranges in ranges:
            boxes = [box + [r] for box in boxes for r in axis_ranges]
        return boxes


def _const(value: ir.Value | None) -> bool:
    if value is None:
        return True
    if value.is_initializer() or value.const_value is not None:
        return True
    producer = value.producer()
    return producer is not None and producer.op_type == "Constant"


def _static(value: ir.Value) -> tuple[int, ...] | None:
    shape = value.shape
    if shape is None or not all(isinstance(d, int) for d in shape):
        return None
    return tuple(shape)


def _head_kind(node: ir.Node) -> str | None:
    """The split kind a head node allows, or None."""
    out = _static(node.outputs[0]) if node.outputs else None
    if out is None or (out and out[0] != 1):
        return None
    if node.op_type == "Conv" and len(out) == 4 and _const(node.inputs[1]):
        return "conv" if all(_const(v) for v in node.inputs[1:]) else None
    if node.op_type in ("MaxPool", "AveragePool") and len(out) == 4 and len(node.outputs) == 1:
        ceil = node.attributes.get("ceil_mode")
        return "pool" if ceil is None or ceil.value == 0 else None
    if (
        node.op_type in ("Gemm", "MatMul")
        and len(out) == 2
        and all(_const(v) for v in node.inputs[1:])
    ):
        transposed_a = node.attributes.get("transA")
        return "gemm" if transposed_a is None or transposed_a.value == 0 else None
    if node.op_type in ELEMENTWISE and len(out) in (2, 3, 4):
        return "elementwise"
    return None


def _continues(node: ir.Node, running: ir.Value, shape: tuple[int, ...]) -> bool:
    """Whether `node` is an element-wise op on `running` whose other inputs are constants or
    tensors of the same shape, and that keeps the shape."""
    if node.op_type not in ELEMENTWISE or running not in list(node.inputs):
        return False
    if _static(node.outputs[0]) != shape:
        return False
    return all(v is running or _const(v) or _static(v) == shape for v in node.inputs)


def find_unit(nodes: list[ir.Node]) -> Unit | None:
    """The unit these nodes (a contiguous run of the order) form, or None."""
    if not nodes:
        return None
    kind = _head_kind(nodes[0])
    if kind is None:
        return None
    running, shape = nodes[0].outputs[0], _static(nodes[0].outputs[0])
    for node in nodes[1:]:
        if len(running.uses()) != 1 or not _continues(node, running, shape):
            return None
        running = node.outputs[0]
    return Unit(kind, nodes[0], list(nodes), shape)


def split_axes(unit: Unit) -> dict[int, list[int]]:
    """Per axis that may be split, the tile extents allowed (divisors of the extent)."""
    shape = unit.shape
    if unit.kind == "gemm":
        return {1: _divisors(shape[1])}
    axes = {1: _divisors(shape[1])} if len(shape) >= 2 else {}
    if len(shape) >= 3:
        axes[2] = _divisors(shape[2])
    group = unit.head.attributes.get("group") if unit.kind == "conv" else None
    if group is not None and group.value > 1:  # a tile holds whole groups of channels
        per_group = shape[1] // group.value
        axes[1] = [d for d in axes[1] if d % per_group == 0]
    return axes


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def choose_tiles(unit: Unit, tile_logrows, limit: int) -> TilePlan | None:
    """The cut with the fewest tiles whose every tile fits `limit`; ties go to fewer channel
    groups (fewer distinct weights, so fewer distinct circuits), then taller bands.

    `tile_logrows(plan)` estimates the logrows of the plan's largest tile."""
    axes = split_axes(unit)
    options = []
    channel_sizes = axes.get(1, [unit.shape[1]])
    row_sizes = axes.get(2, [None])
    for cg in channel_sizes:
        for hb in row_sizes:
            sizes = {1: cg} if hb is None else {1: cg, 2: hb}
            plan = TilePlan(unit.kind, sizes, unit.shape)
            if plan.count > 1 and tile_logrows(plan) <= limit:
                options.append((plan.count, unit.shape[1] // cg, -(hb or 0), plan))
    return min(options, key=lambda o: o[:3])[3] if options else None
