"""Window tiles (zkc.compiler.ops.window): a Slice with constant starts, ends and axes and unit
steps, never along the batch, is a window; a tile reads exactly its box shifted by the starts
and adds no node of its own (onnxruntime)."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, node_named, shaped_model, tile_ops
from tests.graphs import tensor
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.window import WindowTiles, window_starts

WINDOW = WindowTiles()


def _slice(starts, ends, axes, steps=None, shape=(1, 6, 8, 8), then_relu=False):
    consts = [("s", starts), ("e", ends), ("a", axes)] + ([("t", steps)] if steps else [])
    inputs = ["x", "s", "e", "a"] + (["t"] if steps else [])
    out = list(shape)
    for s, e, a, t in zip(starts, ends, axes, steps or [1] * len(axes), strict=True):
        s, e = (max(0, v + shape[a]) if v < 0 else min(v, shape[a]) for v in (s, e))
        out[a] = max(0, -(-(e - s) // t))
    nodes = [helper.make_node("Slice", inputs, ["w" if then_relu else "y"], name="slice")]
    if then_relu:
        nodes.append(helper.make_node("Relu", ["w"], ["y"], name="relu"))
    inits = [(n, np.array(v, np.int64)) for n, v in consts]
    return shaped_model(nodes, [tensor("x", list(shape))], [tensor("y", out)], inits)


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (([2], [5], [1]), {1: 2}),
        (([1, 3], [4, 8], [2, -1]), {2: 1, 3: 3}),  # negative axes count from the end
        (([-3], [8], [2]), {2: 5}),  # negative starts too
        (([2], [5], [1], [1]), {1: 2}),  # explicit unit steps
    ],
)
def test_window_starts_of_a_window(args, starts):
    assert window_starts(node_named(_slice(*args), "slice")) == starts


@pytest.mark.parametrize(
    "args",
    [
        ([0], [1], [0], None),  # along the batch
        ([0], [6], [1], [2]),  # a stride
    ],
)
def test_slices_that_are_not_windows(args):
    model = _slice(*args[:3], args[3])
    sliced = node_named(model, "slice")
    assert window_starts(sliced) is None
    assert WINDOW.kind(sliced, tuple(model.graph.outputs[0].shape)) is None


def test_a_slice_without_constant_axes_is_not_a_window():
    node = helper.make_node("Slice", ["x", "s", "e"], ["y"], name="slice")
    inits = [("s", np.array([0, 0, 0, 2], np.int64)), ("e", np.array([1, 6, 8, 6], np.int64))]
    model = shaped_model([node], [tensor("x", [1, 6, 8, 8])], [tensor("y", [1, 6, 8, 4])], inits)
    assert window_starts(node_named(model, "slice")) is None


def test_windows_of_2d_and_4d_tensors_are_slice_units():
    four = _slice([2], [5], [1])
    assert WINDOW.kind(node_named(four, "slice"), (1, 3, 8, 8)) == "slice"
    two = _slice([3], [9], [1], shape=(1, 12))
    assert WINDOW.kind(node_named(two, "slice"), (1, 6)) == "slice"
    three = _slice([1], [3], [1], shape=(1, 4, 5))
    assert WINDOW.kind(node_named(three, "slice"), (1, 2, 5)) is None


def test_input_box_is_the_box_shifted_by_the_starts():
    model = _slice([2, -6], [5, 8], [1, 3])
    box = WINDOW.input_box(
        ModelIndex.of(model), node_named(model, "slice"), [(0, 1), (1, 3), (4, 8), (0, 2)]
    )
    assert box == [(0, 1), (3, 5), (4, 8), (2, 4)]


@pytest.mark.parametrize(
    ("args", "box"),
    [
        (([2], [6], [1]), [(0, 1), (1, 3), (0, 8), (0, 8)]),
        (([1, 2], [7, 8], [2, 3]), [(0, 1), (0, 6), (3, 6), (1, 4)]),
        (([-4], [8], [3]), [(0, 1), (2, 4), (0, 8), (0, 4)]),
    ],
)
def test_a_tile_computes_its_box_of_the_window_and_what_follows(args, box):
    tile = check_tile(_slice(*args, then_relu=True), box)
    assert tile_ops(tile).count("Slice") <= 1  # the window costs no node beyond the read
    assert tile.reads[0].tensor == "x"


def test_a_start_before_the_first_element_is_clamped_like_onnx():
    model = _slice([-100], [3], [1], then_relu=True)
    check_tile(model, [(0, 1), (0, 3), (0, 8), (0, 8)])
