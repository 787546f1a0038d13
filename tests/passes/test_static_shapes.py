import numpy as np
import pytest
from onnx import helper

from tests.graphs import make_model, outputs_of, tensor
from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.input_shapes import pinned_input_shapes
from zkc.compiler.pipeline.base import PassOptions
from zkc.passes.static_shapes import StaticShapesPass


def _relu(in_shape, out_shape):
    return make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        [tensor("x", in_shape)],
        [tensor("y", out_shape)],
    )


def test_batch_dim_pinned_and_shapes_inferred():
    model = _relu(["batch", 4], ["batch", 4])
    result = StaticShapesPass(PassOptions(batch_size=1))(model)
    assert result.modified
    assert list(result.model.graph.inputs[0].shape) == [1, 4]
    assert list(result.model.graph.outputs[0].shape) == [1, 4]
    x = np.ones((1, 4), dtype=np.float32)
    assert outputs_of(result.model, {"x": x})[0].shape == (1, 4)


def test_static_model_not_modified():
    assert StaticShapesPass()(_relu([1, 4], [1, 4])).modified is False


def test_non_batch_dynamic_dim_needs_a_shape():
    model = _relu([1, "seq"], [1, "seq"])
    with pytest.raises(
        UserInputError, match=r"input 'x' has dynamic dimension 'seq' at axis 1.*--input-shape"
    ):
        StaticShapesPass()(model)
    result = StaticShapesPass(PassOptions(input_shapes={"x": (1, 7)}))(model)
    assert list(result.model.graph.outputs[0].shape) == [1, 7]


def test_input_shape_for_unknown_input_is_an_error():
    with pytest.raises(UserInputError, match="names no graph input 'z'"):
        pinned_input_shapes(_relu([1, 4], [1, 4]), PassOptions(input_shapes={"z": (1,)}))
