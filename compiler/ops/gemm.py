"""Gemm and MatMul by constant weights: a tile computes a group of output columns from the
whole input row, with those columns' weights (and bias)."""

import onnx_ir as ir

from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import (
    Box,
    Shape,
    TileWriter,
    attrs,
    dim_of,
    input_name,
    int_attr,
    is_const,
    main_input,
    name_of,
)


class GemmTiles:
    """Gemm (transA 0) and MatMul of a 2-D activation by constant weights."""

    op_types = frozenset({"Gemm", "MatMul"})

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        if len(out) == 2 and all(is_const(v) for v in node.inputs[1:]):
            return "gemm" if int_attr(node, "transA", 0) == 0 else None
        return None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        return rows, dim_of(node.inputs[0], 1)

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        return [(0, d) for d in index.shapes[name_of(node.inputs[0])]]

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        x = main_input(writer, node, self.input_box(writer.index, node, box), current)
        found = attrs(node)
        n0, n1 = box[1]
        columns = (slice(None), slice(n0, n1))
        weight = name_of(node.inputs[1])
        if node.op_type == "MatMul":
            return writer.op("MatMul", [x, writer.weight(weight, columns)])
        by_rows = found.get("transB", 0)
        ins = [x, writer.weight(weight, (slice(n0, n1),) if by_rows else columns)]
        if (bias := input_name(node, 2)) is not None:
            ins.append(writer.model_const(bias, box, 2))
        gemm = {k: found[k] for k in ("alpha", "beta", "transB") if k in found}
        return writer.op("Gemm", ins, **gemm)
