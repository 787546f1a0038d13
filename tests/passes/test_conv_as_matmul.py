"""ConvAsMatMulPass: a 2-D convolution becomes patches times its kernel matrix, with the same
outputs (onnxruntime before and after), for kernels, strides, pads, bias and batches."""

import numpy as np
import onnx_ir as ir
import pytest
from onnx import helper

from tests.graphs import op_types
from tests.passes._rewrite_checks import outputs
from zkc.model_zoo.op_case import model, random_weights
from zkc.passes.conv_as_matmul import ConvAsMatMulPass, conv_shape

# (input shape, out channels, kernel, attributes, bias)
SHAPES = {
    "3x3": ((1, 3, 8, 8), 4, (3, 3), {}, False),
    "3x3_pad_bias": ((1, 3, 8, 8), 5, (3, 3), {"pads": [1, 1, 1, 1]}, True),
    "strided_pad": ((1, 2, 9, 7), 3, (3, 3), {"pads": [1, 0, 1, 2], "strides": [2, 3]}, True),
    "1x1": ((1, 6, 5, 5), 4, (1, 1), {}, True),
    "1x1_strided": ((1, 6, 6, 6), 4, (1, 1), {"strides": [2, 2]}, False),
    "rect_kernel": ((1, 2, 7, 9), 3, (2, 4), {"pads": [0, 1, 1, 0]}, False),
    "batch": ((3, 2, 6, 6), 4, (3, 3), {"pads": [1, 1, 1, 1]}, True),
}


def conv_model(name: str, group: int = 1) -> ir.Model:
    x_shape, o, (kh, kw), attrs, bias = SHAPES[name]
    weights = [("W", random_weights(1, o, x_shape[1] // group, kh, kw))]
    if bias:
        weights.append(("B", random_weights(2, o)))
    names = ["x", *[n for n, _ in weights]]
    node = helper.make_node("Conv", names, ["y"], name="conv0", group=group, **attrs)
    return ir.serde.deserialize_model(model([node], {"x": x_shape}, ["y"], weights))


def samples(name: str, scale: float = 1.0) -> dict:
    shape = SHAPES[name][0]
    rng = np.random.default_rng(3)
    return {"x": (scale * rng.uniform(-1, 1, (2, *shape))).astype(np.float32)}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_lowered_conv_computes_the_same(name):
    for scale in (1.0, 10.0):
        before = outputs(conv_model(name), samples(name, scale))
        result = ConvAsMatMulPass()(conv_model(name))
        assert result.modified and "Conv" not in op_types(result.model)
        assert "MatMul" in op_types(result.model)
        after = outputs(result.model, samples(name, scale))
        np.testing.assert_allclose(after["y"], before["y"], rtol=1e-4, atol=1e-4)
    assert ConvAsMatMulPass()(result.model).modified is False


def test_strides_gather_rows_and_columns_and_a_unit_kernel_needs_no_patches():
    strided = ConvAsMatMulPass()(conv_model("strided_pad")).model
    assert {"Gather", "Pad", "Concat"} <= set(op_types(strided)) and "Slice" not in op_types(
        strided
    )
    unit = ConvAsMatMulPass()(conv_model("1x1")).model
    assert not {"Slice", "Gather", "Concat", "Pad"} & set(op_types(unit))


def test_grouped_convolutions_are_left_alone():
    model_ = conv_model("1x1", group=2)
    assert conv_shape(next(iter(model_.graph))) is None
    assert ConvAsMatMulPass()(model_).modified is False


def test_the_choice_is_per_convolution_and_sees_its_shape():
    seen = []
    result = ConvAsMatMulPass(choose=lambda s: seen.append(s) or False)(conv_model("strided_pad"))
    assert result.modified is False and "Conv" in op_types(result.model)
    (shape,) = seen
    assert (shape.channels, shape.out_channels, shape.kernel, shape.out_hw) == (
        2,
        3,
        (3, 3),
        (5, 3),
    )
    assert shape.patch_rows == 18 and shape.positions == 15 and shape.macs == 3 * 18 * 15
