"""Every op case through EZKL's witness: zkc's passes make it match onnxruntime (plain EZKL may not)."""

import pytest

from zkc.model_zoo.op_cases import CASES
from zkc.targets.ezkl.bench_support.op_coverage import run_case

pytestmark = pytest.mark.slow

# Recurrent cases take ~10 s each here; the lstm_series zoo model proves an LSTM end to end.
FAST_CASES = [c for c in CASES if c.op not in ("LSTM", "GRU") and c.name != "pow_tensor"]
# Measured on EZKL 23.0.5: what plain EZKL gets wrong, and so why the rewrites exist.
PLAIN_BROKEN = {
    "conv2d",
    "conv1d_dilated",
    "conv2d_dilated",
    "conv3d_dilated",
    "convtranspose1d",
    "convtranspose2d_outpad",
    "pad_reflect",
    "pad_edge",
    "pad_constant_value",
    "tile",
    "maxpool_pads",
    "maxpool_dilated",
    "maxpool_dilated_strided",
    # EZKL computes integer Div/Mod and float->int Cast as real arithmetic (issue 19).
    "div_int64_cast",
    "div_int64",
    "mod_int64",
    "mod_int64_fmod",
    "cast_float_to_int64",
}


@pytest.mark.parametrize("case", FAST_CASES, ids=lambda c: c.name)
def test_case_matches_after_passes(case, tmp_path):
    result = run_case(case, tmp_path)
    assert result["zkc"]["status"] == "ok", result
    assert (result["plain"]["status"] != "ok") == (case.name in PLAIN_BROKEN), result["plain"]


def test_a_tensor_exponent_is_tried_on_the_model_not_refused_by_the_table(tmp_path):
    result = run_case(next(c for c in CASES if c.name == "pow_tensor"), tmp_path)
    assert result["tried"] == ["Pow: Pow with a non-constant exponent"]
    assert result["zkc"]["status"] == result["plain"]["status"]  # what EZKL does on it


# A sample of the op-family cases (the whole set runs in `make ops`, ~90 cases): each must do
# in zkc what the checked-in op table says it measured, computed within tolerance or refused
# on this model (what the table does not vouch for is tried, and EZKL's answer decides).
FAMILY_SAMPLE = [
    "softplus",
    "elu",
    "hardsigmoid",
    "identity",
    "gather_elements",
    "trilu",
    "instancenormalization",
    "resize_nearest",
    "reducel2",
    "greater_where",
    "and_logic",
    "lrn",
]


@pytest.mark.parametrize("name", FAMILY_SAMPLE)
def test_family_case_does_what_the_table_measured(name, tmp_path):
    import json

    from zkc.model_zoo.op_families import FAMILY_CASES
    from zkc.targets.ezkl.ops import TABLE_FILE

    measured = json.loads(TABLE_FILE.read_text())["cases"][name]
    result = run_case(next(c for c in FAMILY_CASES if c.name == name), tmp_path)
    if measured == "ok":
        assert result["zkc"]["status"] == "ok", result
    else:
        assert result["zkc"]["status"] in ("fails", "wrong"), result
        assert result["tried"], result
