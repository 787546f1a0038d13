"""The static shape each graph input is pinned to: the batch dimension, user shapes, errors."""

import numpy as np
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.input_shapes import pinned_input_shapes
from zkc.compiler.pipeline.base import PassOptions


def _add_model(x_shape, c_shape=(3,), c_listed=False):
    """y = x + c, with c an initializer (listed among the graph inputs when `c_listed`)."""
    inputs = [tensor("x", x_shape)] + ([tensor("c", list(c_shape))] if c_listed else [])
    return make_model(
        [helper.make_node("Add", ["x", "c"], ["y"])],
        inputs,
        [tensor("y", ["batch", 3])],
        [("c", np.ones(c_shape, np.float32))],
    )


def test_a_symbolic_batch_dimension_takes_the_batch_size():
    model = _add_model(["batch", 3])
    assert pinned_input_shapes(model, PassOptions()) == {"x": (1, 3)}
    assert pinned_input_shapes(model, PassOptions(batch_size=4)) == {"x": (4, 3)}


def test_a_static_shape_is_kept_whatever_the_batch_size():
    assert pinned_input_shapes(_add_model([2, 3]), PassOptions(batch_size=5)) == {"x": (2, 3)}


def test_a_user_shape_wins_over_the_declared_one():
    options = PassOptions(batch_size=3, input_shapes={"x": [2, 3]})
    assert pinned_input_shapes(_add_model(["batch", "n"]), options) == {"x": (2, 3)}


def test_initializers_listed_as_inputs_are_not_pinned():
    model = _add_model(["batch", 3], c_listed=True)
    assert pinned_input_shapes(model, PassOptions()) == {"x": (1, 3)}


def test_every_input_in_graph_order():
    model = make_model(
        [helper.make_node("Add", ["b", "a"], ["y"])],
        [tensor("b", ["n", 2]), tensor("a", [1, 2])],
        [tensor("y", ["n", 2])],
    )
    assert list(pinned_input_shapes(model, PassOptions(batch_size=2))) == ["b", "a"]


def test_a_symbolic_inner_dimension_needs_a_user_shape():
    with pytest.raises(
        UserInputError,
        match=r"input 'x' has dynamic dimension 'n' at axis 1 that cannot be pinned; "
        r"give a shape with --input-shape x=D0,D1,\.\.\.",
    ):
        pinned_input_shapes(_add_model(["batch", "n"]), PassOptions())


def test_an_input_without_shape_needs_a_user_shape():
    model = _add_model(["batch", 3])
    model.graph.inputs[0].shape = None
    with pytest.raises(
        UserInputError, match=r"input 'x' has no shape; give one with --input-shape x=D0,D1"
    ):
        pinned_input_shapes(model, PassOptions())
    assert pinned_input_shapes(model, PassOptions(input_shapes={"x": (4, 3)})) == {"x": (4, 3)}


def test_a_user_shape_for_no_input_is_refused():
    options = PassOptions(input_shapes={"z": (1, 3)})
    with pytest.raises(UserInputError, match="--input-shape names no graph input 'z'"):
        pinned_input_shapes(_add_model([1, 3]), options)


def test_a_user_shape_for_an_initializer_is_refused():
    options = PassOptions(input_shapes={"c": (3,)})
    with pytest.raises(UserInputError, match="--input-shape names no graph input 'c'"):
        pinned_input_shapes(_add_model([1, 3], c_listed=True), options)
