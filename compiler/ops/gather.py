"""Gather with constant indices along a spatial axis: a tile reads the span of rows its
indices pick, and gathers with the indices shifted into that span."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import (
    Box,
    Shape,
    TileWriter,
    clipped,
    int_attr,
    is_const,
    main_input,
    name_of,
)


class GatherTiles:
    """Gather of a 4-D tensor by constant indices along axis 2 or 3."""

    op_types = frozenset({"Gather"})

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        if all(is_const(v) for v in node.inputs[1:]) and int_attr(node, "axis", 0) >= 2:
            return "gather" if len(out) == 4 else None
        return None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        return clipped(node, rows, channels)

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        axis, picked = int_attr(node, "axis", 0), _picked(index, node)
        chosen = picked[box[axis][0] : box[axis][1]]
        found = list(box)
        found[axis] = (int(chosen.min()), int(chosen.max()) + 1)
        return found

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        want = self.input_box(writer.index, node, box)
        x = main_input(writer, node, want, current)
        axis = int_attr(node, "axis", 0)
        picked = _picked(writer.index, node)[box[axis][0] : box[axis][1]]
        local = (picked - want[axis][0]).astype(picked.dtype)
        return writer.op("Gather", [x, writer.const(local)], axis=axis)


def _picked(index: ModelIndex, node: ir.Node) -> np.ndarray:
    """The constant indices, negative ones (counted from the end, legal ONNX) made positive."""
    picked = index.constants[name_of(node.inputs[1])]
    extent = index.shapes[name_of(node.inputs[0])][int_attr(node, "axis", 0)]
    return np.where(picked < 0, picked + extent, picked).astype(picked.dtype)
