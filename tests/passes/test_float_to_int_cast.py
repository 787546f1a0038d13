"""FloatToIntCastPass: Cast(float -> int) truncates toward zero as onnxruntime does; values that
are whole numbers by construction are left as they are."""

import numpy as np
import pytest
from onnx import TensorProto, helper

from tests.graphs import make_model, op_types, outputs_of
from zkc.passes.float_to_int_cast import FloatToIntCastPass


def _cast(to, before=()):
    nodes = [*before, helper.make_node("Cast", ["r" if before else "x"], ["y"], to=to)]
    return make_model(
        nodes,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32])],
        [helper.make_tensor_value_info("y", to, [1, 32])],
    )


@pytest.mark.parametrize("to", [TensorProto.INT8, TensorProto.INT32, TensorProto.INT64])
def test_cast_truncates_toward_zero_like_onnxruntime(to):
    x = np.random.default_rng(0).uniform(-9, 9, (1, 32)).astype(np.float32)
    x[0, :4] = [-2.5, 2.5, -0.5, 0.5]  # where rounding and truncation differ
    model = _cast(to)
    before = outputs_of(model, {"x": x})[0]
    result = FloatToIntCastPass()(model)
    assert result.modified
    assert op_types(result.model) == ["Abs", "Floor", "Sign", "Mul", "Cast"]
    np.testing.assert_array_equal(outputs_of(result.model, {"x": x})[0], before)
    assert not FloatToIntCastPass()(result.model).modified


def test_whole_numbers_and_float_casts_are_left_alone():
    rounded = _cast(TensorProto.INT64, [helper.make_node("Floor", ["x"], ["r"])])
    assert not FloatToIntCastPass()(rounded).modified
    to_double = _cast(TensorProto.DOUBLE)
    assert not FloatToIntCastPass()(to_double).modified
