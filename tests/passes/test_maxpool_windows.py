"""MaxPoolWindowsPass: padded or dilated max pools become gathers and element-wise maxima."""

import pytest

from tests.graphs import op_types
from tests.passes._rewrite_checks import check_rewrite, check_untouched
from zkc.passes.maxpool_windows import MaxPoolWindowsPass


@pytest.mark.parametrize("case_name", ["maxpool_pads", "maxpool_dilated_strided"])
def test_rewrite_matches_onnxruntime(case_name):
    check_rewrite(case_name, MaxPoolWindowsPass, None)


def test_a_plain_maxpool_is_left_alone():
    check_untouched("maxpool", MaxPoolWindowsPass)


def test_maxpool_dilated_becomes_gathers_and_max():
    ops = op_types(check_rewrite("maxpool_dilated_strided", MaxPoolWindowsPass, None))
    assert "MaxPool" not in ops and ops.count("Max") == 3 and ops.count("Gather") == 8
