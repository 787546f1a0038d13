"""Pad tiles (zkc.compiler.ops.pad): a constant Pad along rows and columns reads its box shifted
by the pads and pads only where the box reaches past the input's edges (onnxruntime)."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import check_tile, node_named, shaped_model, tile_ops
from tests.graphs import tensor
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.pad import PadTiles

PAD = PadTiles()
SPATIAL = [0, 0, 1, 2, 0, 0, 3, 1]  # 1 row above, 2 columns left, 3 rows below, 1 column right


def _pad(pads=SPATIAL, mode="constant", value=None, opset=17, axes=None):
    inputs = ["x", "p", "v" if value is not None else ""]
    inits = [("p", np.array(pads, np.int64))]
    if value is not None:
        inits.append(("v", np.array(value, np.float32)))
    if axes is not None:
        inputs.append("a")
        inits.append(("a", np.array(axes, np.int64)))
    full = pads if axes is None else [0, 0, *pads[:2], 0, 0, *pads[2:]]
    out = [d + full[i] + full[i + 4] for i, d in enumerate((1, 3, 6, 5))]
    node = helper.make_node("Pad", inputs, ["y"], name="pad", mode=mode)
    return shaped_model([node], [tensor("x", [1, 3, 6, 5])], [tensor("y", out)], inits, opset)


def test_constant_spatial_pads_tile():
    assert PAD.kind(node_named(_pad(), "pad"), (1, 3, 10, 8)) == "pad"
    channels = _pad([0, 1, 0, 0, 0, 1, 0, 0])
    assert PAD.kind(node_named(channels, "pad"), (1, 5, 6, 5)) is None
    reflect = _pad([0, 0, 1, 1, 0, 0, 1, 1], mode="reflect")
    assert PAD.kind(node_named(reflect, "pad"), (1, 3, 8, 7)) is None


def test_input_box_is_the_box_shifted_by_the_pads_and_clipped():
    model = _pad()
    pad, index = node_named(model, "pad"), ModelIndex.of(model)
    assert PAD.input_box(index, pad, [(0, 1), (1, 3), (0, 4), (0, 8)]) == [
        (0, 1),
        (1, 3),
        (0, 3),  # rows 0..3 of the output: the pad row, then input rows 0..2
        (0, 5),  # columns 0..7: two pad columns, the 5 input columns, one pad column
    ]
    assert PAD.input_box(index, pad, [(0, 1), (0, 3), (3, 5), (3, 5)]) == [
        (0, 1),
        (0, 3),
        (2, 4),
        (1, 3),
    ]
    assert PAD.input_box(index, pad, [(0, 1), (0, 3), (7, 10), (0, 8)])[2] == (6, 6)  # padding only


@pytest.mark.parametrize(
    "box",
    [
        [(0, 1), (0, 3), (0, 2), (0, 8)],  # top edge
        [(0, 1), (1, 2), (2, 5), (2, 7)],  # interior: no padding
        [(0, 1), (0, 3), (5, 10), (0, 8)],  # bottom edge, reaching past the input
        [(0, 1), (0, 3), (0, 10), (6, 8)],  # the right edge
    ],
)
def test_a_tile_computes_its_box_of_the_pad(box):
    check_tile(_pad(), box)


def test_the_pads_value_is_kept_and_interior_tiles_do_not_pad():
    model = _pad(value=2.5)
    check_tile(model, [(0, 1), (0, 3), (0, 3), (0, 8)])
    tile = check_tile(model, [(0, 1), (0, 3), (2, 5), (2, 7)])
    pad = next(n for n in tile.model().graph if n.op_type == "Pad")
    assert not pad.inputs[1].const_value.numpy().any()  # nothing past the input's edges
    assert tile_ops(tile).count("Pad") == 1


def test_an_opset_18_pad_with_axes_is_refused_or_tiled_right():
    model = _pad([1, 2, 3, 1], opset=18, axes=[2, 3])
    if PAD.kind(node_named(model, "pad"), (1, 3, 10, 8)) is None:
        return  # refusing it is a fix too
    check_tile(model, [(0, 1), (0, 3), (0, 2), (0, 8)])
