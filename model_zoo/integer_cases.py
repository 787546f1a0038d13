"""Op cases on integer tensors (int64 inputs): what ONNX specifies for integer division,
remainders and float-to-integer casts, which passes integer_division and float_to_int_cast
rewrite into forms EZKL computes exactly (zkc.model_zoo.op_cases)."""

import onnx
from onnx import TensorProto, helper

from zkc.model_zoo.op_case import OPSET, OpCase, int_model

X = (1, 8)


def _div_cast() -> onnx.ModelProto:
    nodes = [
        helper.make_node("Div", ["x", "d"], ["q"], name="div0"),
        helper.make_node("Cast", ["q"], ["y"], name="cast0", to=TensorProto.FLOAT),
    ]
    return int_model(nodes, X, TensorProto.FLOAT, [("d", 3)])


def _int_op(op: str, divisor: int, fmod: int | None = None):
    def build() -> onnx.ModelProto:
        node = helper.make_node(op, ["x", "d"], ["y"], name=f"{op.lower()}0")
        if fmod is not None:
            node.attribute.append(helper.make_attribute("fmod", fmod))
        return int_model([node], X, TensorProto.INT64, [("d", divisor)])

    return build


def _float_to_int() -> onnx.ModelProto:
    """x: float -> Cast to int64 (truncation toward zero)."""
    node = helper.make_node("Cast", ["x"], ["y"], name="cast0", to=TensorProto.INT64)
    graph = helper.make_graph(
        [node],
        "op",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, X)],
        [helper.make_tensor_value_info("y", TensorProto.INT64, X)],
    )
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    built.ir_version = 8
    return built


INTEGER_CASES: list[OpCase] = [
    OpCase("div_int64_cast", "Div", _div_cast, {"x": X}, -20, 20, integer=True),
    OpCase("div_int64", "Div", _int_op("Div", -4), {"x": X}, -20, 20, integer=True),
    OpCase("mod_int64", "Mod", _int_op("Mod", 3), {"x": X}, -20, 20, integer=True),
    OpCase("mod_int64_fmod", "Mod", _int_op("Mod", -3, fmod=1), {"x": X}, -20, 20, integer=True),
    OpCase("cast_float_to_int64", "Cast", _float_to_int, {"x": X}, -6.0, 6.0),
]
