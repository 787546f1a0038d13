"""Concat tiles (zkc.compiler.ops.concat): a Concat of activations along channels heads its unit;
a tile reads, of each input its channels overlap, those channels in its rows (onnxruntime)."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, node_named, shaped_model, tile_ops
from tests.graphs import tensor
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.concat import ConcatTiles
from zkc.compiler.pieces.tiles import tile_windows

CONCAT = ConcatTiles()


def _concat(axis=1, const=False):
    """a (3 channels) and b (5 channels) concatenated, then scaled per channel."""
    nodes = [
        helper.make_node("Concat", ["a", "k" if const else "b"], ["c"], name="cat", axis=axis),
        helper.make_node("Mul", ["c", "s"], ["y"], name="mul"),
    ]
    inits = [("s", np.arange(1, 9, dtype=np.float32).reshape(8, 1, 1))]
    if const:
        inits.append(("k", np.ones((1, 5, 4, 6), np.float32)))
    inputs = [tensor("a", [1, 3, 4, 6])] + ([] if const else [tensor("b", [1, 5, 4, 6])])
    return shaped_model(nodes, inputs, [tensor("y", [1, 8, 4, 6])], inits)


def test_concats_of_activations_along_channels_head_units():
    assert CONCAT.kind(node_named(_concat(), "cat"), (1, 8, 4, 6)) == "concat"
    assert CONCAT.kind(node_named(_concat(axis=-3), "cat"), (1, 8, 4, 6)) == "concat"
    assert CONCAT.kind(node_named(_concat(const=True), "cat"), (1, 8, 4, 6)) is None
    rows = shaped_model(
        [helper.make_node("Concat", ["a", "b"], ["y"], name="cat", axis=2)],
        [tensor("a", [1, 3, 4, 6]), tensor("b", [1, 3, 2, 6])],
        [tensor("y", [1, 3, 6, 6])],
    )
    assert CONCAT.kind(node_named(rows, "cat"), (1, 3, 6, 6)) is None


def test_read_extent_is_the_tiles_rows_and_at_most_the_first_inputs_channels():
    cat = node_named(_concat(), "cat")
    assert CONCAT.read_extent(cat, 2, 2) == (2, 2)
    assert CONCAT.read_extent(cat, 2, 8) == (2, 3)


@pytest.mark.parametrize(
    ("box", "reads"),
    [
        ([(0, 1), (0, 2), (0, 4), (0, 6)], ["a"]),  # inside a: one read, no Concat
        ([(0, 1), (4, 8), (1, 3), (0, 6)], ["b"]),  # inside b
        ([(0, 1), (2, 6), (2, 4), (0, 6)], ["a", "b"]),  # straddling the 3|5 boundary
        ([(0, 1), (0, 8), (0, 4), (3, 6)], ["a", "b"]),
    ],
)
def test_a_tile_reads_the_inputs_its_channels_overlap(box, reads):
    tile = check_tile(_concat(), box)
    assert [p.tensor for p in tile.reads] == reads
    assert ("Concat" in tile_ops(tile)) == (len(reads) > 1)


def test_the_windows_read_are_the_overlapping_channels_in_the_tiles_rows():
    model = _concat()
    box = [(0, 1), (2, 6), (1, 3), (2, 5)]
    windows = tile_windows(ModelIndex.of(model), ["cat", "mul"], box)
    assert windows == [
        ("a", [(0, 1), (2, 3), (1, 3), (2, 5)]),  # channel 2 of a
        ("b", [(0, 1), (0, 3), (1, 3), (2, 5)]),  # channels 3..5 are b's 0..2
    ]
