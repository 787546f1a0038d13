"""Hand-made invalid ONNX models for the fuzz tests (tests/cli/test_fuzz.py)."""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def _vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def _model(nodes, inputs, outputs, inits=(), opset=17) -> bytes:
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return proto.SerializeToString()


def relu_model(shape, elem=F, opset=17) -> bytes:
    return _model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        [_vi("x", shape, elem)],
        [_vi("y", shape, elem)],
        opset=opset,
    )


def crafted_models() -> dict[str, tuple[bytes, str]]:
    """Hand-made invalid models, each with what its one error line must say."""
    return {**_bad_interfaces(), **_bad_graphs()}


def _bad_interfaces() -> dict[str, tuple[bytes, str]]:
    """Models whose inputs, outputs or opset zkc cannot take."""
    const = numpy_helper.from_array(np.ones((1, 3), np.float32))
    return {
        "huge_dims": (relu_model([1, 2**40]), "input 'x' has 1,099,511,627,776 elements"),
        "empty_dims": (relu_model([0, 4]), "input 'x' is empty"),
        "negative_dims": (relu_model([-3, 4]), "negative dimension"),
        "scalar_input": (relu_model([]), "input 'x' is a scalar"),
        "string_input": (
            _model(
                [helper.make_node("Identity", ["x"], ["y"], name="i")],
                [_vi("x", [1, 4], TensorProto.STRING)],
                [_vi("y", [1, 4], TensorProto.STRING)],
            ),
            "element type STRING",
        ),
        "complex_input": (relu_model([1, 4], TensorProto.COMPLEX64), "element type COMPLEX64"),
        "future_opset": (relu_model([1, 4], opset=99), "opset 99 is newer"),
        "no_inputs": (
            _model(
                [helper.make_node("Constant", [], ["y"], name="c", value=const)],
                [],
                [_vi("y", [1, 3])],
            ),
            "no graph inputs",
        ),
        "no_outputs": (
            _model([helper.make_node("Relu", ["x"], ["y"], name="r")], [_vi("x", [1, 4])], []),
            "no graph outputs",
        ),
        "not_a_model": (
            numpy_helper.from_array(np.zeros(3, np.float32)).SerializeToString(),
            "not an ONNX model",
        ),
    }


def _bad_graphs() -> dict[str, tuple[bytes, str]]:
    """Models whose graph onnx's checker or shape inference refuses, named by node."""
    return {
        "missing_input": (
            _model(
                [helper.make_node("Add", ["x", "nope"], ["y"], name="a")],
                [_vi("x", [1, 4])],
                [_vi("y", [1, 4])],
            ),
            "'nope'",
        ),
        "cycle": (
            _model(
                [
                    helper.make_node("Add", ["x", "z"], ["y"], name="a"),
                    helper.make_node("Relu", ["y"], ["z"], name="b"),
                ],
                [_vi("x", [1, 4])],
                [_vi("y", [1, 4])],
            ),
            "topologically sorted",
        ),
        "unknown_op": (
            _model(
                [helper.make_node("Frobnicate", ["x"], ["y"], name="f")],
                [_vi("x", [1, 4])],
                [_vi("y", [1, 4])],
            ),
            "node 'f' (Frobnicate)",
        ),
    } | _bad_nodes()


def _bad_nodes() -> dict[str, tuple[bytes, str]]:
    """Models with one node whose attributes or shapes are wrong."""
    w = numpy_helper.from_array(np.zeros((5, 3), np.float32), "w")
    return {
        "bad_attribute": (
            _model(
                [
                    helper.make_node(
                        "MaxPool", ["x"], ["y"], name="mp", kernel_shape=[2, 2], strides=[0, 0]
                    )
                ],
                [_vi("x", [1, 1, 4, 4])],
                [_vi("y", [1, 1, 2, 2])],
            ),
            "node 'mp' (MaxPool)",
        ),
        "shape_mismatch": (
            _model(
                [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                [_vi("x", [1, 4])],
                [_vi("y", [1, 3])],
                [w],
            ),
            "node 'mm' (MatMul)",
        ),
        "bad_expand": (
            _model(
                [helper.make_node("Expand", ["x", "s"], ["y"], name="ex")],
                [_vi("x", [1, 4])],
                [_vi("y", [1, 4])],
                [numpy_helper.from_array(np.array([3], np.int64), "s")],
            ),
            "node 'ex' (Expand)",
        ),
    }
