"""Concat along channels heads its unit: a tile reads, of each input its channels overlap,
those channels in the tile's rows and columns."""

import onnx_ir as ir

from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import (
    Box,
    Shape,
    TileWriter,
    dim_of,
    int_attr,
    is_const,
    name_of,
    static,
)


class ConcatTiles:
    """Concat of 4-D activations along axis 1."""

    op_types = frozenset({"Concat"})

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        if len(out) != 4 or int_attr(node, "axis", 0) not in (1, -3):
            return None
        inputs = list(node.inputs)
        return "concat" if all(not is_const(v) and static(v) for v in inputs) else None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        return rows, min(channels, dim_of(node.inputs[0], 1))

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        return list(box)

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        ins, offset = [], 0
        for value in node.inputs:
            name = name_of(value)
            count = writer.index.shapes[name][1]
            low, high = max(box[1][0], offset), min(box[1][1], offset + count)
            if low < high:
                window = list(box)
                window[1] = (low - offset, high - offset)
                ins.append(writer.read(name, window))
            offset += count
        return ins[0] if len(ins) == 1 else writer.op("Concat", ins, axis=1)
