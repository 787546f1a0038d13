"""ExplicitAttributesPass: strides and pads EZKL requires are written out."""

import numpy as np
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from tests.passes._rewrite_checks import check_rewrite, check_untouched, outputs
from zkc.passes.explicit_attributes import ExplicitAttributesPass


def test_implicit_strides_become_explicit():
    check_rewrite("conv2d", ExplicitAttributesPass, None)


def test_nothing_to_rewrite_is_unmodified():
    check_untouched("gemm", ExplicitAttributesPass)


@pytest.mark.parametrize("mode", ["SAME_UPPER", "SAME_LOWER", "VALID"])
def test_auto_pad_becomes_explicit_pads(mode):
    weight = np.random.default_rng(3).normal(size=(2, 1, 2, 3)).astype(np.float32)
    model = make_model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="c", auto_pad=mode, strides=[2, 1])],
        [tensor("x", [1, 1, 5, 6])],
        [tensor("y", ["n", "c", "h", "w"])],
        [("W", weight)],
    )
    x = {"x": np.random.default_rng(4).normal(size=(3, 1, 1, 5, 6)).astype(np.float32)}
    before = outputs(model, x)
    result = ExplicitAttributesPass()(model)
    conv = next(iter(result.model.graph))
    assert result.modified and "auto_pad" not in conv.attributes and "pads" in conv.attributes
    np.testing.assert_allclose(outputs(result.model, x)["y"], before["y"], rtol=1e-5, atol=1e-5)
