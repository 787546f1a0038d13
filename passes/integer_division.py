"""IntegerDivisionPass: Div and Mod of integers compute what ONNX specifies (a quotient truncated
toward zero; a remainder with the divisor's sign, or the dividend's with fmod=1), where EZKL's
fixed-point Div would return the real quotient and it has no Mod."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import constant_array
from zkc.compiler.ir.rewrite import Rewrite, is_onnx, static_shape
from zkc.compiler.pipeline.base import ZkcPass

INTEGER_TYPES = frozenset(
    {
        ir.DataType.INT8,
        ir.DataType.INT16,
        ir.DataType.INT32,
        ir.DataType.INT64,
        ir.DataType.UINT8,
        ir.DataType.UINT16,
        ir.DataType.UINT32,
        ir.DataType.UINT64,
    }
)


class IntegerDivisionPass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites integer Div and Mod into float ops EZKL computes exactly, cast back.

    With a, b integers, the exact quotient is k + r/|b| with r in [0, |b| - 1], so
    floor((a * sign(b) + 0.5) / |b|) is floor(a / b) and sign(a) sign(b) floor((|a| + 0.5) / |b|)
    is a / b truncated toward zero: the 0.5 keeps a fixed-point error below 0.5 / |b| from
    crossing an integer. Div becomes the truncated quotient; Mod (fmod 0) a - b floor(a / b);
    Mod with fmod 1, a - b trunc(a / b). A constant divisor's sign and magnitude are folded; a
    divisor with a zero (undefined in ONNX) is left alone. The compile's reference check
    still decides: an integer output must match onnxruntime exactly.
    """

    pass_name = "integer_division"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            dtype = node.outputs[0].dtype
            if not is_onnx(node, "Div", "Mod") or dtype is None or dtype not in INTEGER_TYPES:
                continue
            a, b = node.inputs[0], node.inputs[1]
            if a is None or b is None:
                continue
            divisor = constant_array(b)
            if divisor is not None and not np.all(divisor != 0):
                continue
            _rewrite(model.graph, node, a, b, divisor, dtype)
            modified = True
        return ir.passes.PassResult(model, modified=modified)


def _rewrite(
    graph: ir.Graph,
    node: ir.Node,
    a: ir.Value,
    b: ir.Value,
    divisor: np.ndarray | None,
    dtype: ir.DataType,
) -> None:
    out = node.outputs[0]
    shape, a_shape = static_shape(out), static_shape(a)
    rw = Rewrite(graph, node)
    x = rw.op("Cast", [a], a_shape, to=ir.DataType.FLOAT)
    if divisor is not None:
        sign_b = rw.const(np.sign(divisor).astype(np.float32), "sign_b")
        abs_b = rw.const(np.abs(divisor).astype(np.float32), "abs_b")
        y = rw.const(divisor.astype(np.float32), "b")
    else:
        y = rw.op("Cast", [b], static_shape(b), to=ir.DataType.FLOAT)
        sign_b = rw.op("Sign", [y], static_shape(b))
        abs_b = rw.op("Abs", [y], static_shape(b))
    half = rw.const(np.array(0.5, np.float32), "half")
    truncated = node.op_type == "Div" or _attr(node, "fmod") == 1
    if truncated:
        magnitude = rw.op("Add", [rw.op("Abs", [x], a_shape), half], a_shape)
        floor = rw.op("Floor", [rw.op("Div", [magnitude, abs_b], shape)], shape)
        signs = rw.op("Mul", [rw.op("Sign", [x], a_shape), sign_b], shape)
        quotient = rw.op("Mul", [signs, floor], shape)
    else:
        signed = rw.op("Add", [rw.op("Mul", [x, sign_b], shape), half], shape)
        quotient = rw.op("Floor", [rw.op("Div", [signed, abs_b], shape)], shape)
    result = quotient
    if node.op_type == "Mod":
        result = rw.op("Sub", [x, rw.op("Mul", [y, quotient], shape)], shape)
    back = rw.op("Cast", [result], shape, to=dtype)
    back.dtype = dtype
    rw.commit(back)
    if divisor is not None and b.is_initializer() and not b.uses() and b.name:
        graph.initializers.pop(b.name)  # folded into the rewrite


def _attr(node: ir.Node, name: str) -> int:
    attr = node.attributes.get(name)
    return int(attr.value) if attr is not None else 0
