"""IntegerDivisionPass: integer Div truncates toward zero and Mod takes the divisor's sign (or the
dividend's with fmod=1), exactly as onnxruntime computes them, on int8/int32/int64."""

import numpy as np
import pytest
from onnx import TensorProto, helper

from tests.graphs import make_model, op_types, outputs_of
from zkc.passes.integer_division import IntegerDivisionPass

TYPES = [(TensorProto.INT8, np.int8), (TensorProto.INT32, np.int32), (TensorProto.INT64, np.int64)]


def _model(op, elem, divisor=None, **attrs):
    """y = x op d, d a constant (or a second input `d` when `divisor` is None)."""
    inputs = [helper.make_tensor_value_info("x", elem, [1, 16])]
    inits = []
    if divisor is None:
        inputs.append(helper.make_tensor_value_info("d", elem, [1, 16]))
    else:
        inits.append(("d", divisor))
    node = helper.make_node(op, ["x", "d"], ["y"], name="op", **attrs)
    return make_model([node], inputs, [helper.make_tensor_value_info("y", elem, [1, 16])], inits)


@pytest.mark.parametrize("elem,dtype", TYPES)
@pytest.mark.parametrize("op,attrs", [("Div", {}), ("Mod", {}), ("Mod", {"fmod": 1})])
@pytest.mark.parametrize("divisor", [3, -4, 7, 1])
def test_constant_divisor_matches_onnxruntime(elem, dtype, op, attrs, divisor):
    x = np.random.default_rng(0).integers(-100, 100, (1, 16)).astype(dtype)
    model = _model(op, elem, np.array(divisor, dtype), **attrs)
    before = outputs_of(model, {"x": x})[0]
    result = IntegerDivisionPass()(model)
    assert result.modified and "Mod" not in op_types(result.model)
    divisions = [n for n in result.model.graph if n.op_type == "Div"]
    assert all(n.outputs[0].dtype.name == "FLOAT" for n in divisions)  # none left on integers
    assert "d" not in result.model.graph.initializers  # folded into the rewrite
    after = outputs_of(result.model, {"x": x})[0]
    assert after.dtype == before.dtype
    np.testing.assert_array_equal(after, before)
    assert not IntegerDivisionPass()(result.model).modified


@pytest.mark.parametrize("op,attrs", [("Div", {}), ("Mod", {}), ("Mod", {"fmod": 1})])
def test_a_divisor_from_the_request_matches_onnxruntime(op, attrs):
    rng = np.random.default_rng(1)
    x = rng.integers(-50, 50, (1, 16)).astype(np.int64)
    d = rng.choice([-5, -2, 1, 3, 9], (1, 16)).astype(np.int64)
    model = _model(op, TensorProto.INT64, None, **attrs)
    before = outputs_of(model, {"x": x, "d": d})[0]
    result = IntegerDivisionPass()(model)
    assert result.modified
    np.testing.assert_array_equal(outputs_of(result.model, {"x": x, "d": d})[0], before)


def test_float_division_and_a_zero_divisor_are_left_alone():
    floats = make_model(
        [helper.make_node("Div", ["x", "d"], ["y"])],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        [("d", np.array(3.0, np.float32))],
    )
    assert not IntegerDivisionPass()(floats).modified
    zero = _model("Div", TensorProto.INT64, np.array([0, 1, 2, 3] * 4, np.int64).reshape(1, 16))
    assert not IntegerDivisionPass()(zero).modified
    assert op_types(zero) == ["Div"]
