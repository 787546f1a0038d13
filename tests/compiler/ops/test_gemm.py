"""Gemm and MatMul tiles (zkc.compiler.ops.gemm): a tile computes a group of output columns from
the whole input row, with those columns' weights, bias, alpha and beta (onnxruntime)."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, node_named, shaped_model
from tests.graphs import tensor
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.gemm import GemmTiles

RNG = np.random.default_rng(9)
GEMM = GemmTiles()


def _gemm(trans_b=1, bias=(8,), **attrs):
    w = RNG.normal(size=(8, 5) if trans_b else (5, 8)).astype(np.float32)
    inits = [("w", w)]
    inputs = ["x", "w"]
    if bias is not None:
        inits.append(("b", RNG.normal(size=bias).astype(np.float32)))
        inputs.append("b")
    node = helper.make_node("Gemm", inputs, ["y"], name="op", transB=trans_b, **attrs)
    return shaped_model([node], [tensor("x", [1, 5])], [tensor("y", [1, 8])], inits)


def _matmul():
    node = helper.make_node("MatMul", ["x", "w"], ["y"], name="op")
    w = RNG.normal(size=(5, 8)).astype(np.float32)
    return shaped_model([node], [tensor("x", [1, 5])], [tensor("y", [1, 8])], [("w", w)])


def test_products_by_constant_weights_tile():
    assert GEMM.kind(node_named(_gemm(), "op"), (1, 8)) == "gemm"
    assert GEMM.kind(node_named(_matmul(), "op"), (1, 8)) == "gemm"
    assert GEMM.kind(node_named(_gemm(), "op"), (1, 2, 4)) is None  # not 2-D
    node = helper.make_node("Gemm", ["w", "x"], ["y"], name="op", transA=1)
    trans_a = shaped_model(
        [node], [tensor("x", [5, 8])], [tensor("y", [1, 8])], [("w", np.ones((5, 1), np.float32))]
    )
    assert GEMM.kind(node_named(trans_a, "op"), (1, 8)) is None
    node = helper.make_node("MatMul", ["x", "w"], ["y"], name="op")
    by_input = shaped_model(
        [node], [tensor("x", [1, 5]), tensor("w", [5, 8])], [tensor("y", [1, 8])]
    )
    assert GEMM.kind(node_named(by_input, "op"), (1, 8)) is None


def test_a_tile_reads_the_whole_input_row():
    model = _gemm()
    gemm = node_named(model, "op")
    assert GEMM.read_extent(gemm, 1, 2) == (1, 5)
    assert GEMM.input_box(ModelIndex.of(model), gemm, [(0, 1), (2, 4)]) == [(0, 1), (0, 5)]


@pytest.mark.parametrize(
    ("model", "columns"),
    [
        (lambda: _gemm(), (0, 3)),
        (lambda: _gemm(), (6, 8)),
        (lambda: _gemm(trans_b=0), (2, 5)),
        (lambda: _gemm(bias=(1, 8), alpha=0.5, beta=2.0), (4, 8)),
        (lambda: _gemm(bias=(1,), beta=3.0), (1, 3)),  # a bias broadcast to every column
        (lambda: _gemm(bias=None), (0, 4)),
        (_matmul, (3, 7)),
    ],
)
def test_a_tile_computes_its_columns(model, columns):
    tile = check_tile(model(), [(0, 1), columns])
    inits = tile.model().graph.initializers.values()
    width = columns[1] - columns[0]
    assert any(width in v.const_value.shape and 5 in v.const_value.shape for v in inits)
    assert not any(8 in v.const_value.shape for v in inits)  # no other column's weights
