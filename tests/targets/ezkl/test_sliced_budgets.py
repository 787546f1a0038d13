"""Slicing budgets: impossible requests, skip connections across slices, a fidelity budget
searched over the slices' shared scale."""

import sys

import numpy as np
import pytest

from tests.conftest import dev_target
from tests.targets.ezkl.conftest import mlp_sample
from zkc.targets import open_artifact

pytestmark = pytest.mark.slow


def test_impossible_slicing_requests_are_one_line_errors(zkc, zoo_files, srs_dir, tmp_path):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    base = [
        "compile",
        onnx_path,
        "--calibration",
        calib,
        "--eval",
        holdout,
        "--dev-srs",
        "--srs-dir",
        srs_dir,
        "--no-cache",
    ]
    code, _, err = zkc(*base, "-o", tmp_path / "a.zkc", "--slices", 9)
    assert code == 2 and "only 3 nodes" in err and not (tmp_path / "a.zkc").exists()
    code, _, err = zkc(*base, "-o", tmp_path / "b.zkc", "--max-logrows", 9)
    last = err.strip().splitlines()[-1]
    assert code == 2 and last.startswith("zkc: error: --max-logrows 9") and "11" in last


def test_a_skip_connection_spanning_a_slice_is_linked_to_its_producer(srs_dir, tmp_path):
    """A residual block cut twice: a slice reads the skip tensor from the slice that made it,
    two slices back (a link between non-neighbours), and the proofs verify."""
    from tests.compiler.planning.test_partition import residual_model
    from zkc.compiler.config import CompileConfig
    from zkc.compiler.driver.compile import CompileRequest, compile_model
    from zkc.compiler.ir.model_io import save_model

    save_model(residual_model(blocks=1), tmp_path / "res.onnx")
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "calib.npz", x=rng.normal(size=(16, 1, 6, 6)).astype(np.float32))
    result = compile_model(
        CompileRequest(
            model_path=tmp_path / "res.onnx",
            calibration_path=tmp_path / "calib.npz",
            output=tmp_path / "res.zkc",
            config=CompileConfig(slices=4, max_eval_samples=4),
            cache_dir=None,
        ),
        dev_target(srs_dir),
    )
    pieces = result.manifest.circuit.pieces
    made = {part.tensor: p.index for p in pieces for part in p.outputs}
    assert any(made.get(part.tensor, p.index) < p.index - 1 for p in pieces for part in p.inputs)
    compiled = open_artifact(result.path, srs_dir)
    proof = compiled.prove({"x": rng.normal(size=(1, 1, 6, 6))}, workers=2)
    compiled.verify(proof.envelope)


def test_a_fidelity_budget_searches_the_slices_shared_scale(zkc, zoo_files, srs_dir, tmp_path):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    code, out, err = zkc(
        "compile",
        onnx_path,
        "--calibration",
        calib,
        "--eval",
        holdout,
        "--dev-srs",
        "--srs-dir",
        srs_dir,
        "--no-cache",
        "-o",
        tmp_path / "b.zkc",
        "--slices",
        2,
        "--min-top1",
        0.99,
        "--max-error",
        0.02,
    )
    assert code == 0, err
    result = open_artifact(tmp_path / "b.zkc", srs_dir)
    circuit, fidelity = result.manifest.circuit, result.manifest.fidelity
    assert (
        f"sliced: 2 linked circuits (logrows {circuit.logrows}, {circuit.logrows}), "
        "links polycommit" in out
    )
    assert "quantization: zkc search for" in out and "shared by every slice" in out
    code, out, _ = zkc("inspect", tmp_path / "b.zkc")
    assert code == 0 and "shared by every slice" in out
    search = circuit.quantization
    assert search.method == "zkc-search-sliced"
    assert search.budget == {"max_error": 0.02, "min_top1": 0.99}
    scale = search.chosen.scale
    assert all(
        c.input_scales == [scale] * len(c.input_scales) and c.param_scale == scale
        for c in circuit.circuits
    )
    meets = {
        c.scale: c.error is None and c.top1_agreement >= 0.99 and c.max_abs_error <= 0.02
        for c in search.candidates
    }
    smallest = min(s for s, ok in meets.items() if ok)
    assert meets[scale] and not meets.get(smallest - 1, False)
    assert fidelity.top1_agreement >= 0.99 and fidelity.max_abs_error <= 0.02  # all held-out
    result.verify(result.prove(mlp_sample(zoo_files, 5)).envelope)


def test_an_unreachable_budget_for_slices_is_a_one_line_error(zkc, zoo_files, srs_dir, tmp_path):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    code, _, err = zkc(
        "compile",
        onnx_path,
        "--calibration",
        calib,
        "--eval",
        holdout,
        "--dev-srs",
        "--srs-dir",
        srs_dir,
        "--no-cache",
        "-o",
        tmp_path / "u.zkc",
        "--slices",
        2,
        "--max-error",
        1e-9,
    )
    last = err.strip().splitlines()[-1]
    assert code == 2 and "cannot be met" in last and "best found max |error|" in last
    assert not (tmp_path / "u.zkc").exists() and not list(tmp_path.glob(".u.zkc*"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
