"""FloatToIntCastPass: a Cast from a float type to an integer type truncates toward zero, as
ONNX specifies (EZKL's Cast rounds to the nearest integer)."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import constant_array
from zkc.compiler.ir.rewrite import Rewrite, is_onnx, static_shape
from zkc.compiler.pipeline.base import ZkcPass
from zkc.passes.integer_division import INTEGER_TYPES

FLOAT_TYPES = frozenset({ir.DataType.FLOAT, ir.DataType.DOUBLE, ir.DataType.FLOAT16})


class FloatToIntCastPass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites Cast(float -> integer) into Cast(Sign(x) * Floor(Abs(x))).

    Truncation toward zero is sign(x) floor(|x|); EZKL computes Sign, Abs and Floor exactly, and
    the Cast that remains only changes the type of values that are already integers.
    """

    pass_name = "float_to_int_cast"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if not is_onnx(node, "Cast"):
                continue
            x, out = node.inputs[0], node.outputs[0]
            if x is None or x.dtype not in FLOAT_TYPES or out.dtype not in INTEGER_TYPES:
                continue
            if _integral(x):
                continue
            shape = static_shape(x)
            rw = Rewrite(model.graph, node)
            floor = rw.op("Floor", [rw.op("Abs", [x], shape)], shape)
            truncated = rw.op("Mul", [rw.op("Sign", [x], shape), floor], shape)
            back = rw.op("Cast", [truncated], shape, to=out.dtype)
            back.dtype = out.dtype
            rw.commit(back)
            modified = True
        return ir.passes.PassResult(model, modified=modified)


INTEGRAL_OPS = frozenset({"Floor", "Ceil", "Round", "Sign"})
CLOSED_OPS = frozenset({"Add", "Sub", "Mul", "Neg", "Abs", "Relu", "Max", "Min"})


def _integral(value: ir.Value | None, depth: int = 8) -> bool:
    """Whether the value holds whole numbers by construction (rounded, cast from an integer,
    an integral constant, or sums and products of such): truncating it changes nothing."""
    if value is None or depth == 0:
        return False
    array = constant_array(value)
    if array is not None:
        return bool(np.all(np.isfinite(array)) and np.all(array == np.round(array)))
    producer = value.producer()
    if producer is None:
        return value.dtype in INTEGER_TYPES
    if producer.op_type in INTEGRAL_OPS:
        return True
    if producer.op_type == "Cast":
        return _integral(producer.inputs[0], depth - 1)
    if producer.op_type in CLOSED_OPS:
        return all(_integral(v, depth - 1) for v in producer.inputs)
    return False
