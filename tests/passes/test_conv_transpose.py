"""ConvTransposePass: transposed convolutions become convolutions over a dilated input."""

import pytest

from tests.passes._rewrite_checks import check_rewrite, check_untouched
from zkc.passes.conv_transpose import ConvTransposePass


@pytest.mark.parametrize(
    "case_name", ["convtranspose2d", "convtranspose1d", "convtranspose2d_outpad"]
)
def test_rewrite_matches_onnxruntime(case_name):
    check_rewrite(case_name, ConvTransposePass, "ConvTranspose")


def test_nothing_to_rewrite_is_unmodified():
    check_untouched("relu", ConvTransposePass)
