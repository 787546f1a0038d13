"""Conv tiles (zkc.compiler.ops.conv): which convs tile, what a band of output reads, and tiles
that compute exactly their box of the conv's output (onnxruntime), zero padding made explicit
only where a band meets the input's edges."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, node_named, shaped_model, tile_ops
from tests.graphs import tensor
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.conv import ConvTiles

RNG = np.random.default_rng(5)
CONV = ConvTiles()


def _conv(cin=4, cout=6, hw=9, k=3, stride=1, pad=1, dilation=1, group=1, bias=True):
    out = (hw + 2 * pad - dilation * (k - 1) - 1) // stride + 1
    inits = [("w", RNG.normal(size=(cout, cin // group, k, k)).astype(np.float32))]
    if bias:
        inits.append(("b", RNG.normal(size=(cout,)).astype(np.float32)))
    node = helper.make_node(
        "Conv",
        ["x", "w", "b"] if bias else ["x", "w"],
        ["y"],
        name="conv",
        kernel_shape=[k, k],
        strides=[stride] * 2,
        pads=[pad] * 4,
        dilations=[dilation] * 2,
        group=group,
    )
    return shaped_model(
        [node], [tensor("x", [1, cin, hw, hw])], [tensor("y", [1, cout, out, out])], inits
    )


def test_only_2d_convs_by_constant_weights_tile():
    model = _conv()
    assert CONV.kind(node_named(model, "conv"), (1, 6, 9, 9)) == "conv"
    assert CONV.kind(node_named(model, "conv"), (1, 6, 9)) is None  # a 1-D conv's output
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[1, 1])
    by_input = shaped_model(
        [node], [tensor("x", [1, 2, 3, 3]), tensor("w", [2, 2, 1, 1])], [tensor("y", [1, 2, 3, 3])]
    )
    assert CONV.kind(node_named(by_input, "conv"), (1, 2, 3, 3)) is None  # weights are an input


def test_read_extent_counts_the_halo_and_the_channels_a_band_sees():
    conv = node_named(_conv(hw=16), "conv")
    assert CONV.read_extent(conv, 2, 3) == (4, 4)  # 2 rows + a halo of 2; every input channel
    assert CONV.read_extent(conv, 16, 6) == (16, 4)  # clipped to the input's 16 rows
    strided = node_named(_conv(hw=16, stride=2), "conv")
    assert CONV.read_extent(strided, 3, 6) == (7, 4)
    grouped = node_named(_conv(cin=8, cout=8, group=4, hw=16), "conv")
    # 2 output channels per group: 3 of them touch 2 groups, which read 2 input channels each
    assert CONV.read_extent(grouped, 1, 3) == (3, 4)


def test_input_box_is_the_receptive_field_of_the_bands_channels():
    model = _conv(cin=8, cout=8, group=4, hw=10)
    index, conv = ModelIndex.of(model), node_named(model, "conv")
    assert CONV.input_box(index, conv, [(0, 1), (2, 6), (0, 3), (0, 10)]) == [
        (0, 1),
        (2, 6),  # groups 1 and 2
        (0, 4),  # rows 0..2 plus the halo below (the row above is padding)
        (0, 10),
    ]
    assert CONV.input_box(index, conv, [(0, 1), (0, 2), (4, 6), (0, 10)])[1:3] == [(0, 2), (3, 7)]
    plain = _conv(hw=10)
    box = CONV.input_box(
        ModelIndex.of(plain), node_named(plain, "conv"), [(0, 1), (2, 4), (7, 10), (0, 10)]
    )
    assert box == [(0, 1), (0, 4), (6, 10), (0, 10)]  # every input channel; clipped at the bottom


@pytest.mark.parametrize(
    ("conv", "box"),
    [
        (dict(), [(0, 1), (0, 3), (0, 3), (0, 9)]),  # top band: padding above
        (dict(), [(0, 1), (3, 6), (3, 6), (0, 9)]),  # interior band
        (dict(), [(0, 1), (0, 6), (7, 9), (0, 9)]),  # bottom band: padding below
        (dict(stride=2), [(0, 1), (2, 4), (2, 4), (0, 5)]),
        (dict(dilation=2, pad=2), [(0, 1), (0, 6), (0, 2), (0, 9)]),
        (dict(cin=6, cout=6, group=3), [(0, 1), (2, 4), (4, 9), (0, 9)]),
        (dict(cin=6, cout=6, group=6, bias=False), [(0, 1), (1, 4), (0, 5), (0, 9)]),
        (dict(k=5, pad=2, hw=11), [(0, 1), (0, 6), (9, 11), (0, 11)]),
    ],
)
def test_a_tile_computes_its_box_of_the_conv(conv, box):
    check_tile(_conv(**conv), box)


def test_zero_padding_is_explicit_only_at_the_edges():
    model = _conv(hw=9)
    top = check_tile(model, [(0, 1), (0, 6), (0, 3), (0, 9)])
    interior = check_tile(model, [(0, 1), (0, 6), (3, 6), (0, 9)])
    assert "Pad" in tile_ops(top)
    conv = next(n for n in interior.model().graph if n.op_type == "Conv")
    # an interior band still pads its columns (read whole), never its rows
    assert "Pad" in tile_ops(interior)
    assert list(conv.attributes["pads"].value) == [0, 0, 0, 0]
    unpadded = _conv(hw=9, pad=0)
    assert "Pad" not in tile_ops(check_tile(unpadded, [(0, 1), (0, 6), (2, 5), (0, 7)]))


def test_a_tile_carries_only_its_output_channels_weights():
    tile = check_tile(_conv(cout=6), [(0, 1), (2, 4), (0, 9), (0, 9)])
    inits = tile.model().graph.initializers.values()
    shapes = [tuple(v.const_value.shape) for v in inits]
    assert (2, 4, 3, 3) in shapes and (2,) in shapes  # 2 of the 6 filters, and their biases
    assert (6, 4, 3, 3) not in shapes
