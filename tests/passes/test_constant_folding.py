import numpy as np
from onnx import helper

from tests.graphs import make_model, op_types, outputs_of, tensor
from zkc.passes.constant_folding import ConstantFoldingPass


def test_constant_subgraph_folded():
    inits = [("a", np.array([1.0, 2.0], np.float32)), ("b", np.array([3.0, 4.0], np.float32))]
    nodes = [
        helper.make_node("Mul", ["a", "b"], ["ab"], name="mul_const"),
        helper.make_node("Add", ["x", "ab"], ["y"], name="add"),
    ]
    model = make_model(nodes, [tensor("x", [2])], [tensor("y", [2])], inits)
    x = np.array([0.5, -1.0], np.float32)
    before = outputs_of(model, {"x": x})[0]
    result = ConstantFoldingPass()(model)
    assert result.modified
    assert op_types(result.model) == ["Add"]
    np.testing.assert_array_equal(outputs_of(result.model, {"x": x})[0], before)


def test_nothing_constant_not_modified():
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")], [tensor("x", [2])], [tensor("y", [2])]
    )
    assert ConstantFoldingPass()(model).modified is False
