"""Tile estimates (zkc.compiler.planning.splitter): the share of each op's output the largest
tile computes (halos of earlier ops included), the part of its input it reads, what a tile
links or reads in public, and the fewest tiles that fit a budget (cached per run)."""

import math
from dataclasses import dataclass, field

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import shaped_model
from tests.graphs import tensor
from zkc.compiler.planning.partition import Boundaries, node_view
from zkc.compiler.planning.splitter import Splitter, tile_shares
from zkc.compiler.planning.units import TilePlan, find_unit

RNG = np.random.default_rng(8)


@dataclass
class RecordingCost:
    """1000 rows a conv, 80 any other node; a circuit holds its body, links and public
    elements. Records what each size was asked for."""

    key: str = "rec"
    uniform: bool = False
    min_logrows: int = 1
    asked: list = field(default_factory=list)

    def node_rows(self, node) -> float:
        return 1000.0 if node.op_type == "Conv" else 80.0

    def circuit_size(self, body, link_elements, link_tensors, end_elements, margin=True):
        self.asked.append((body, link_elements, link_tensors, end_elements))
        rows = body + link_elements + end_elements
        return rows, max(self.min_logrows, math.ceil(math.log2(rows + 1)))


def _conv_nodes(source, before=(), after=()):
    w = RNG.normal(size=(8, 4, 3, 3)).astype(np.float32)
    conv = helper.make_node(
        "Conv", [source, "w"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1] * 4
    )
    return [*before, conv, *after], [("w", w)]


def _model(nodes, inits, out_shape):
    return shaped_model(nodes, [tensor("x", [1, 4, 8, 8])], [tensor("y", out_shape)], inits)


def _conv_relu(linked=False):
    """x -> conv -> relu -> y, or x -> softmax -> conv -> relu -> y (the conv reads a link);
    returns the model, its nodes and where the conv's unit starts."""
    first = [helper.make_node("Softmax", ["x"], ["h"], name="pre", axis=1)] if linked else []
    after = [helper.make_node("Relu", ["c"], ["y"], name="relu")]
    nodes, inits = _conv_nodes("h" if linked else "x", first, after)
    model = _model(nodes, inits, [1, 8, 8, 8])
    return model, node_view(model.graph)[0], len(first)


def _splitter(model, nodes, cost):
    prefix = [0.0]
    for node in nodes:
        prefix.append(prefix[-1] + cost.node_rows(node))
    requested = {id(v) for v in model.graph.inputs}
    return Splitter(nodes, cost, prefix, Boundaries(nodes, model.graph), requested)


def test_shares_follow_the_window_each_later_op_reads():
    pool = helper.make_node(
        "MaxPool", ["c"], ["y"], name="pool", kernel_shape=[2, 2], strides=[2, 2]
    )
    nodes, inits = _conv_nodes("x", after=[pool])
    unit = find_unit(list(_model(nodes, inits, [1, 8, 4, 4]).graph))
    shares, read = tile_shares(unit, TilePlan(unit.kind, {1: 8, 2: 1}, unit.shape))
    # one pooled row of 4 reads 2 of the conv's 8 rows, which read 4 of the input's 8
    assert shares == [0.25, 0.25] and read == 0.5
    shares, read = tile_shares(unit, TilePlan(unit.kind, {1: 2, 2: 4}, unit.shape))
    assert shares == [0.25, 0.25] and read == 1.0  # every row, every input channel


def test_a_gemm_tile_reads_its_whole_input_row():
    w = RNG.normal(size=(8, 16)).astype(np.float32)
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["g"], name="gemm", transB=1),
        helper.make_node("Relu", ["g"], ["y"], name="relu"),
    ]
    model = shaped_model(nodes, [tensor("x", [1, 16])], [tensor("y", [1, 8])], [("w", w)])
    unit = find_unit(list(model.graph))
    assert tile_shares(unit, TilePlan("gemm", {1: 2}, unit.shape)) == ([0.25, 0.25], 1.0)


@pytest.mark.parametrize(
    ("linked", "expected"),
    [
        # the request's share is public: 256 elements x 1/2 read; 512 written / 8 tiles linked
        (False, (1080 / 8, 64, 1, 128)),
        # a link read instead: committed, a tensor of its own
        (True, (1080 / 8, 64 + 128, 2, 0)),
    ],
)
def test_a_tiles_estimate_counts_its_share_of_rows_reads_and_writes(linked, expected):
    model, nodes, a = _conv_relu(linked)
    cost = RecordingCost()
    unit = find_unit(nodes[a:])
    tiles = TilePlan(unit.kind, {1: 4, 2: 2}, unit.shape)  # 8 tiles of 4 channels x 2 rows
    rows, logrows = _splitter(model, nodes, cost).estimate(a, a + 2, unit, tiles)
    assert cost.asked == [expected]
    assert rows == sum(expected[:2]) + expected[3] and logrows == math.ceil(math.log2(rows + 1))


def test_the_fewest_tiles_that_fit_cached_per_run_and_budget():
    model, nodes, _ = _conv_relu(linked=True)
    splitter = _splitter(model, nodes, RecordingCost())
    split = splitter(1, 3, 8)  # the unit alone is 1080 rows + 512 written: 2^11
    assert split is not None and split.logrows <= 8 and split.count == split.tiles.count > 1
    assert split.rows == pytest.approx(
        splitter.estimate(1, 3, find_unit(nodes[1:]), split.tiles)[0]
    )
    looser = splitter(1, 3, 10)
    assert looser.count < split.count  # a larger budget needs fewer tiles
    assert splitter(1, 3, 8) is split  # cached
    assert splitter(1, 3, 2) is None  # no tile fits 4 rows
    assert splitter(0, 3, 8) is None  # no tile op computes a Softmax: not a unit
