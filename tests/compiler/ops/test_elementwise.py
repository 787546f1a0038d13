"""Element-wise tiles (zkc.compiler.ops.elementwise): a tile computes its box from the same box of
each operand: the running tensor, a constant cut to the box, or a window of a same-shaped
tensor made earlier; attributes kept (onnxruntime)."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, node_named, shaped_model
from tests.graphs import tensor
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.elementwise import ELEMENTWISE, ElementwiseTiles

RNG = np.random.default_rng(4)
ELEMENTS = ElementwiseTiles()
SHAPE = [1, 4, 6, 5]


def _chain(*nodes, inits=(), shape=SHAPE):
    return shaped_model(list(nodes), [tensor("x", shape)], [tensor("y", shape)], list(inits))


def test_outputs_of_2_to_4_axes_tile():
    relu = node_named(_chain(helper.make_node("Relu", ["x"], ["y"], name="op")), "op")
    assert [ELEMENTS.kind(relu, (1,) * n) for n in range(1, 6)] == [
        None,
        "elementwise",
        "elementwise",
        "elementwise",
        None,
    ]
    assert {"Relu", "Add", "Mul", "Clip", "Sum"} <= ELEMENTWISE and "Softmax" not in ELEMENTWISE


def test_input_box_is_the_box_itself():
    model = _chain(helper.make_node("Relu", ["x"], ["y"], name="op"))
    box = [(0, 1), (1, 3), (2, 5), (0, 5)]
    assert ELEMENTS.input_box(ModelIndex.of(model), node_named(model, "op"), box) == box
    assert ELEMENTS.read_extent(node_named(model, "op"), 4, 2) == (4, 2)
    assert ELEMENTS.read_extent(node_named(model, "op"), 9, 2) == (6, 2)  # clipped


def _mixed():
    """Relu, then constants broadcast per channel and per element, then the input again."""
    per_channel = RNG.normal(size=(4, 1, 1)).astype(np.float32)
    per_element = RNG.normal(size=(1, 4, 6, 5)).astype(np.float32)
    return _chain(
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Mul", ["r", "c"], ["m"], name="mul"),
        helper.make_node("Sub", ["e", "m"], ["s"], name="sub"),  # the running tensor second
        helper.make_node("Add", ["s", "x"], ["a"], name="add"),  # a model tensor read again
        helper.make_node("LeakyRelu", ["a"], ["y"], name="leaky", alpha=0.3),
        inits=[("c", per_channel), ("e", per_element)],
    )


@pytest.mark.parametrize(
    "box",
    [
        [(0, 1), (0, 4), (0, 6), (0, 5)],
        [(0, 1), (1, 3), (2, 5), (0, 5)],
        [(0, 1), (3, 4), (5, 6), (1, 4)],
    ],
)
def test_a_tile_computes_its_box_of_the_chain(box):
    tile = check_tile(_mixed(), box)
    assert [p.tensor for p in tile.reads] == ["x"]  # read once, used by the Relu and the Add
    inits = tile.model().graph.initializers.values()
    shapes = sorted(
        tuple(v.const_value.shape) for v in inits if v.const_value.dtype.name == "FLOAT"
    )
    size = tuple(b - a for a, b in box)
    assert shapes == sorted([(size[1], 1, 1), size])  # both constants cut to the box


def test_attributes_are_kept_on_the_tile():
    model = _chain(
        helper.make_node("HardSigmoid", ["x"], ["h"], name="hs", alpha=0.5, beta=0.1),
        helper.make_node("Elu", ["h"], ["y"], name="elu", alpha=2.0),
        shape=[1, 8],
    )
    check_tile(model, [(0, 1), (2, 6)], {"x": RNG.normal(size=(1, 8)).astype(np.float32) * 4})


def test_an_absent_optional_input_stays_absent_on_the_tile():
    model = _chain(
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Clip", ["r", "", "hi"], ["y"], name="clip"),
        inits=[("hi", np.array(0.5, np.float32))],
    )
    check_tile(model, [(0, 1), (0, 2), (0, 3), (0, 5)])
