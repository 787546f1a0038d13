"""A pinned model's inputs and outputs as names, static shapes and element types."""

import numpy as np
import pytest
from onnx import TensorProto, helper

from tests.graphs import make_model, tensor
from zkc.compiler.ir.io_spec import IOSpec, TensorSpec, io_spec


def _model(x_shape=(2, 3), y_shape=(2, 3)):
    """y = Cast(x) + c, with an int64 input `n` passed through, `c` an initializer listed as
    an input."""
    nodes = [
        helper.make_node("Add", ["x", "c"], ["y"]),
        helper.make_node("Identity", ["n"], ["m"]),
    ]
    return make_model(
        nodes,
        [
            tensor("x", list(x_shape)),
            helper.make_tensor_value_info("n", TensorProto.INT64, [4]),
            tensor("c", [3]),
        ],
        [tensor("y", list(y_shape)), helper.make_tensor_value_info("m", TensorProto.INT64, [4])],
        [("c", np.ones(3, np.float32))],
    )


def test_inputs_and_outputs_in_graph_order_without_initializers():
    spec = io_spec(_model())
    assert spec.inputs == [
        TensorSpec(name="x", shape=[2, 3], dtype="float"),
        TensorSpec(name="n", shape=[4], dtype="int64"),
    ]
    assert spec.outputs == [
        TensorSpec(name="y", shape=[2, 3], dtype="float"),
        TensorSpec(name="m", shape=[4], dtype="int64"),
    ]


def test_input_shapes_by_name():
    assert io_spec(_model()).input_shapes() == {"x": (2, 3), "n": (4,)}


def test_size_is_the_number_of_elements():
    assert TensorSpec(name="x", shape=[2, 3, 4], dtype="float").size == 24
    assert TensorSpec(name="s", shape=[], dtype="float").size == 1


def test_a_dynamic_shape_is_refused_naming_the_tensor():
    with pytest.raises(ValueError, match=r"tensor 'x' has a dynamic shape \[.*batch.*, 3\]"):
        io_spec(_model(x_shape=("batch", 3)))


def test_a_dynamic_output_is_refused_too():
    with pytest.raises(ValueError, match="tensor 'y' has a dynamic shape"):
        io_spec(_model(y_shape=("batch", 3)))


def test_the_spec_round_trips_through_json():
    spec = io_spec(_model())
    assert IOSpec.model_validate_json(spec.model_dump_json()) == spec
