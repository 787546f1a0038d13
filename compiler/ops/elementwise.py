"""Element-wise ops: a tile computes its box from the same box of each operand (the running
tensor, a constant cut to the box, or a window of a same-shaped tensor made earlier)."""

import onnx_ir as ir

from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import Box, Shape, TileWriter, attrs, clipped, name_of

ELEMENTWISE = frozenset(
    {
        "Relu",
        "LeakyRelu",
        "Sigmoid",
        "Tanh",
        "Clip",
        "HardSigmoid",
        "HardSwish",
        "Erf",
        "Abs",
        "Neg",
        "Exp",
        "Softplus",
        "Elu",
        "Add",
        "Sub",
        "Mul",
        "Div",
        "Max",
        "Min",
        "PRelu",
        "Sum",
    }
)


class ElementwiseTiles:
    """The element-wise ops a tile may compute on any box (up to 4-D)."""

    op_types = ELEMENTWISE

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        return "elementwise" if len(out) in (2, 3, 4) else None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        return clipped(node, rows, channels)

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        return list(box)

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        rank = len(box)
        ins = [  # an absent optional input (Clip(x, "", max)) stays absent
            "" if v is None else writer.operand(name_of(v), running, current or "", box, rank)
            for v in node.inputs
        ]
        return writer.op(node.op_type, ins, **attrs(node))
