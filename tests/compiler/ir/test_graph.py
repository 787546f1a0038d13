"""IR helpers passes share: constants, bypassing a node, new initializers, the graph signature."""

import numpy as np
import onnx_ir as ir
from onnx import helper, numpy_helper

from tests.graphs import make_model, op_types, outputs_of, tensor
from zkc.compiler.ir.graph import add_initializer, bypass_node, constant_array, graph_signature

X = np.array([[-1.0, 2.0, -3.0]], np.float32)


def _chain(*ops):
    """x -> ops[0] -> ops[1] -> ... -> y, nodes named after their op in lower case."""
    names = ["x", *[f"t{i}" for i in range(len(ops) - 1)], "y"]
    nodes = [
        helper.make_node(op, [names[i]], [names[i + 1]], name=op.lower())
        for i, op in enumerate(ops)
    ]
    return make_model(nodes, [tensor("x", [1, 3])], [tensor("y", [1, 3])])


def _node(model, name):
    return next(n for n in model.graph if n.name == name)


def test_constant_array_of_initializers_constant_nodes_and_others():
    k = numpy_helper.from_array(np.array([4.0], np.float32), "kv")
    nodes = [
        helper.make_node("Constant", [], ["k"], name="const", value=k),
        helper.make_node("Add", ["x", "k"], ["s"], name="add"),
        helper.make_node("Mul", ["s", "w"], ["y"], name="mul"),
    ]
    model = make_model(
        nodes, [tensor("x", [1])], [tensor("y", [1])], [("w", np.array([3.0], np.float32))]
    )
    add, mul = _node(model, "add"), _node(model, "mul")
    np.testing.assert_array_equal(constant_array(add.inputs[1]), [4.0])
    np.testing.assert_array_equal(constant_array(mul.inputs[1]), [3.0])
    assert constant_array(add.inputs[0]) is None  # a graph input
    assert constant_array(mul.inputs[0]) is None  # computed
    assert constant_array(None) is None


def test_bypass_an_inner_node_rewires_its_users():
    model = _chain("Relu", "Identity", "Neg")
    want = outputs_of(model, {"x": X})
    identity = _node(model, "identity")
    assert bypass_node(model.graph, identity, identity.inputs[0], identity.outputs[0])
    assert op_types(model) == ["Relu", "Neg"]
    np.testing.assert_array_equal(outputs_of(model, {"x": X})[0], want[0])


def test_bypass_a_node_writing_the_graph_output_keeps_the_output_name():
    model = _chain("Relu", "Identity")
    identity = _node(model, "identity")
    assert bypass_node(model.graph, identity, identity.inputs[0], identity.outputs[0])
    assert op_types(model) == ["Relu"]
    assert [v.name for v in model.graph.outputs] == ["y"]
    np.testing.assert_array_equal(outputs_of(model, {"x": X})[0], np.maximum(X, 0))


def test_bypass_between_graph_input_and_output_keeps_the_node():
    model = _chain("Identity")
    identity = _node(model, "identity")
    assert not bypass_node(model.graph, identity, identity.inputs[0], identity.outputs[0])
    assert op_types(model) == ["Identity"]
    assert [v.name for v in model.graph.outputs] == ["y"]


def test_add_initializer_picks_a_free_name():
    model = _chain("Relu")
    first = add_initializer(model.graph, "w", np.ones(2, np.float32))
    second = add_initializer(model.graph, "w", np.zeros(2, np.float32))
    third = add_initializer(model.graph, "w", np.zeros(2, np.float32))
    assert [first.name, second.name, third.name] == ["w", "w_1", "w_2"]
    assert set(model.graph.initializers) == {"w", "w_1", "w_2"}
    np.testing.assert_array_equal(constant_array(first), [1.0, 1.0])


def test_add_initializer_records_shape_and_type():
    model = _chain("Relu")
    floats = add_initializer(model.graph, "f", np.ones((2, 3), np.float32))
    ints = add_initializer(model.graph, "i", np.array([1, 2], np.int64))
    assert (floats.dtype, list(floats.shape)) == (ir.DataType.FLOAT, [2, 3])
    assert (ints.dtype, list(ints.shape)) == (ir.DataType.INT64, [2])


def test_signature_ignores_metadata_and_doc_strings():
    model = _chain("Relu", "Neg")
    before = graph_signature(model)
    model.doc_string = "re-annotated"
    model.graph.doc_string = "by another tool"
    model.metadata_props["tool"] = "x"
    model.graph.node(0).outputs[0].shape = None  # an inferred value info dropped
    assert graph_signature(model) == before


def test_signature_follows_ops_attributes_data_and_interface():
    base = graph_signature(_chain("Relu", "Neg"))
    assert graph_signature(_chain("Relu", "Abs")) != base
    leaky = _chain("LeakyRelu")
    before = graph_signature(leaky)
    leaky.graph.node(0).attributes["alpha"] = ir.AttrFloat32("alpha", 0.2)
    assert graph_signature(leaky) != before
    weighted = _chain("Relu")
    add_initializer(weighted.graph, "w", np.ones(2, np.float32))
    one = graph_signature(weighted)
    weighted.graph.initializers["w"].const_value = ir.tensor(np.zeros(2, np.float32))
    assert graph_signature(weighted) != one
    reshaped = _chain("Relu", "Neg")
    reshaped.graph.inputs[0].shape = ir.Shape([2, 3])
    assert graph_signature(reshaped) != base
