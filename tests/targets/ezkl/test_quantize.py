"""zkc's scale search: the smallest logrows that meets a fidelity budget, recorded in the manifest."""

import pytest

from tests.conftest import FAST, dev_target
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest, compile_model
from zkc.compiler.errors import UserInputError


def _request(zoo_files, srs_dir, tmp_path, **config):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    return CompileRequest(
        model_path=onnx_path,
        calibration_path=calib,
        eval_path=holdout,
        output=tmp_path / "m.zkc",
        config=CompileConfig(**{**FAST, **config}),
        cache_dir=None,
    )


@pytest.mark.slow
def test_budget_search_lowers_logrows_and_is_recorded(zoo_files, srs_dir, tmp_path, mlp_artifact):
    request = _request(zoo_files, srs_dir, tmp_path, min_top1=0.99, max_error=0.01)
    result = compile_model(request, dev_target(srs_dir))
    circuit = result.manifest.circuit
    assert circuit.logrows < mlp_artifact.manifest.circuit.logrows == 15
    q = circuit.quantization
    assert q.method == "zkc-search" and q.budget == {"max_error": 0.01, "min_top1": 0.99}
    assert q.chosen.logrows == circuit.logrows and q.chosen.scale == circuit.first.param_scale
    assert len(q.candidates) >= 3
    assert result.manifest.fidelity.top1_agreement >= 0.99
    assert result.manifest.fidelity.max_abs_error <= 0.01
    assert mlp_artifact.manifest.circuit.quantization.method == "ezkl-calibrate-resources"


@pytest.mark.slow
def test_default_search_beats_ezkl_calibration(zoo_files, srs_dir, tmp_path, mlp_artifact):
    """Without a budget, zkc keeps EZKL's calibration unless its search finds fewer logrows at
    least as faithful on the same held-out samples (mlp_digits: 12 against 15)."""
    result = compile_model(
        _request(zoo_files, srs_dir, tmp_path, quantize="search"), dev_target(srs_dir)
    )
    circuit, ezkl = result.manifest.circuit, mlp_artifact.manifest.circuit
    q = circuit.quantization
    assert q.method == "zkc-search-default"
    assert circuit.logrows < ezkl.logrows == q.candidates[0].logrows
    assert q.chosen.logrows == circuit.logrows
    assert q.chosen.max_abs_error <= q.candidates[0].max_abs_error == q.budget["max_error"]
    assert q.chosen.top1_agreement >= q.candidates[0].top1_agreement
    assert result.manifest.fidelity.top1_agreement >= mlp_artifact.manifest.fidelity.top1_agreement


@pytest.mark.slow
def test_unreachable_budget_names_the_figure(zoo_files, srs_dir, tmp_path):
    with pytest.raises(
        UserInputError,
        match=r"max \|error\| <= 1e-09 cannot be met within logrows 25: best found max \|error\| [0-9.e-]+, top-1 100.00% at scale \d+ \(logrows \d+\)",
    ):
        compile_model(_request(zoo_files, srs_dir, tmp_path, max_error=1e-9), dev_target(srs_dir))
    assert not (tmp_path / "m.zkc").exists()
