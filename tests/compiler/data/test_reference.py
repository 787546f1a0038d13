"""onnxruntime as the reference: inputs fed in their declared types, batches, one-line errors."""

import numpy as np
import onnx_ir as ir
import pytest
from onnx import TensorProto, helper

from tests.graphs import make_model, tensor
from zkc.compiler.data.reference import ReferenceRunner, as_type, ort_message
from zkc.compiler.errors import UserInputError


def _add_model():
    return make_model(
        [helper.make_node("Add", ["a", "b"], ["y"], name="add")],
        [tensor("a", [1, 3]), tensor("b", [1, 3])],
        [tensor("y", [1, 3])],
    )


def _typed_identity(elem):
    info = helper.make_tensor_value_info
    return make_model(
        [helper.make_node("Identity", ["x"], ["y"])], [info("x", elem, [3])], [info("y", elem, [3])]
    )


def test_run_returns_outputs_by_name():
    runner = ReferenceRunner(_add_model())
    assert runner.input_names == ["a", "b"] and runner.output_names == ["y"]
    a, b = np.array([[1, 2, 3]], np.float32), np.array([[0.5, 0.5, -3]], np.float32)
    out = runner.run({"a": a, "b": b})
    assert list(out) == ["y"]
    np.testing.assert_array_equal(out["y"], [[1.5, 2.5, 0.0]])


def test_integer_inputs_are_rounded_from_floats():
    out = ReferenceRunner(_typed_identity(TensorProto.INT64)).run(
        {"x": np.array([1.6, -2.4, 2.5], np.float32)}
    )["y"]
    assert out.dtype == np.int64 and out.tolist() == [2, -2, 2]


def test_boolean_inputs_are_true_where_non_zero():
    out = ReferenceRunner(_typed_identity(TensorProto.BOOL)).run(
        {"x": np.array([0.0, 0.3, -2.0], np.float32)}
    )["y"]
    assert out.tolist() == [False, True, True]


def test_double_inputs_keep_their_precision():
    x = np.array([0.1, 1e-12, 3.0])
    out = ReferenceRunner(_typed_identity(TensorProto.DOUBLE)).run({"x": x})["y"]
    assert out.dtype == np.float64 and out.tolist() == x.tolist()


def test_run_batch_reshapes_each_sample_and_stacks_the_outputs():
    runner = ReferenceRunner(_add_model())
    a = np.arange(12, dtype=np.float32).reshape(4, 3)  # 4 samples, flat
    b = np.ones((4, 1, 3), np.float32)
    out = runner.run_batch({"a": a, "b": b}, {"a": (1, 3), "b": (1, 3)})
    assert out["y"].shape == (4, 1, 3)
    np.testing.assert_array_equal(out["y"][2], [[7, 8, 9]])


def test_a_model_onnxruntime_cannot_load_names_the_source():
    x = ir.Value(name="x", shape=ir.Shape([2]), type=ir.TensorType(ir.DataType.FLOAT))
    node = ir.node("Foo", [x], domain="com.example", name="foo")
    node.outputs[0].name = "y"
    node.outputs[0].type = ir.TensorType(ir.DataType.FLOAT)
    graph = ir.Graph([x], node.outputs, nodes=[node], opset_imports={"": 17, "com.example": 1})
    with pytest.raises(
        UserInputError,
        match=r"^slice 3: onnxruntime cannot load it: .*com\.example:Foo.* is not a registered",
    ):
        ReferenceRunner(ir.Model(graph, ir_version=8), "slice 3")


def test_a_run_that_fails_names_the_node():
    info = helper.make_tensor_value_info
    model = make_model(
        [helper.make_node("Reshape", ["x", "s"], ["y"], name="flatten")],
        [tensor("x", [2, 3]), info("s", TensorProto.INT64, [2])],
        [tensor("y", ["a", "b"])],
    )
    runner = ReferenceRunner(model, "the model")
    with pytest.raises(UserInputError) as info_:
        runner.run({"x": np.ones((2, 3), np.float32), "s": np.array([4.0, 4.0])})
    message = str(info_.value)
    assert message.startswith("the model: onnxruntime cannot run it: node 'flatten' (Reshape): ")
    assert "requested shape:{4,4}" in message
    assert "[ONNXRuntimeError]" not in message and "\n" not in message


def test_as_type():
    assert as_type([0.4999, 0.5001, -1.5], np.int32).tolist() == [0, 1, -2]
    assert as_type(np.array([255.4]), np.uint8).tolist() == [255]
    assert as_type([1, 2], np.float32).dtype == np.float32
    assert as_type(np.array([3], np.int64), np.int8).tolist() == [3]


def test_ort_message_drops_the_status_prefix_and_source_paths():
    raw = (
        "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input: x\n"
        "  index: 1 Got: 4 Expected: 3"
    )
    assert ort_message(Exception(raw)) == (
        "Got invalid dimensions for input: x index: 1 Got: 4 Expected: 3"
    )
    raw = "[ONNXRuntimeError] : 1 : FAIL : /onnxruntime_src/core/graph.cc:12 bad graph"
    assert ort_message(Exception(raw)) == "bad graph"


def test_ort_message_names_the_node_as_zkc_does():
    raw = (
        "[ONNXRuntimeError] : 1 : FAIL : Node (pool1) Op (MaxPool) [ShapeInferenceError] "
        "kernel too big"
    )
    assert ort_message(Exception(raw)) == "node 'pool1' (MaxPool): kernel too big"
    raw = "Non-zero status code returned while running Conv node. Name:'c1' Status Message: oops"
    assert ort_message(Exception(raw)) == "node 'c1' (Conv): oops"


def test_ort_message_is_cut_to_one_short_line():
    assert len(ort_message(Exception("x" * 1000))) == 400
