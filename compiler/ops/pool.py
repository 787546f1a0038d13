"""Pools. MaxPool/AveragePool tiles are bands of rows over groups of channels, keeping the pool's
own padding where a band meets the input's edges (max pools pad with -inf, average pools may
not count the padding). Global pools are tiled by channel groups, each reading its channels
whole."""

import onnx_ir as ir

from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import (
    Box,
    Shape,
    TileWriter,
    attrs,
    clipped,
    dim_of,
    int_attr,
    main_input,
    name_of,
)
from zkc.compiler.ops.windows import conv_window, kernel_rows


class PoolTiles:
    """MaxPool and AveragePool (2-D, floor mode)."""

    op_types = frozenset({"MaxPool", "AveragePool"})

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        return "pool" if len(out) == 4 and int_attr(node, "ceil_mode", 0) == 0 else None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        rows = kernel_rows(attrs(node), rows, dim_of(node.inputs[0], 2))
        return clipped(node, rows, channels)

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        return conv_window(attrs(node), index.shapes[name_of(node.inputs[0])], box, 1)[0]

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        x = main_input(writer, node, self.input_box(writer.index, node, box), current)
        found = attrs(node)
        _, pads = conv_window(found, writer.index.shapes[name_of(node.inputs[0])], box, 1)
        found["pads"] = [pads[2], pads[3], pads[6], pads[7]]
        return writer.op(node.op_type, [x], **found)


class GlobalPoolTiles:
    """GlobalAveragePool and GlobalMaxPool."""

    op_types = frozenset({"GlobalAveragePool", "GlobalMaxPool"})

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        return "pool" if len(out) == 4 else None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        return dim_of(node.inputs[0], 2), channels

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        shape = index.shapes[name_of(node.inputs[0])]
        return [(0, 1), box[1], (0, shape[2]), (0, shape[3])]

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        x = main_input(writer, node, self.input_box(writer.index, node, box), current)
        return writer.op(node.op_type, [x])
