import numpy as np
from onnx import helper

from tests.graphs import make_model, op_types, outputs_of, tensor
from zkc.passes.simplify import SimplifyPass


def test_shape_arithmetic_simplified_to_constant_reshape():
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Reshape", ["x", "s"], ["r"], name="reshape"),
        helper.make_node("Relu", ["r"], ["y"], name="relu"),
    ]
    model = make_model(nodes, [tensor("x", [2, 3])], [tensor("y", [2, 3])])
    x = np.arange(6, dtype=np.float32).reshape(2, 3) - 3
    before = outputs_of(model, {"x": x})[0]
    result = SimplifyPass()(model)
    assert result.modified and result.model is not model
    assert "Shape" not in op_types(result.model)
    np.testing.assert_array_equal(outputs_of(result.model, {"x": x})[0], before)


def test_already_simple_not_modified():
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [tensor("x", [2])],
        [tensor("y", [2])],
    )
    assert SimplifyPass()(model).modified is False
