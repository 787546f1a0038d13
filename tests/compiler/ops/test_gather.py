"""Gather tiles (zkc.compiler.ops.gather): a Gather by constant indices along rows or columns
(edge and reflect padding after the pad_modes pass) reads the span its tile's indices pick
and gathers with them shifted into that span (onnxruntime)."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, node_named, shaped_model, tile_ops
from tests.graphs import tensor
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.gather import GatherTiles

GATHER = GatherTiles()
EDGE = np.array([0, *range(8), 7], np.int64)  # edge padding of 8 rows by 1


def _gather(indices=EDGE, axis=2, shape=(1, 3, 8, 8)):
    out = list(shape)
    out[axis] = len(indices)
    node = helper.make_node("Gather", ["x", "i"], ["y"], name="g", axis=axis)
    return shaped_model([node], [tensor("x", list(shape))], [tensor("y", out)], [("i", indices)])


def test_gathers_by_constant_indices_along_a_spatial_axis_tile():
    assert GATHER.kind(node_named(_gather(), "g"), (1, 3, 10, 8)) == "gather"
    assert GATHER.kind(node_named(_gather(axis=3), "g"), (1, 3, 8, 10)) == "gather"
    channels = _gather(np.array([2, 0, 1], np.int64), axis=1)
    assert GATHER.kind(node_named(channels, "g"), (1, 3, 8, 8)) is None
    node = helper.make_node("Gather", ["x", "i"], ["y"], name="g", axis=2)
    by_input = shaped_model(
        [node],
        [tensor("x", [1, 3, 8, 8]), helper.make_tensor_value_info("i", 7, [2])],
        [tensor("y", [1, 3, 2, 8])],
    )
    assert GATHER.kind(node_named(by_input, "g"), (1, 3, 2, 8)) is None


@pytest.mark.parametrize(
    ("rows", "read"),
    [((0, 3), (0, 2)), ((3, 6), (2, 5)), ((8, 10), (7, 8)), ((0, 10), (0, 8))],
)
def test_input_box_is_the_span_of_the_picked_rows(rows, read):
    model = _gather()
    box = [(0, 1), (1, 3), rows, (2, 6)]
    found = GATHER.input_box(ModelIndex.of(model), node_named(model, "g"), box)
    assert found == [(0, 1), (1, 3), read, (2, 6)]


@pytest.mark.parametrize(
    ("indices", "axis", "box"),
    [
        (EDGE, 2, [(0, 1), (0, 3), (0, 3), (0, 8)]),
        (EDGE, 2, [(0, 1), (1, 2), (7, 10), (0, 8)]),
        (EDGE, 3, [(0, 1), (0, 3), (2, 8), (4, 10)]),
        (np.array([1, 0, 1, 2, 3, 4, 5, 6, 7, 6], np.int64), 2, [(0, 1), (0, 3), (0, 4), (0, 8)]),
        (np.array([6, 2, 5, 5], np.int64), 3, [(0, 1), (0, 3), (0, 8), (1, 3)]),  # any order
    ],
)
def test_a_tile_computes_its_box_of_the_gather(indices, axis, box):
    tile = check_tile(_gather(indices, axis), box)
    assert tile_ops(tile).count("Gather") == 1


def test_the_tile_gathers_with_indices_shifted_into_its_span():
    tile = check_tile(_gather(), [(0, 1), (0, 3), (4, 7), (0, 8)])
    local = [
        v.const_value.numpy().tolist()
        for v in tile.model().graph.initializers.values()
        if v.const_value.dtype.name == "INT64" and v.const_value.shape == (3,)
    ]
    assert [0, 1, 2] in local  # model indices 3, 4, 5 read from rows 3..6


def test_negative_indices_are_either_refused_or_tiled_right():
    model = _gather(np.array([-1, 0, -2], np.int64))
    if GATHER.kind(node_named(model, "g"), (1, 3, 3, 8)) is None:
        return  # refusing them is a fix too
    check_tile(model, [(0, 1), (0, 3), (0, 3), (0, 8)])
