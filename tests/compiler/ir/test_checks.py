"""What load refuses about a model's graph inputs and outputs, each with a message naming the
file and the tensor (check_graph_io, on protos built inline)."""

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.checks import MAX_ELEMENTS, check_graph_io

PATH = Path("m.onnx")


def _proto(inputs, outputs, nodes=None, initializers=(), opset=17, **fields) -> onnx.ModelProto:
    nodes = nodes if nodes is not None else [helper.make_node("Identity", ["x"], ["y"])]
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], **fields)


def _info(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def _refused(proto, message):
    with pytest.raises(UserInputError, match=message) as info:
        check_graph_io(proto, PATH)
    assert str(info.value).startswith("m.onnx: ")


@pytest.mark.parametrize(
    "elem",
    [
        TensorProto.FLOAT,
        TensorProto.FLOAT16,
        TensorProto.INT64,
        TensorProto.UINT8,
        TensorProto.BOOL,
    ],
)
def test_inputs_zkc_can_feed_pass(elem):
    check_graph_io(_proto([_info("x", ["batch", 3], elem)], [_info("y", ["batch", 3], elem)]), PATH)


def test_an_unknown_rank_passes():
    check_graph_io(_proto([_info("x", None)], [_info("y", None)]), PATH)


def test_constant_outputs_alone_are_refused():
    weight = numpy_helper.from_array(np.ones(3, np.float32), "x")
    proto = _proto([_info("x", [3])], [_info("y", [3])], initializers=[weight])
    _refused(proto, r"the model has no graph inputs \(its outputs are constants")


def test_no_outputs_are_refused():
    _refused(_proto([_info("x", [3])], [], nodes=[]), "the model has no graph outputs")


def test_a_string_input_is_refused():
    proto = _proto([_info("x", [3], TensorProto.STRING)], [_info("y", [3], TensorProto.STRING)])
    _refused(proto, "input 'x' has element type STRING; zkc takes float, integer and boolean")


def test_an_undefined_element_type_is_refused():
    proto = _proto([_info("x", [3], TensorProto.UNDEFINED)], [_info("y", [3])])
    _refused(proto, "input 'x' has element type undefined")


def test_a_scalar_input_is_refused_with_a_hint():
    _refused(
        _proto([_info("x", [])], [_info("y", [])]),
        r"input 'x' is a scalar \(rank 0\); give it shape \[1\]",
    )


def test_a_scalar_output_passes():
    nodes = [helper.make_node("ReduceSum", ["x"], ["y"], keepdims=0)]
    check_graph_io(_proto([_info("x", [3])], [_info("y", [])], nodes=nodes), PATH)


def test_a_negative_dimension_is_refused():
    _refused(
        _proto([_info("x", [1, -3])], [_info("y", [1, 3])]),
        r"input 'x' has a negative dimension \[1, -3\]",
    )


def test_an_empty_output_is_refused():
    _refused(
        _proto([_info("x", [1, 3])], [_info("y", [0, 3])]),
        r"output 'y' is empty \(shape \[0, 3\]\)",
    )


def test_a_huge_input_is_refused():
    side = int(np.sqrt(MAX_ELEMENTS)) * 2
    proto = _proto([_info("x", [side, side])], [_info("y", [side, side])])
    _refused(proto, f"input 'x' has {side * side:,} elements .*at most {MAX_ELEMENTS:,} per tensor")


def test_symbolic_dimensions_count_as_one():
    side = int(np.sqrt(MAX_ELEMENTS))
    check_graph_io(_proto([_info("x", ["n", side, side])], [_info("y", ["n", side, side])]), PATH)
    big = _proto([_info("x", ["n", side, 2 * side])], [_info("y", ["n", side, 2 * side])])
    _refused(big, f"input 'x' has {2 * side * side:,} elements")


def test_a_sequence_input_is_refused():
    seq = helper.make_tensor_sequence_value_info("x", TensorProto.FLOAT, [3])
    _refused(_proto([seq], [_info("y", [3])]), "input 'x' is not a tensor")


def test_a_newer_opset_than_onnx_knows_is_refused():
    newest = onnx.defs.onnx_opset_version()
    proto = _proto([_info("x", [3])], [_info("y", [3])], opset=newest + 1)
    _refused(proto, f"opset {newest + 1} is newer than the newest this onnx knows \\({newest}\\)")


def test_a_custom_domain_opset_is_not_compared():
    proto = _proto([_info("x", [3])], [_info("y", [3])])
    proto.opset_import.append(helper.make_opsetid("com.example", 99))
    check_graph_io(proto, PATH)


def test_metadata_that_is_not_utf8_is_refused():
    proto = _proto([_info("x", [3])], [_info("y", [3])], producer_name="PRODUCERX")
    data = proto.SerializeToString().replace(b"PRODUCERX", b"PRODUCER\xff")
    _refused(onnx.ModelProto.FromString(data), "field producer_name is not UTF-8 text")
