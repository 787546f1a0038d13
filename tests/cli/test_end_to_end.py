"""The issue's commands, run as a user runs them, on the session's compiled zoo artifacts."""

import json
import shutil

import numpy as np
import pytest

from tests.cli.helpers import assert_one_error_line

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mlp_input(zoo_files, module_tmp):
    _, _, holdout = zoo_files["mlp_digits"]
    path = module_tmp / "input.json"
    with np.load(holdout) as data:
        path.write_text(json.dumps({"x": data["x"][0].tolist()}))
    return path


@pytest.fixture(scope="module")
def mlp_proof(mlp_artifact, mlp_input, srs_dir, module_tmp):
    from zkc.cli.main import main

    proof = module_tmp / "proof.json"
    assert (
        main(
            [
                "prove",
                str(mlp_artifact.path),
                str(mlp_input),
                "-o",
                str(proof),
                "--srs-dir",
                str(srs_dir),
            ]
        )
        == 0
    )
    return proof


def test_zoo_models_reach_fidelity_targets(mlp_artifact, lenet_artifact):
    for result in (mlp_artifact, lenet_artifact):
        fid = result.manifest.fidelity
        assert fid.top1_agreement is not None and fid.top1_agreement >= 0.99, fid.summary()
        assert fid.samples >= 100
        assert result.manifest.circuit.logrows <= 15


def test_prove_then_verify(zkc, mlp_artifact, mlp_proof, srs_dir):
    code, out, err = zkc("verify", mlp_artifact.path, mlp_proof, "--srs-dir", srs_dir, "--json")
    assert code == 0, err
    assert json.loads(out)["verified"] is True


def test_run_json_matches_proof_outputs_and_onnxruntime(
    zkc, mlp_artifact, mlp_input, mlp_proof, srs_dir
):
    from zkc.compiler.data.reference import ReferenceRunner
    from zkc.compiler.ir.model_io import load_model

    code, out, _ = zkc("run", mlp_artifact.path, mlp_input, "--json", "--srs-dir", srs_dir)
    assert code == 0
    outputs = json.loads(out)["outputs"]
    assert np.asarray(outputs["logits"]).shape == (1, 10)
    assert outputs == json.loads(mlp_proof.read_text())["outputs"]
    x = np.asarray(json.loads(mlp_input.read_text())["x"], np.float32).reshape(1, 64)
    ref = ReferenceRunner(load_model(mlp_artifact.path / "model.onnx")).run({"x": x})["logits"]
    np.testing.assert_allclose(outputs["logits"], ref, atol=0.05)


def _tampered(proof_path, tmp_path, edit):
    doc = json.loads(proof_path.read_text())
    edit(doc)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc))
    return path


def _flip_proof_byte(doc):
    """One byte of the proof changed, its hex form kept consistent (else refused sooner)."""
    raw = doc["proof"]["proof"]
    raw[len(raw) // 2] = (raw[len(raw) // 2] + 1) % 256
    doc["proof"]["hex_proof"] = "0x" + bytes(raw).hex()


def _change_output(doc):
    doc["outputs"]["logits"][0][0] += 1.0


def _change_input(doc):
    row = doc["inputs"]["x"][0]
    row[3] = 0.75 if row[3] != 0.75 else 0.5


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_flip_proof_byte, "does not verify"),
        (_change_output, "output 'logits' is not what the proof commits to"),
        (_change_input, "public inputs are not the request's inputs"),
    ],
)
def test_tampered_proof_fails_with_exit_1(
    zkc, mlp_artifact, mlp_proof, srs_dir, tmp_path, edit, message
):
    bad = _tampered(mlp_proof, tmp_path, edit)
    code, _, err = zkc("verify", mlp_artifact.path, bad, "--srs-dir", srs_dir)
    assert code == 1
    assert message in err
    assert_one_error_line(err)


def test_proof_from_another_artifact_is_refused(zkc, lenet_artifact, mlp_proof, srs_dir):
    code, _, err = zkc("verify", lenet_artifact.path, mlp_proof, "--srs-dir", srs_dir)
    assert code == 1
    assert "proof is for artifact" in err


def test_corrupted_or_missing_artifact_file_refused(
    zkc, mlp_artifact, mlp_input, srs_dir, tmp_path
):
    copy = tmp_path / "copy.zkc"
    shutil.copytree(mlp_artifact.path, copy)
    data = bytearray((copy / "vk.key").read_bytes())
    data[100] ^= 0xFF
    (copy / "vk.key").write_bytes(bytes(data))
    code, _, err = zkc("prove", copy, mlp_input, "-o", tmp_path / "p.json", "--srs-dir", srs_dir)
    assert code == 2
    assert "vk.key: does not match the manifest's sha256" in err
    assert not (tmp_path / "p.json").exists()
    (copy / "settings.json").unlink()
    code, _, err = zkc("verify", copy, tmp_path / "p.json", "--srs-dir", srs_dir)
    assert code == 2 and "missing file (listed in the manifest)" in err


def test_bad_input_json_exit_2(zkc, mlp_artifact, srs_dir, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"x": [0.0] * 63}))
    code, _, err = zkc(
        "prove", mlp_artifact.path, bad, "-o", tmp_path / "p.json", "--srs-dir", srs_dir
    )
    assert code == 2 and "input 'x' has shape (63,), the circuit expects (1, 64)" in err
    bad.write_text(json.dumps({"x": [float("nan")] * 64}))
    code, _, err = zkc("run", mlp_artifact.path, bad, "--srs-dir", srs_dir)
    assert code == 2 and "contains NaN" in err
    assert "Traceback" not in err


def test_inspect_shows_passes_logrows_scales_sizes_fidelity(zkc, mlp_artifact):
    code, out, _ = zkc("inspect", mlp_artifact.path)
    assert code == 0
    for needle in (
        "static_shapes v1",
        "logrows",
        "param scale",
        "pk.key",
        "top-1 agreement",
        "INSECURE",
        "quantization: ezkl-calibrate-resources",
    ):
        assert needle in out
    code, out, _ = zkc("inspect", mlp_artifact.path, "--json")
    manifest = json.loads(out)["manifest"]
    assert manifest["key"] == mlp_artifact.manifest.key
    assert set(manifest["files"]) == {
        "model.onnx",
        "settings.json",
        "model.compiled",
        "vk.key",
        "calibration.npz",
        "eval.npz",
        "pk.key",
    }
