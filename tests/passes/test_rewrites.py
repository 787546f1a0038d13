"""Each rewrite pass on its op cases: onnxruntime before == after, the op gone, `modified` honest."""

import numpy as np
import onnx_ir as ir
import pytest

from tests.graphs import op_types
from zkc.compiler.reference import ReferenceRunner
from zkc.model_zoo.op_cases import BY_NAME
from zkc.passes.conv_transpose import ConvTransposePass
from zkc.passes.dilated_conv import DilatedConvPass
from zkc.passes.explicit_attributes import ExplicitAttributesPass
from zkc.passes.maxpool_windows import MaxPoolWindowsPass
from zkc.passes.pad_modes import PadModesPass, pad_indices
from zkc.passes.tile import TilePass

REWRITES = [
    ("conv2d", ExplicitAttributesPass, None),
    ("conv1d_dilated", DilatedConvPass, None),
    ("conv2d_dilated", DilatedConvPass, None),
    ("conv3d_dilated", DilatedConvPass, None),
    ("convtranspose2d", ConvTransposePass, "ConvTranspose"),
    ("convtranspose1d", ConvTransposePass, "ConvTranspose"),
    ("convtranspose2d_outpad", ConvTransposePass, "ConvTranspose"),
    ("pad_reflect", PadModesPass, "Pad"),
    ("pad_edge", PadModesPass, "Pad"),
    ("tile", TilePass, "Tile"),
    ("maxpool_pads", MaxPoolWindowsPass, None),
    ("maxpool_dilated_strided", MaxPoolWindowsPass, None),
]
UNTOUCHED = [
    ("gemm", ExplicitAttributesPass),
    ("conv2d_strided", DilatedConvPass),
    ("pad_constant", PadModesPass),
    ("maxpool", MaxPoolWindowsPass),
    ("relu", ConvTransposePass),
    ("expand", TilePass),
]


def _model(case_name):
    return ir.serde.deserialize_model(BY_NAME[case_name].build())


def _outputs(model, samples):
    return ReferenceRunner(model).run_batch(samples, {k: v.shape[1:] for k, v in samples.items()})


@pytest.mark.parametrize(("case_name", "pass_cls", "gone"), REWRITES)
def test_rewrite_matches_onnxruntime(case_name, pass_cls, gone):
    case = BY_NAME[case_name]
    samples = {**case.samples(6, seed=1)}
    wide = {k: v * 10 for k, v in case.samples(2, seed=2).items()}  # beyond the usual range
    before = [_outputs(_model(case_name), s) for s in (samples, wide)]
    result = pass_cls()(_model(case_name))
    assert result.modified
    if gone is not None:
        assert gone not in op_types(result.model)
    after = [_outputs(result.model, s) for s in (samples, wide)]
    for b, a in zip(before, after, strict=True):
        for name in b:
            np.testing.assert_allclose(a[name], b[name], rtol=1e-5, atol=1e-5)
    assert pass_cls()(result.model).modified is False  # nothing left to rewrite


@pytest.mark.parametrize(("case_name", "pass_cls"), UNTOUCHED)
def test_nothing_to_rewrite_is_unmodified(case_name, pass_cls):
    model = _model(case_name)
    ops = op_types(model)
    result = pass_cls()(model)
    assert result.modified is False and op_types(result.model) == ops


def test_dilated_conv_attributes_and_kernel():
    result = DilatedConvPass()(_model("conv2d_dilated"))
    conv = next(n for n in result.model.graph if n.op_type == "Conv")
    assert list(conv.attributes["dilations"].value) == [1, 1]
    assert list(conv.inputs[1].const_value.numpy().shape) == [2, 2, 5, 5]


def test_maxpool_dilated_becomes_gathers_and_max():
    ops = op_types(MaxPoolWindowsPass()(_model("maxpool_dilated_strided")).model)
    assert "MaxPool" not in ops and ops.count("Max") == 3 and ops.count("Gather") == 8


def test_pad_indices():
    assert pad_indices(4, 2, 1, "reflect") == [2, 1, 0, 1, 2, 3, 2]
    assert pad_indices(4, 2, 1, "edge") == [0, 0, 0, 1, 2, 3, 3]
    assert pad_indices(3, 3, 0, "reflect") is None  # reflect needs pads < size


@pytest.mark.parametrize("mode", ["SAME_UPPER", "SAME_LOWER", "VALID"])
def test_auto_pad_becomes_explicit_pads(mode):
    from onnx import helper

    from tests.graphs import make_model, tensor

    weight = np.random.default_rng(3).normal(size=(2, 1, 2, 3)).astype(np.float32)
    model = make_model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="c", auto_pad=mode, strides=[2, 1])],
        [tensor("x", [1, 1, 5, 6])], [tensor("y", ["n", "c", "h", "w"])], [("W", weight)],
    )  # fmt: skip
    x = {"x": np.random.default_rng(4).normal(size=(3, 1, 1, 5, 6)).astype(np.float32)}
    before = _outputs(model, x)
    result = ExplicitAttributesPass()(model)
    conv = next(iter(result.model.graph))
    assert result.modified and "auto_pad" not in conv.attributes and "pads" in conv.attributes
    np.testing.assert_allclose(_outputs(result.model, x)["y"], before["y"], rtol=1e-5, atol=1e-5)
