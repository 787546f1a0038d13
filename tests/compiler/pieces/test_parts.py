"""Parts and tile graphs (zkc.compiler.pieces.parts): the parts covering a window (refused when
they do not), a window assembled from a grid of parts (onnxruntime), canonical names and
signatures that identify what a tile graph computes, and constants cut to a box."""

import numpy as np
import pytest

from zkc.compiler.artifacts.facts import PartRef
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.errors import ToolError
from zkc.compiler.pieces.parts import PartIndex, TileGraph, assemble, const_cut, slice_const
from zkc.compiler.target.chain import cut_part

RNG = np.random.default_rng(6)
ROWS, COLS = [(0, 3), (3, 4), (4, 8)], [(0, 2), (2, 6)]  # an uneven 3 x 2 grid of [1, 2, 8, 6]


def _grid(rows=ROWS, cols=COLS, skip=()):
    return [
        PartRef(tensor="t", box=[(0, 1), (0, 2), r, c])
        for r in rows
        for c in cols
        if (r, c) not in skip
    ]


def test_the_parts_covering_a_window():
    index = PartIndex(_grid())
    assert [p.box[2:] for p in index.covering([(0, 1), (0, 2), (1, 3), (0, 2)])] == [
        [(0, 3), (0, 2)]
    ]
    found = index.covering([(0, 1), (0, 1), (2, 5), (1, 3)])
    assert [tuple(p.box[2:]) for p in found] == [
        ((0, 3), (0, 2)),
        ((0, 3), (2, 6)),
        ((3, 4), (0, 2)),
        ((3, 4), (2, 6)),
        ((4, 8), (0, 2)),
        ((4, 8), (2, 6)),
    ]
    assert len(index.covering([(0, 1), (0, 2), (0, 8), (0, 6)])) == 6


@pytest.mark.parametrize(
    ("parts", "window"),
    [
        (_grid(skip=[((3, 4), (2, 6))]), [(0, 1), (0, 2), (2, 5), (0, 6)]),  # a missing cell
        (_grid(), [(0, 1), (0, 2), (6, 9), (0, 6)]),  # past the last row
        (_grid(rows=[(0, 3), (4, 8)]), [(0, 1), (0, 2), (2, 5), (0, 6)]),  # a gap between rows
        (_grid(), [(0, 1), (1, 3), (0, 2), (0, 6)]),  # channels no part holds
    ],
)
def test_a_window_the_parts_do_not_cover_is_refused(parts, window):
    with pytest.raises(ToolError, match=r"the parts written of t do not cover the window"):
        PartIndex(parts).covering(window)


@pytest.mark.parametrize(
    "window",
    [
        [(0, 1), (0, 2), (2, 5), (1, 4)],  # across every row part and both column parts
        [(0, 1), (1, 2), (3, 4), (2, 6)],  # exactly one part
        [(0, 1), (0, 2), (0, 8), (0, 6)],  # the whole tensor: no Slice
        [(0, 1), (0, 2), (4, 8), (0, 5)],
    ],
)
def test_assembling_parts_reproduces_the_window(window):
    tensor = RNG.normal(size=(1, 2, 8, 6)).astype(np.float32)
    parts = PartIndex(_grid()).covering(window)
    graph = TileGraph()
    names = [graph.part_input(p) for p in parts]
    out = assemble(graph, parts, names, window)
    shape = [b - a for a, b in window]
    model = graph.to_model([out], [shape], 17)
    feeds = {n: cut_part(tensor, p) for n, p in zip(names, parts, strict=True)}
    got = ReferenceRunner(model).run(feeds)["out_0"]
    np.testing.assert_array_equal(got, tensor[tuple(slice(a, b) for a, b in window)])
    ops = [n.op_type for n in model.graph]
    union = all(
        (min(p.box[a][0] for p in parts), max(p.box[a][1] for p in parts)) == window[a]
        for a in range(4)
    )
    assert ("Slice" in ops) != union  # sliced only when the parts reach past the window
    rows, cols = len({p.box[2] for p in parts}), len({p.box[3] for p in parts})
    assert ops.count("Concat") == (cols > 1) * rows + (rows > 1)  # along columns, then rows


def _relu_graph(alpha=None, weights=1.0):
    graph = TileGraph()
    x = graph.part_input(PartRef(tensor="t", box=[(0, 1), (0, 4)]))
    w = graph.const(np.full((1, 4), weights, np.float32))
    attrs = {} if alpha is None else {"alpha": alpha}
    out = graph.op("LeakyRelu" if alpha else "Relu", [graph.op("Mul", [x, w])], **attrs)
    return graph, out


def test_graphs_are_named_canonically():
    graph, out = _relu_graph()
    model = graph.to_model([out], [[1, 4]], 17)
    assert [v.name for v in model.graph.inputs] == ["in_0"]
    assert [v.name for v in model.graph.outputs] == ["out_0"]
    assert [n.name for n in model.graph] == ["n0", "n1", "n2"]
    assert list(model.graph.initializers) == ["c1"]
    assert [n.op_type for n in model.graph] == ["Mul", "Relu", "Identity"]


def test_signatures_identify_the_function_a_graph_computes():
    same = [g.signature(o) for g, o in (_relu_graph(), _relu_graph())]
    assert same[0] == same[1]
    assert _relu_graph(weights=2.0)[0].signature("t3") != same[0]  # other constant bytes
    assert _relu_graph(alpha=0.1)[0].signature("t3") != _relu_graph(alpha=0.2)[0].signature("t3")


def test_keyed_constants_are_built_only_with_the_model():
    calls = []

    def weights():
        calls.append(1)
        return np.ones((2, 2), np.float32)

    graph = TileGraph()
    graph.op("Relu", [graph.const(weights, key=("w", "cut"))])
    other = TileGraph()
    other.op("Relu", [other.const(lambda: np.zeros((2, 2), np.float32), key=("w", "cut"))])
    assert graph.signature("t2") == other.signature("t2")  # the key names it, not its bytes
    assert calls == []
    _, _, initializers = graph.to_ir()
    assert calls == [1] and initializers[0].const_value.numpy().tolist() == [[1, 1], [1, 1]]


def test_constants_are_cut_to_a_box_where_they_are_not_broadcast():
    per_channel = np.arange(6, dtype=np.float32).reshape(6, 1, 1)
    box = [(0, 1), (2, 5), (1, 3), (0, 4)]
    assert const_cut(per_channel.shape, box, 4) == ((2, 5), None, None)
    assert slice_const(per_channel, box, 4).reshape(-1).tolist() == [2, 3, 4]
    full = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4)
    assert const_cut(full.shape, box[:1] + [(0, 2), (1, 3), (0, 4)], 4) == (
        None,
        (0, 2),
        (1, 3),
        (0, 4),
    )
    bias = np.arange(8, dtype=np.float32)
    assert slice_const(bias, [(0, 1), (3, 6)], 2).tolist() == [3, 4, 5]
