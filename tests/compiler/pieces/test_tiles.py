"""Tile models (zkc.compiler.pieces.tiles): a tile of a unit computes exactly the matching box of
the whole model's output (onnxruntime), reads the windows its ops' receptive fields need,
writes its box in the parts asked for, and tiles of one function share a signature."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, random_feeds, shaped_model, tile_of
from tests.graphs import tensor
from zkc.compiler.artifacts.facts import PartRef
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.pieces.parts import PartIndex
from zkc.compiler.pieces.tiles import describe_tile, pointwise, tile_windows
from zkc.compiler.target.chain import cut_part

RNG = np.random.default_rng(10)


def _conv_chain(second_conv=False):
    """conv (pad 1) -> relu -> maxpool 2x2, or conv -> relu -> conv, on [1, 3, 8, 8]."""
    w1 = RNG.normal(size=(4, 3, 3, 3)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c"], name="c1", kernel_shape=[3, 3], pads=[1] * 4),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
    ]
    inits, out = [("w1", w1)], [1, 4, 4, 4]
    if second_conv:
        inits.append(("w2", RNG.normal(size=(4, 4, 3, 3)).astype(np.float32)))
        attrs = dict(kernel_shape=[3, 3], pads=[1] * 4)
        nodes.append(helper.make_node("Conv", ["r", "w2"], ["y"], name="c2", **attrs))
        out = [1, 4, 8, 8]
    else:
        attrs = dict(kernel_shape=[2, 2], strides=[2, 2])
        nodes.append(helper.make_node("MaxPool", ["r"], ["y"], name="pool", **attrs))
    return shaped_model(nodes, [tensor("x", [1, 3, 8, 8])], [tensor("y", out)], inits)


@pytest.mark.parametrize(
    ("second_conv", "box"),
    [
        (False, [(0, 1), (0, 4), (0, 1), (0, 4)]),
        (False, [(0, 1), (1, 3), (1, 3), (0, 4)]),
        (False, [(0, 1), (2, 4), (3, 4), (0, 4)]),
        (True, [(0, 1), (0, 4), (0, 2), (0, 8)]),
        (True, [(0, 1), (2, 4), (3, 6), (0, 8)]),
        (True, [(0, 1), (0, 2), (7, 8), (0, 8)]),
    ],
)
def test_a_tile_computes_the_matching_box_of_the_models_output(second_conv, box):
    check_tile(_conv_chain(second_conv), box)


def test_windows_read_are_the_receptive_fields_through_the_chain():
    index = ModelIndex.of(_conv_chain(second_conv=True))
    # output rows 3..5 of the second conv read rows 2..6 of the first, which read rows 1..7
    windows = tile_windows(index, ["c1", "relu", "c2"], [(0, 1), (0, 4), (3, 6), (0, 8)])
    assert windows == [("x", [(0, 1), (0, 3), (1, 8), (0, 8)])]
    top = tile_windows(index, ["c1", "relu", "c2"], [(0, 1), (0, 4), (0, 1), (0, 8)])
    assert top == [("x", [(0, 1), (0, 3), (0, 3), (0, 8)])]


def test_pointwise_chains_are_element_wise_ops_only():
    index = ModelIndex.of(_conv_chain())
    assert pointwise(index, ["relu"])
    assert not pointwise(index, ["c1", "relu"])
    assert not pointwise(index, ["relu", "pool"])


def _relu_mul():
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Mul", ["r", "s"], ["y"], name="mul"),
    ]
    s = RNG.normal(size=(4, 1, 1)).astype(np.float32)
    return shaped_model(nodes, [tensor("x", [1, 4, 6, 6])], [tensor("y", [1, 4, 6, 6])], [("s", s)])


def _parts_of(model, tensor_name, rows):
    shape = ModelIndex.of(model).shapes[tensor_name]
    return [
        PartRef(tensor=tensor_name, box=[(0, 1), (0, shape[1]), r, (0, shape[3])]) for r in rows
    ]


@pytest.mark.parametrize(("model", "names"), [(_relu_mul, ["relu", "mul"]), (_conv_chain, None)])
def test_a_tile_writes_its_box_in_the_parts_asked_for(model, names):
    model = model()
    index = ModelIndex.of(model)
    names = names or [n.name for n in model.graph]
    output = model.graph.outputs[0].name
    rows = index.shapes[output][2]
    writes = _parts_of(model, output, [(0, 1), (1, rows)])
    box = [(0, 1), (0, index.shapes[output][1]), (0, rows), (0, index.shapes[output][3])]
    written = {"x": PartIndex(_parts_of(model, "x", [(0, 8 if names[0] == "c1" else 6)]))}
    tile = describe_tile(index, names, box, written, writes)
    assert tile.writes == writes
    feeds = random_feeds(model)
    reads = {f"in_{k}": cut_part(feeds[p.tensor], p) for k, p in enumerate(tile.reads)}
    got = ReferenceRunner(tile.model()).run(reads)
    expected = ReferenceRunner(model).run(feeds)[output]
    for k, part in enumerate(writes):
        np.testing.assert_allclose(got[f"out_{k}"], cut_part(expected, part), rtol=1e-5)
    ops = [n.op_type for n in tile.model().graph]
    # element-wise chains compute each part on its own; others compute their box once
    assert ops.count("Relu") == (1 if names[0] == "c1" else 2)


def test_tiles_of_one_function_share_a_signature():
    model = _relu_mul()
    parts = _parts_of(model, "x", [(0, 2), (2, 4), (4, 6)])
    written = {"x": PartIndex(parts)}
    index = ModelIndex.of(model)

    def signature(rows, channels=(0, 4)):
        box = [(0, 1), channels, rows, (0, 6)]
        return describe_tile(index, ["relu", "mul"], box, written, [PartRef(tensor="y", box=box)])

    band = [signature(r) for r in [(0, 2), (2, 4), (4, 6)]]
    assert len({t.signature for t in band}) == 1  # the same shapes, one part each
    assert signature((0, 4)).signature != band[0].signature  # another shape
    assert signature((0, 2), (0, 2)).signature != signature((0, 2), (2, 4)).signature  # scales


def test_what_a_tile_cannot_read_or_compute_is_an_error():
    model = _relu_mul()
    box = [(0, 1), (0, 4), (0, 6), (0, 6)]
    with pytest.raises(ToolError, match="a tile reads 'x', which no earlier piece writes"):
        describe_tile(ModelIndex.of(model), ["relu", "mul"], box, {}, [])
    nodes = [helper.make_node("Softmax", ["x"], ["y"], name="soft", axis=1)]
    soft = shaped_model(nodes, [tensor("x", [1, 4, 6, 6])], [tensor("y", [1, 4, 6, 6])])
    with pytest.raises(
        ToolError, match=r"node 'soft' \(Softmax\) is in a tile but cannot be tiled"
    ):
        tile_of(soft, box)
