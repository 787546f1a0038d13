"""ModelIndex: nodes by name, constants (initializers and Constant nodes), shapes, opset."""

import numpy as np
import onnx_ir as ir
from onnx import helper, numpy_helper

from tests.graphs import make_model, tensor
from zkc.compiler.ir.index import DEFAULT_OPSET, ModelIndex


def _model(opset=17):
    """y = Relu(x * w + k), w an initializer, k a Constant node."""
    k = numpy_helper.from_array(np.array([0.5, -0.5], np.float32), "kv")
    nodes = [
        helper.make_node("Constant", [], ["k"], name="const", value=k),
        helper.make_node("Mul", ["x", "w"], ["xw"], name="mul"),
        helper.make_node("Add", ["xw", "k"], ["s"], name="add"),
        helper.make_node("Relu", ["s"], ["y"], name="relu"),
    ]
    w = np.array([2.0, 3.0], np.float32)
    return make_model(
        nodes, [tensor("x", ["batch", 2])], [tensor("y", ["batch", 2])], [("w", w)], opset
    )


def test_nodes_by_name():
    index = ModelIndex.of(_model())
    assert list(index.nodes) == ["const", "mul", "add", "relu"]
    assert index.nodes["add"].op_type == "Add"


def test_constants_from_initializers_and_constant_nodes():
    index = ModelIndex.of(_model())
    assert sorted(index.constants) == ["k", "w"]
    np.testing.assert_array_equal(index.constants["w"], [2.0, 3.0])
    np.testing.assert_array_equal(index.constants["k"], [0.5, -0.5])


def test_shapes_of_inputs_and_outputs_unknown_dims_as_zero():
    model = _model()
    model.graph.node(1).outputs[0].shape = None  # "xw": no shape inferred
    index = ModelIndex.of(model)
    assert index.shapes["x"] == (0, 2)  # the symbolic batch dimension
    assert index.shapes["y"] == (0, 2)
    assert index.shapes["xw"] == ()
    assert "w" not in index.shapes  # constants are looked up by value, not shape


def test_shapes_after_inference_are_static(tmp_path):
    from zkc.compiler.ir.model_io import load_model, save_model

    model = _model()
    model.graph.inputs[0].shape = ir.Shape([3, 2])
    save_model(model, tmp_path / "m.onnx")
    index = ModelIndex.of(load_model(tmp_path / "m.onnx", infer_shapes=True))
    assert index.shapes["xw"] == (3, 2) and index.shapes["s"] == (3, 2)


def test_the_default_domain_opset():
    assert ModelIndex.of(_model(opset=13)).opset == 13
    model = _model()
    del model.opset_imports[""]
    model.opset_imports["ai.onnx"] = 15
    assert ModelIndex.of(model).opset == 15
    del model.opset_imports["ai.onnx"]
    assert ModelIndex.of(model).opset == DEFAULT_OPSET
