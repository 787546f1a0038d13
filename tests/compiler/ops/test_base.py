"""The helpers every op family shares (zkc.compiler.ops.base): constants, static shapes,
attributes with their defaults, absent optional inputs, clipping, and a tile's main input."""

import numpy as np
from onnx import helper

from tests.compiler.ops.tile_check import node_named, shaped_model
from tests.graphs import make_model, tensor
from zkc.compiler.ops.base import (
    array,
    attrs,
    clipped,
    input_name,
    int_attr,
    ints_attr,
    is_const,
    main_input,
    name_of,
    static,
)


def _clip_model():
    """x -> Clip(x, "", max) -> Mul(., k), k a Constant node: an absent input, two constants."""
    k = helper.make_tensor("kv", 1, [1], [2.0])
    nodes = [
        helper.make_node("Constant", [], ["k"], name="const", value=k),
        helper.make_node("Clip", ["x", "", "mx"], ["c"], name="clip"),
        helper.make_node("Mul", ["c", "k"], ["y"], name="mul"),
    ]
    inits = [("mx", np.array(0.5, np.float32))]
    return make_model(nodes, [tensor("x", [1, 2, 4, 4])], [tensor("y", [1, 2, 4, 4])], inits)


def test_constants_are_initializers_constant_nodes_and_absent_inputs():
    model = _clip_model()
    clip, mul = node_named(model, "clip"), node_named(model, "mul")
    assert is_const(clip.inputs[2])  # an initializer
    assert is_const(mul.inputs[1])  # a Constant node's output
    assert is_const(clip.inputs[1]) and clip.inputs[1] is None  # an absent optional input
    assert not is_const(clip.inputs[0])  # the graph input
    assert not is_const(mul.inputs[0])  # an activation
    assert array(clip.inputs[2]).tolist() == 0.5
    assert array(mul.inputs[1]).tolist() == [2.0]
    assert array(clip.inputs[0]) is None


def test_absent_optional_inputs_have_no_name():
    clip = node_named(_clip_model(), "clip")
    assert input_name(clip, 0) == "x"
    assert input_name(clip, 1) is None  # "" in the file
    assert input_name(clip, 2) == "mx"
    assert input_name(clip, 7) is None  # past the inputs the node has
    assert name_of(None) == "" and name_of(clip.inputs[2]) == "mx"


def test_static_shapes_only_when_every_dimension_is_known():
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [tensor("x", ["n", 3])],
        [tensor("y", [2, 3])],
    )
    relu = node_named(model, "relu")
    assert static(relu.inputs[0]) is None
    assert static(relu.outputs[0]) == (2, 3)
    assert static(None) is None


def test_attributes_and_their_defaults():
    node = helper.make_node(
        "MaxPool", ["x"], ["y"], name="mp", kernel_shape=[3, 2], strides=[2, 1], ceil_mode=0
    )
    model = make_model([node], [tensor("x", [1, 1, 7, 7])], [tensor("y", [1, 1, 3, 6])])
    mp = node_named(model, "mp")
    assert int_attr(mp, "ceil_mode", 5) == 0  # set: its value, not the default
    assert int_attr(mp, "storage_order", 5) == 5
    assert ints_attr(mp, "strides", [1, 1]) == [2, 1]
    default = [0, 0, 0, 0]
    got = ints_attr(mp, "pads", default)
    assert got == default and got is not default  # a copy callers may change
    found = attrs(mp)
    assert found == {"kernel_shape": [3, 2], "strides": [2, 1], "ceil_mode": 0}
    assert isinstance(found["kernel_shape"], list)  # repeated attributes as lists


def test_clipped_bounds_rows_by_the_input_only_for_4d_inputs():
    conv = shaped_model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[3, 3])],
        [tensor("x", [1, 2, 5, 5])],
        [tensor("y", [1, 4, 3, 3])],
        [("w", np.ones((4, 2, 3, 3), np.float32))],
    )
    assert clipped(node_named(conv, "conv"), 9, 2) == (5, 2)
    assert clipped(node_named(conv, "conv"), 4, 2) == (4, 2)
    gemm = make_model(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
        [tensor("x", [1, 3])],
        [tensor("y", [1, 2])],
        [("w", np.ones((3, 2), np.float32))],
    )
    assert clipped(node_named(gemm, "mm"), 9, 7) == (9, 7)


class _Reads:
    """A TileWriter that only records the windows read (main_input's one call on it)."""

    def __init__(self):
        self.reads = []

    def read(self, tensor_name, window):
        self.reads.append((tensor_name, window))
        return f"read:{tensor_name}"


def test_main_input_is_the_running_result_or_a_window_of_the_first_input():
    mul = node_named(_clip_model(), "mul")
    writer = _Reads()
    window = [(0, 1), (0, 2), (1, 3), (0, 4)]
    assert main_input(writer, mul, window, "t7") == "t7"
    assert writer.reads == []  # the previous op's result: nothing read
    assert main_input(writer, mul, window, None) == "read:c"
    assert writer.reads == [("c", window)]
