"""Splits inside a node: each kind of unit cut into tiles on small inline graphs, the pieces run
with onnxruntime and assembled, against the model; interior tiles share one circuit."""

import numpy as np
import onnx
import onnx_ir as ir
import pytest
from onnx import TensorProto, helper, numpy_helper

from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.pieces.build import plan_pieces
from zkc.compiler.pieces.runner import PieceRunner
from zkc.compiler.planning.partition import PartitionPlan, SlicePlan
from zkc.compiler.planning.units import TilePlan, choose_tiles, find_unit

RNG = np.random.default_rng(7)


def _model(nodes, x_shape, y_shape, consts, y="y"):
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info(y, TensorProto.FLOAT, y_shape)],
        [numpy_helper.from_array(v, k) for k, v in consts.items()],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    return onnx.shape_inference.infer_shapes(proto)


def _conv(cin=3, cout=8, hw=12, k=3, stride=1, pad=1, dilation=1, group=1):
    w = RNG.normal(size=(cout, cin // group, k, k)).astype(np.float32)
    b = RNG.normal(size=(cout,)).astype(np.float32)
    out = (hw + 2 * pad - dilation * (k - 1) - 1) // stride + 1
    nodes = [
        helper.make_node(
            "Conv",
            ["x", "w", "b"],
            ["c"],
            name="conv",
            kernel_shape=[k, k],
            strides=[stride] * 2,
            pads=[pad] * 4,
            dilations=[dilation] * 2,
            group=group,
        ),
        helper.make_node("Relu", ["c"], ["y"], name="relu"),
    ]
    return _model(nodes, [1, cin, hw, hw], [1, cout, out, out], {"w": w, "b": b})


def _split(proto, sizes, tmp_path):
    """Run the model's one unit cut into tiles of `sizes`; returns the built pieces."""
    path = tmp_path / "model.onnx"
    onnx.save(proto, str(path))
    model = ir.serde.deserialize_model(proto)
    unit = find_unit(list(model.graph))
    assert unit is not None
    names = [n.name for n in model.graph]
    inputs = [v.name for v in model.graph.inputs if not v.is_initializer()]
    plan = PartitionPlan(
        [
            SlicePlan(
                0,
                0,
                len(names),
                names,
                inputs,
                [unit.output],
                None,
                None,
                TilePlan(unit.kind, sizes, unit.shape),
            )
        ]
    )
    build = plan_pieces(plan, path)
    spec = io_spec(model)
    runner = PieceRunner(build.models(), build.pieces, spec)
    samples = [
        {"x": RNG.normal(size=tuple(spec.inputs[0].shape)).astype(np.float32)} for _ in range(3)
    ]
    runner.check(ReferenceRunner(model), samples)  # raises unless the tiles compute the model
    return build


@pytest.mark.parametrize(
    ("conv", "sizes"),
    [
        (dict(), {1: 4, 2: 3}),  # channel groups x bands, halo rows, edge padding
        (dict(stride=2), {1: 8, 2: 2}),
        (dict(dilation=2, pad=2), {1: 8, 2: 4}),
        (dict(cin=8, cout=8, group=8), {1: 2, 2: 6}),  # depthwise: whole groups per tile
        (dict(cin=8, cout=8, group=4, stride=2, pad=0), {1: 4, 2: 1}),
        (dict(k=5, pad=2, hw=16), {1: 8, 2: 2}),
    ],
)
def test_conv_tiles_compute_the_conv(conv, sizes, tmp_path):
    build = _split(_conv(**conv), sizes, tmp_path)
    assert len(build.pieces) > 1


def test_interior_bands_share_one_circuit(tmp_path):
    build = _split(_conv(cout=4, hw=16), {1: 4, 2: 2}, tmp_path)
    assert len(build.pieces) == 8
    # The request is written in bands too: top, bottom, and one for the six interior bands.
    assert len(build.makers) == 3


def _pool(op, **attrs):
    nodes = [helper.make_node(op, ["x"], ["y"], name="pool", **attrs)]
    k, s, p = attrs["kernel_shape"][0], attrs["strides"][0], attrs.get("pads", [0])[0]
    out = (10 + 2 * p - k) // s + 1
    return _model(nodes, [1, 6, 10, 10], [1, 6, out, out], {})


@pytest.mark.parametrize(
    ("op", "attrs", "sizes"),
    [
        ("AveragePool", dict(kernel_shape=[2, 2], strides=[2, 2]), {1: 3, 2: 1}),
        ("MaxPool", dict(kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1]), {1: 2, 2: 5}),
        ("AveragePool", dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]), {1: 6, 2: 1}),
    ],
)
def test_pool_tiles_keep_the_pools_own_edge_padding(op, attrs, sizes, tmp_path):
    _split(_pool(op, **attrs), sizes, tmp_path)


def test_gemm_output_groups(tmp_path):
    w = RNG.normal(size=(12, 20)).astype(np.float32)
    b = RNG.normal(size=(12,)).astype(np.float32)
    nodes = [
        helper.make_node("Gemm", ["x", "w", "b"], ["g"], name="gemm", transB=1),
        helper.make_node("Relu", ["g"], ["y"], name="relu"),
    ]
    build = _split(_model(nodes, [1, 20], [1, 12], {"w": w, "b": b}), {1: 3}, tmp_path)
    assert len(build.pieces) == 4


def test_element_wise_splits_along_channels_and_rows(tmp_path):
    scale = RNG.normal(size=(6, 1, 1)).astype(np.float32)
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Mul", ["r", "s"], ["y"], name="mul"),
    ]
    _split(_model(nodes, [1, 6, 8, 8], [1, 6, 8, 8], {"s": scale}), {1: 2, 2: 4}, tmp_path)


