"""A sample of onnx's node test cases (bench/conformance.py runs all 1,401 in scope) through
plain EZKL and zkc: zkc computes every case plain EZKL computes, and the integer arithmetic plain
EZKL gets wrong, within the compile's own reference check."""

import sys
import tempfile
from pathlib import Path

import pytest

from zkc.targets.ezkl.bench_support.op_coverage import run_case

pytestmark = pytest.mark.slow
sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "bench"))

SAMPLE = {  # case: what zkc must do (plain EZKL's own result is measured, not assumed)
    "test_abs": "ok",
    "test_relu": "ok",
    "test_where_example": "ok",
    "test_div_int8": "ok",
    "test_div_int32_trunc": "ok",
    "test_mod_mixed_sign_int64": "ok",
    "test_mod_int64_fmod": "ok",
}


@pytest.fixture(scope="module")
def node_cases():
    import conformance  # bench/conformance.py

    with tempfile.TemporaryDirectory() as root:
        cases, skipped = conformance.discover_nodes(Path(root))
        by_name = {c.name.removeprefix("node/"): c for c in cases}
        yield by_name, skipped


def test_the_corpus_is_generated_by_the_installed_onnx(node_cases):
    by_name, skipped = node_cases
    assert len(by_name) > 1000 and set(SAMPLE) <= set(by_name)
    assert all(why for why in skipped.values())  # every case out of scope says why


@pytest.mark.parametrize("name", sorted(SAMPLE))
def test_zkc_computes_what_it_must_and_never_less_than_plain_ezkl(node_cases, name, tmp_path):
    result = run_case(node_cases[0][name], tmp_path)
    assert result["zkc"]["status"] == SAMPLE[name], result
    if result["plain"]["status"] == "ok":
        assert result["zkc"]["status"] == "ok", result
