"""`zkc bench`: proves an artifact in fresh processes, verifies every proof, reports figures."""

import json
import os

import pytest

pytestmark = pytest.mark.slow


def test_bench_reports_every_run_and_verifies(zkc, mlp_artifact, srs_dir):
    code, out, err = zkc("bench", mlp_artifact.path, "--repeat", 2, "--srs-dir", srs_dir, "--json")
    assert code == 0, err
    report = json.loads(out)
    manifest = mlp_artifact.manifest
    assert report["artifact_key"] == manifest.key and report["circuits"] == 1
    assert report["logrows"] == [manifest.circuit.logrows]
    assert len(report["prove_seconds"]) == 2 and min(report["prove_seconds"]) > 0
    assert len(report["verify_seconds"]) == 2 and min(report["verify_seconds"]) > 0
    assert report["pk_bytes"] == manifest.files["pk.key"].size
    assert report["proof_file_bytes"] > 3072 and report["peak_rss_mb"] > 50


def test_bench_takes_a_request_file_and_prints_a_summary(zkc, mlp_artifact, srs_dir, tmp_path):
    (tmp_path / "in.json").write_text(json.dumps({"x": [0.5] * 64}))
    code, out, err = zkc(
        "bench", mlp_artifact.path, tmp_path / "in.json", "--repeat", 1, "--srs-dir", srs_dir
    )
    assert code == 0, err
    assert "prove  median" in out and "1 runs, each in a fresh process" in out


def test_bench_bad_request_is_a_one_line_error(zkc, mlp_artifact, srs_dir, tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"x": [0.5] * 3}))
    code, _, err = zkc("bench", mlp_artifact.path, tmp_path / "bad.json", "--srs-dir", srs_dir)
    assert code == 2 and "bad.json" in err and len(err.strip().splitlines()) == 1
    code, _, err = zkc("bench", tmp_path / "nothing.zkc", "--srs-dir", srs_dir)
    assert code == 2 and "nothing.zkc" in err


def die(*args):
    os._exit(9)  # a proving process killed mid-run (e.g. by the OOM killer)


def test_a_proving_process_that_dies_is_an_error_not_a_traceback(mlp_artifact, srs_dir):
    from zkc.compiler.driver.measure import measure
    from zkc.compiler.errors import ToolError
    from zkc.targets import open_artifact

    with pytest.raises(ToolError, match="proving process died in run 1"):
        measure(mlp_artifact.path, srs_dir, open_artifact, repeat=1, prove_once=die)