@pytest.mark.parametrize("sizes", [{2: 2}, {1: 2, 2: 4}, {1: 6, 2: 1}])
def test_concat_along_channels_reads_each_input_in_the_tiles_rows(sizes, tmp_path):
    """A concat heads its unit (fire modules, Inception): a tile reads the rows of each input
    its channels overlap; groups of 2 straddle the 3|3 boundary."""
    scale = RNG.normal(size=(6, 1, 1)).astype(np.float32)
    nodes = [
        helper.make_node("Concat", ["x", "x"], ["c"], name="concat", axis=1),
        helper.make_node("Mul", ["c", "s"], ["y"], name="mul"),
    ]
    build = _split(_model(nodes, [1, 3, 8, 8], [1, 6, 8, 8], {"s": scale}), sizes, tmp_path)
    rows = sizes.get(2, 8)
    assert all(p.box[2][1] - p.box[2][0] == rows for piece in build.pieces for p in piece.inputs)


def test_a_chain_of_conv_gathers_maxpool_and_pad_is_tiled_whole(tmp_path):
    """conv -> relu -> edge padding by Gathers -> MaxPool -> zero Pad: every op re-run on the
    boxes its successors need."""
    w = RNG.normal(size=(4, 3, 3, 3)).astype(np.float32)
    rows = np.array([0, *range(10), 9], np.int64)
    nodes = [
        helper.make_node(
            "Conv",
            ["x", "w"],
            ["c"],
            name="conv",
            kernel_shape=[3, 3],
            pads=[1, 1, 1, 1],
            strides=[1, 1],
        ),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Gather", ["r", "i"], ["g1"], name="g1", axis=2),
        helper.make_node("Gather", ["g1", "i"], ["g2"], name="g2", axis=3),
        helper.make_node("MaxPool", ["g2"], ["m"], name="mp", kernel_shape=[3, 3], strides=[2, 2]),
        helper.make_node("Pad", ["m", "p"], ["y"], name="pad", mode="constant"),
    ]
    consts = {"w": w, "i": rows, "p": np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)}
    proto = _model(nodes, [1, 3, 10, 10], [1, 4, 7, 7], consts)
    build = _split(proto, {1: 2, 2: 1}, tmp_path)
    assert len(build.pieces) == 14


def test_tiles_that_do_not_cover_their_window_are_refused(tmp_path):
    """A part missing from the grid a tile reads is a clear error, not a wrong result."""
    from zkc.compiler.artifacts.facts import PartRef
    from zkc.compiler.errors import ToolError
    from zkc.compiler.pieces.parts import PartIndex

    index = PartIndex(
        [
            PartRef(tensor="t", box=[(0, 1), (0, 4), (0, 2), (0, 8)]),
            PartRef(tensor="t", box=[(0, 1), (0, 4), (4, 6), (0, 8)]),
        ]
    )
    with pytest.raises(ToolError, match="do not cover"):
        index.covering([(0, 1), (0, 4), (1, 5), (0, 8)])


def test_tile_estimate_counts_the_halo_ops_before_the_last_recompute():
    """Conv -> Relu -> Conv, tiles of 8 channels x 1 row: every tile recomputes the first
    conv on all 16 channels over the 3 rows the second reads (the plan's estimate must see
    it: estimated by share of the tile, 1/64 of each op, it was 3.5x below EZKL's rows)."""
    from zkc.compiler.planning.splitter import tile_shares

    w1 = RNG.normal(size=(16, 16, 3, 3)).astype(np.float32)
    w2 = RNG.normal(size=(16, 16, 3, 3)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["a"], name="c1", kernel_shape=[3, 3], pads=[1] * 4),
        helper.make_node("Relu", ["a"], ["r"], name="relu"),
        helper.make_node("Conv", ["r", "w2"], ["y"], name="c2", kernel_shape=[3, 3], pads=[1] * 4),
    ]
    proto = _model(nodes, [1, 16, 32, 32], [1, 16, 32, 32], {"w1": w1, "w2": w2})
    unit = find_unit(list(ir.serde.deserialize_model(proto).graph))
    shares, read = tile_shares(unit, TilePlan(unit.kind, {1: 8, 2: 1}, unit.shape))
    assert shares == pytest.approx([3 / 32, 3 / 32, 1 / 64])  # conv1 and relu: 3 rows, all channels
    assert read == pytest.approx(5 / 32)  # the first conv's window: 5 rows of every channel


def test_among_cuts_with_as_many_tiles_the_fewest_circuits_win(tmp_path):
    # A pool has no weights: tiles of whole bands share one circuit whatever their channels,
    # while bands at the top, middle and bottom differ.
    nodes = [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2])]
    proto = _model(nodes, [1, 6, 12, 12], [1, 6, 6, 6], {})
    unit = find_unit(list(ir.serde.deserialize_model(proto).graph))
    assert unit is not None
    tiles = choose_tiles(unit, lambda plan: 10 if plan.count >= 6 else 11, 10)
    assert tiles is not None and tiles.count == 6 and tiles.sizes == {1: 1, 2: 6}
    assert len(_split(proto, tiles.sizes, tmp_path).makers) == 1
    # With weights every channel group is its own function: whole channels in bands.
    tiles = choose_tiles(
        find_unit(list(ir.serde.deserialize_model(_conv(cout=6)).graph)),
        lambda plan: 10 if plan.count >= 6 else 11,
        10,
    )
    assert tiles is not None and tiles.sizes == {1: 6, 2: 2}
