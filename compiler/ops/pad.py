"""Pad with constant spatial pads: a tile reads its box shifted by the pads and pads only
where the box reaches past the input's edges."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import (
    Box,
    Shape,
    TileWriter,
    array,
    clipped,
    input_name,
    is_const,
    main_input,
    name_of,
)


class PadTiles:
    """Pad of a 4-D tensor, constant mode, pads along rows and columns only."""

    op_types = frozenset({"Pad"})

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        rest = node.inputs[1:]
        if not (len(out) == 4 and rest and all(is_const(v) for v in rest)):
            return None
        if len(node.inputs) > 3 and node.inputs[3] is not None:
            return None  # pads for some axes only (opset 18): not tiled
        mode = node.attributes.get("mode")
        pads = array(node.inputs[1])
        spatial_only = pads is not None and pads.size == 8 and not any(pads[[0, 1, 4, 5]])
        constant = mode is None or mode.value in ("constant", b"constant")
        return "pad" if spatial_only and constant else None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        return clipped(node, rows, channels)

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        pads = index.constants[name_of(node.inputs[1])]
        shape = index.shapes[name_of(node.inputs[0])]
        return [
            (max(0, a - int(pads[i])), min(shape[i], b - int(pads[i])))
            for i, (a, b) in enumerate(box[: len(shape)])
        ]

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        index = writer.index
        x = main_input(writer, node, self.input_box(index, node, box), current)
        pads = index.constants[name_of(node.inputs[1])]
        shape = index.shapes[name_of(node.inputs[0])]
        rank = len(box)
        before = [max(0, int(pads[i]) - box[i][0]) for i in range(rank)]
        after = [max(0, box[i][1] - int(pads[i]) - shape[i]) for i in range(rank)]
        ins = [x, writer.const(np.array(before + after, np.int64))]
        if (value := input_name(node, 2)) is not None:
            ins.append(writer.const(index.constants[value]))
        return writer.op("Pad", ins, mode="constant")
