"""The rewrite builder (new nodes before an anchor, spliced in) and the small helpers beside it."""

import numpy as np
import onnx_ir as ir
from onnx import helper

from tests.graphs import make_model, op_types, outputs_of, tensor
from zkc.compiler.ir.rewrite import Rewrite, gather_axis, int_list, is_onnx, static_shape

X = np.array([[-1.5, 0.0, 2.5], [3.0, -4.0, 0.5]], np.float32)


def _model(last="Neg"):
    """x -> Relu ("relu") -> `last` ("last") -> y, shapes [2, 3]."""
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node(last, ["r"], ["y"], name="last"),
    ]
    return make_model(nodes, [tensor("x", [2, 3])], [tensor("y", [2, 3])])


def _gather_indices(value: ir.Value) -> list[int]:
    return value.producer().inputs[1].const_value.numpy().tolist()


def _anchor(model, name):
    return next(n for n in model.graph if n.name == name)


def test_commit_swaps_the_anchor_for_the_new_nodes():
    """Relu(x) as Max(x, 0): same outputs, the anchor gone, the new nodes named after it."""
    model = _model()
    relu = _anchor(model, "relu")
    rw = Rewrite(model.graph, relu)
    zero = rw.const(np.zeros(1), "zero")
    rw.commit(rw.op("Max", [relu.inputs[0], zero], (2, 3)))
    assert op_types(model) == ["Max", "Neg"]
    assert [n.name for n in model.graph][0] == "relu/max0"
    assert zero.name == "relu_zero" and "relu_zero" in model.graph.initializers
    np.testing.assert_array_equal(outputs_of(model, {"x": X})[0], -np.maximum(X, 0))


def test_commit_on_the_graph_output_keeps_its_name_and_shape():
    model = _model()
    last = _anchor(model, "last")
    rw = Rewrite(model.graph, last)
    minus = rw.const(np.array([-1.0]), "minus")
    result = rw.op("Mul", [last.inputs[0], minus])  # no shape given: the anchor's is kept
    rw.commit(result)
    assert [v.name for v in model.graph.outputs] == ["y"]
    assert list(result.shape) == [2, 3] and result.dtype == ir.DataType.FLOAT
    np.testing.assert_array_equal(outputs_of(model, {"x": X})[0], -np.maximum(X, 0))


def test_new_values_are_numbered_and_shaped():
    model = _model()
    rw = Rewrite(model.graph, _anchor(model, "last"))
    a = rw.op("Abs", [model.graph.inputs[0]], [2, 3])
    b = rw.op("Neg", [a])
    assert (a.name, b.name) == ("last_abs0", "last_neg1")
    assert list(a.shape) == [2, 3] and b.shape is None
    assert [n.name for n in rw.nodes] == ["last/abs0", "last/neg1"]


def test_an_anchor_without_name_is_named_after_its_op():
    model = _model()
    relu = _anchor(model, "relu")
    relu.name = None
    assert Rewrite(model.graph, relu).prefix == "relu"


def test_const_types_integers_as_int64_and_the_rest_as_float32():
    model = _model()
    rw = Rewrite(model.graph, _anchor(model, "relu"))
    assert rw.const(np.array([1, 2], np.int32), "i").const_value.dtype == ir.DataType.INT64
    assert rw.const(np.array([0.5]), "f").const_value.dtype == ir.DataType.FLOAT
    assert rw.const(np.array([1], np.uint8), "u").const_value.dtype == ir.DataType.INT64


def test_op_attributes_reach_the_node():
    model = _model()
    rw = Rewrite(model.graph, _anchor(model, "relu"))
    out = rw.op("LeakyRelu", [model.graph.inputs[0]], (2, 3), alpha=0.25)
    assert out.producer().attributes["alpha"].value == 0.25


def test_gather_axis_reindexes_one_axis():
    model = _model(last="Identity")
    last = _anchor(model, "last")
    rw = Rewrite(model.graph, last)
    out, shape = gather_axis(rw, last.inputs[0], (2, 3), 1, [2, 0, 0])
    assert shape == (2, 3)
    rw.commit(out)
    np.testing.assert_array_equal(outputs_of(model, {"x": X})[0], np.maximum(X, 0)[:, [2, 0, 0]])


def test_gather_axis_changes_the_axis_length():
    model = _model()
    rw = Rewrite(model.graph, _anchor(model, "last"))
    out, shape = gather_axis(rw, model.graph.inputs[0], (2, 3), 0, [1])
    assert shape == (1, 3) and list(out.shape) == [1, 3]
    assert _gather_indices(out) == [1]


def test_static_shape():
    value = ir.Value(name="v", shape=ir.Shape([2, 3]))
    assert static_shape(value) == (2, 3)
    assert static_shape(ir.Value(name="d", shape=ir.Shape(["batch", 3]))) is None
    assert static_shape(ir.Value(name="u")) is None
    assert static_shape(None) is None


def test_int_list_and_is_onnx():
    node = ir.node("MaxPool", [ir.Value(name="x")], {"kernel_shape": [3, 3]})
    assert int_list(node, "kernel_shape", None) == [3, 3]
    assert int_list(node, "strides", [1, 1]) == [1, 1]
    assert int_list(node, "pads", None) is None
    assert is_onnx(node, "Conv", "MaxPool") and not is_onnx(node, "Conv")
    custom = ir.node("MaxPool", [ir.Value(name="x")], domain="com.example")
    assert not is_onnx(custom, "MaxPool")
