"""DilatedConvPass: dilated convolutions become undilated ones over a dilated kernel."""

import pytest

from tests.passes._rewrite_checks import check_rewrite, check_untouched
from zkc.passes.dilated_conv import DilatedConvPass


@pytest.mark.parametrize("case_name", ["conv1d_dilated", "conv2d_dilated", "conv3d_dilated"])
def test_rewrite_matches_onnxruntime(case_name):
    check_rewrite(case_name, DilatedConvPass, None)


def test_nothing_to_rewrite_is_unmodified():
    check_untouched("conv2d_strided", DilatedConvPass)


def test_dilated_conv_attributes_and_kernel():
    model = check_rewrite("conv2d_dilated", DilatedConvPass, None)
    conv = next(n for n in model.graph if n.op_type == "Conv")
    assert list(conv.attributes["dilations"].value) == [1, 1]
    assert list(conv.inputs[1].const_value.numpy().shape) == [2, 2, 5, 5]
