import numpy as np
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.data.reference import ReferenceRunner
from zkc.passes.add_nonce import NONCE_INPUT, AddNonceInputPass


def _model():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return make_model(nodes, [tensor("x", [1, 4])], [tensor("y", [1, 4])])


def test_adds_a_nonce_input_last_and_keeps_outputs():
    model = _model()
    x = np.array([[-1.0, 2.0, -3.0, 4.0]], np.float32)
    before = ReferenceRunner(model).run({"x": x})
    result = AddNonceInputPass()(model)
    assert result.modified
    assert [v.name for v in result.model.graph.inputs] == ["x", NONCE_INPUT]
    assert list(result.model.graph.inputs[1].shape) == [1]
    after = ReferenceRunner(result.model).run({"x": x, NONCE_INPUT: np.array([0.3], np.float32)})
    np.testing.assert_array_equal(after["y"], before["y"])


def test_model_with_a_nonce_is_unchanged():
    model = AddNonceInputPass()(_model()).model
    result = AddNonceInputPass()(model)
    assert not result.modified
    assert [v.name for v in result.model.graph.inputs] == ["x", NONCE_INPUT]
