import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.errors import UnsupportedOpError
from zkc.targets.ezkl.ops import check_ops


def test_unknown_op_names_op_and_node():
    model = make_model(
        [helper.make_node("Hardmax", ["x"], ["y"], name="my_hardmax")],
        [tensor("x", [1, 4])],
        [tensor("y", [1, 4])],
    )
    with pytest.raises(
        UnsupportedOpError, match=r"m.onnx: node 'my_hardmax' \(Hardmax\): op not supported"
    ):
        check_ops(model, "m.onnx")


def test_attribute_limits_refused_with_reason():
    import numpy as np

    pad = make_model(
        [helper.make_node("Pad", ["x", "p"], ["y"], name="pad1", mode="reflect")],
        [tensor("x", [1, 4]), helper.make_tensor_value_info("p", 7, [4])], [tensor("y", [1, 6])],
    )  # fmt: skip
    with pytest.raises(
        UnsupportedOpError, match=r"node 'pad1' \(Pad\): Pad mode 'reflect' needs constant pads"
    ):
        check_ops(pad, "m.onnx")
    conv = make_model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="dil", dilations=[2, 2], strides=[1, 1])],
        [tensor("x", [1, 1, 6, 6]), tensor("W", [1, 1, 3, 3])], [tensor("y", [1, 1, 2, 2])],
    )  # fmt: skip
    with pytest.raises(UnsupportedOpError, match=r"node 'dil' \(Conv\): dilated convolution"):
        check_ops(conv, "m.onnx")
    no_strides = make_model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="c")],
        [tensor("x", [1, 1, 6, 6])], [tensor("y", [1, 1, 4, 4])],
        [("W", np.ones((1, 1, 3, 3), np.float32))],
    )  # fmt: skip
    with pytest.raises(UnsupportedOpError, match=r"node 'c' \(Conv\): no explicit strides"):
        check_ops(no_strides, "m.onnx")
    loop = make_model(
        [helper.make_node("Tile", ["x", "r"], ["y"], name="t")],
        [tensor("x", [1, 4]), helper.make_tensor_value_info("r", 7, [2])], [tensor("y", [1, 8])],
    )  # fmt: skip
    with pytest.raises(
        UnsupportedOpError, match=r"node 't' \(Tile\): only Tile with constant repeats"
    ):
        check_ops(loop, "m.onnx")


def test_supported_graph_passes():
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        [tensor("x", [1, 4])],
        [tensor("y", [1, 4])],
    )
    check_ops(model, "m.onnx")
