"""The one interface every op family's tiling knowledge implements, and the helpers they share.

A tile op answers, for one node of a unit (zkc.compiler.planning.units): its unit kind (or None
when it cannot be tiled), the extent of its main input a tile reads (for the planner's
estimates), the box of its main input a tile reads exactly (for the tile's model), and the
tile's own node(s) computing a box of its output (written through a `TileWriter`).
"""

from typing import Any, Protocol

import numpy as np
import onnx_ir as ir

from zkc.compiler.errors import ToolError
from zkc.compiler.ir.graph import constant_array
from zkc.compiler.ir.index import ModelIndex

Box = list[tuple[int, int]]
Shape = tuple[int, ...]


class TileWriter(Protocol):
    """What an op writes a tile with (zkc.compiler.pieces.tiles.TileBuilder): tensors by name."""

    index: ModelIndex

    def read(self, tensor: str, window: Box) -> str:
        """The window of a model tensor, from the parts earlier pieces wrote."""
        ...

    def op(self, op_type: str, inputs: list[str], **attrs: Any) -> str:
        """A node of the tile; returns its output."""
        ...

    def const(self, array: np.ndarray) -> str:
        """A constant of the tile."""
        ...

    def weight(self, name: str, index: Any) -> str:
        """A slice of a model constant (e.g. a conv's output channels)."""
        ...

    def model_const(self, name: str, box: Box, rank: int) -> str:
        """A model constant broadcast against a tensor of `rank` axes, cut to `box`."""
        ...

    def operand(self, name: str, running: str, current: str, box: Box, rank: int) -> str:
        """An element-wise op's input on the tile (running tensor, cut constant or window)."""
        ...


class TileOp(Protocol):
    """One op family's tiling knowledge."""

    op_types: frozenset[str]

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        """The unit kind this node has (out: its static output shape, batch 1), or None."""
        ...

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        """The rows and channels of its main input it reads for `rows` x `channels` of its
        output (before clipping to the input's extent)."""
        ...

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        """The box of its main input it reads to produce `box` of its output."""
        ...

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        """Its node(s) on the tile, producing `box` of its output from the previous op's
        result (`current`, the tile's value of model tensor `running`) or, for the head of a
        unit, windows of its inputs; returns the output."""
        ...


def is_const(value: ir.Value | None) -> bool:
    """A constant (or an absent optional input)."""
    if value is None:
        return True
    if value.is_initializer() or value.const_value is not None:
        return True
    producer = value.producer()
    return producer is not None and producer.op_type == "Constant"


def static(value: ir.Value | None) -> Shape | None:
    """The value's shape when every dimension is known."""
    if value is None or value.shape is None:
        return None
    dims = [d for d in value.shape if isinstance(d, int)]
    return tuple(dims) if len(dims) == len(value.shape) else None


def shape_of(value: ir.Value | None) -> ir.Shape:
    """A tensor's shape; ToolError when it is unknown (tiles and the planner read only
    tensors whose shapes were inferred)."""
    if value is None or value.shape is None:
        raise ToolError(f"tensor '{name_of(value)}' has no known shape")
    return value.shape


def rank_of(value: ir.Value | None) -> int:
    """The number of axes of a tensor (ToolError when its shape is unknown)."""
    return len(shape_of(value))


def dim_of(value: ir.Value | None, axis: int) -> int:
    """A tensor's extent along `axis`; ToolError when it is not a known number."""
    extent = shape_of(value)[axis]
    if not isinstance(extent, int):
        raise ToolError(f"tensor '{name_of(value)}' has no static extent along axis {axis}")
    return extent


def array(value: ir.Value | None) -> np.ndarray | None:
    """A constant input's values, or None."""
    return constant_array(value)


def int_attr(node: ir.Node, name: str, default: int) -> int:
    attr = node.attributes.get(name)
    return int(attr.value) if attr is not None else default


def ints_attr(node: ir.Node, name: str, default: list[int]) -> list[int]:
    attr = node.attributes.get(name)
    return [int(v) for v in attr.value] if attr is not None else list(default)


def attrs(node: ir.Node) -> dict[str, Any]:
    """The node's attributes as Python values (lists for repeated ones)."""
    found: dict[str, Any] = {}
    for name, attr in node.attributes.items():
        value = attr.value
        found[name] = list(value) if isinstance(value, tuple) else value
    return found


def main_input(writer: TileWriter, node: ir.Node, want: Box, current: str | None) -> str:
    """The tile's value of the node's main input: the previous op's result, or the window."""
    if current is not None:
        return current
    return writer.read(name_of(node.inputs[0]), want)


def name_of(value: ir.Value | None) -> str:
    """A tensor's name ("" for an absent optional input)."""
    return value.name or "" if value is not None else ""


def input_name(node: ir.Node, index: int) -> str | None:
    """The name of input `index`, or None when it is absent."""
    if len(node.inputs) <= index or node.inputs[index] is None:
        return None
    return name_of(node.inputs[index])


def clipped(node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
    """Rows and channels read of the node's main input, clipped to its extent."""
    if rank_of(node.inputs[0]) != 4:
        return rows, channels
    return min(rows, dim_of(node.inputs[0], 2)), channels
