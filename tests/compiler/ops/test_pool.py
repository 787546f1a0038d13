"""Pool tiles (zkc.compiler.ops.pool): bands of MaxPool/AveragePool keep the pool's own padding
where they meet the input's edges (max pools ignore it, average pools may not count it), and
global pools are tiled by channel groups reading their channels whole (onnxruntime)."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, node_named, shaped_model, tile_ops
from tests.graphs import tensor
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.pool import GlobalPoolTiles, PoolTiles

POOL, GLOBAL = PoolTiles(), GlobalPoolTiles()


def _extent(size: int, before: int, after: int, attrs: dict) -> int:
    """A pool's output extent along rows or columns (floor or ceil mode)."""
    span = (attrs["kernel_shape"][0] - 1) * attrs.get("dilations", [1, 1])[0] + 1
    room, stride = size + before + after - span, attrs.get("strides", [1, 1])[0]
    return (-(-room // stride) if attrs.get("ceil_mode", 0) else room // stride) + 1


def _pool(op="MaxPool", hw=9, **attrs):
    top, left, bottom, right = attrs.get("pads", [0, 0, 0, 0])
    out = [1, 4, _extent(hw, top, bottom, attrs), _extent(hw, left, right, attrs)]
    node = helper.make_node(op, ["x"], ["y"], name="pool", **attrs)
    return shaped_model([node], [tensor("x", [1, 4, hw, hw])], [tensor("y", out)])


def test_floor_mode_2d_pools_tile():
    floor = _pool(kernel_shape=[2, 2], strides=[2, 2])
    assert POOL.kind(node_named(floor, "pool"), (1, 4, 4, 4)) == "pool"
    ceil = _pool(kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
    assert POOL.kind(node_named(ceil, "pool"), (1, 4, 5, 5)) is None


def test_read_extent_and_input_box_of_a_band():
    model = _pool(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    pool, index = node_named(model, "pool"), ModelIndex.of(model)
    assert POOL.read_extent(pool, 2, 3) == (5, 3)  # rows (2-1)*2+3, its own channels
    assert POOL.read_extent(pool, 5, 3) == (9, 3)  # clipped to the input's 9 rows
    # output rows 1..3 read input rows 1..5; channels 1..3 read the same channels
    box = POOL.input_box(index, pool, [(0, 1), (1, 3), (1, 3), (0, 5)])
    assert box == [(0, 1), (1, 3), (1, 6), (0, 9)]


@pytest.mark.parametrize(
    ("op", "attrs", "box"),
    [
        ("MaxPool", dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1]), [(0, 1), (0, 2), (0, 2), (0, 9)]),
        ("MaxPool", dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1]), [(0, 1), (2, 4), (7, 9), (0, 9)]),
        ("MaxPool", dict(kernel_shape=[2, 2], strides=[2, 2]), [(0, 1), (1, 3), (1, 3), (0, 4)]),
        (
            "AveragePool",
            dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
            [(0, 1), (0, 4), (0, 2), (0, 5)],
        ),
        (
            "AveragePool",
            dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1),
            [(0, 1), (0, 4), (6, 9), (0, 9)],
        ),
        (
            "MaxPool",
            dict(kernel_shape=[3, 3], dilations=[2, 2], pads=[2, 2, 2, 2]),
            [(0, 1), (0, 4), (3, 6), (0, 9)],
        ),
    ],
)
def test_a_tile_computes_its_box_of_the_pool(op, attrs, box):
    check_tile(_pool(op, **attrs), box)


def test_max_pool_edges_are_not_zero_padded():
    """A band at the top of a max pool over negative inputs: zero padding would win the max."""
    model = _pool(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    x = -1.0 - np.abs(np.random.default_rng(2).normal(size=(1, 4, 9, 9)))
    tile = check_tile(model, [(0, 1), (0, 4), (0, 3), (0, 9)], {"x": x.astype(np.float32)})
    assert tile_ops(tile).count("Pad") == 0
    pool = next(n for n in tile.model().graph if n.op_type == "MaxPool")
    assert list(pool.attributes["pads"].value) == [1, 1, 0, 1]  # top and columns, not bottom


def _global(op="GlobalAveragePool"):
    node = helper.make_node(op, ["x"], ["y"], name="pool")
    return shaped_model([node], [tensor("x", [1, 6, 5, 5])], [tensor("y", [1, 6, 1, 1])])


@pytest.mark.parametrize("op", ["GlobalAveragePool", "GlobalMaxPool"])
def test_global_pools_tile_by_channel_groups(op):
    model = _global(op)
    pool, index = node_named(model, "pool"), ModelIndex.of(model)
    assert GLOBAL.kind(pool, (1, 6, 1, 1)) == "pool"
    assert GLOBAL.read_extent(pool, 1, 2) == (5, 2)  # every row of its channels
    box = [(0, 1), (2, 4), (0, 1), (0, 1)]
    assert GLOBAL.input_box(index, pool, box) == [(0, 1), (2, 4), (0, 5), (0, 5)]
    check_tile(model, box)
