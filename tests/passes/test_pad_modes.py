"""PadModesPass: reflect and edge padding become gathers EZKL computes."""

import pytest

from tests.passes._rewrite_checks import check_rewrite, check_untouched
from zkc.passes.pad_modes import PadModesPass, pad_indices


@pytest.mark.parametrize("case_name", ["pad_reflect", "pad_edge"])
def test_rewrite_matches_onnxruntime(case_name):
    check_rewrite(case_name, PadModesPass, "Pad")


def test_a_non_zero_constant_value_becomes_zero_padding_of_a_shifted_input():
    model = check_rewrite("pad_constant_value", PadModesPass, None)
    pads = [n for n in model.graph if n.op_type == "Pad"]
    assert len(pads) == 1 and len([v for v in pads[0].inputs if v is not None]) == 2


def test_constant_pads_are_left_alone():
    check_untouched("pad_constant", PadModesPass)


def test_pad_indices():
    assert pad_indices(4, 2, 1, "reflect") == [2, 1, 0, 1, 2, 3, 2]
    assert pad_indices(4, 2, 1, "edge") == [0, 0, 0, 1, 2, 3, 3]
    assert pad_indices(3, 3, 0, "reflect") is None  # reflect needs pads < size
