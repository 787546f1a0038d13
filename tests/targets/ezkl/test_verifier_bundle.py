"""Verifier bundles: settings, verifying keys and the manifest's facts only. A bundle verifies
what the artifact verifies (whole and sliced, hashed weights included), refuses what it
refuses, and cannot prove; it holds no proving key, model file, weights or samples."""

import json

import numpy as np
import pytest

from tests.targets.ezkl.tiny_mlp import X, compile_mlp
from zkc import load

pytestmark = pytest.mark.slow


def _files(directory):
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def test_a_sliced_bundle_verifies_what_the_artifact_does_and_nothing_else(srs_dir, tmp_path, zkc):
    artifact = compile_mlp(srs_dir, tmp_path / "a.zkc", slices=2, param_visibility="hashed")
    proof_path = artifact.prove(X).save(tmp_path / "proof.json")
    code, out, _ = zkc("export-verifier", artifact.path, "-o", tmp_path / "v", "--json")
    assert code == 0
    report = json.loads(out)
    names = _files(tmp_path / "v")
    assert names == sorted([*report["files"], "manifest.json"])
    assert {n.rsplit("/", 1)[-1] for n in report["files"]} == {"settings.json", "vk.key"}
    assert not [
        n
        for n in names
        if n.endswith((".key", ".onnx", ".npz", ".compiled")) and not n.endswith("vk.key")
    ]
    assert report["bytes"] < report["artifact_bytes"] / 5
    # the same facts as the artifact: key, links, the weights' commitment
    bundle = load(tmp_path / "v", srs_dir=srs_dir)
    assert bundle.key == artifact.key
    assert bundle.manifest.circuit == artifact.manifest.circuit
    assert bundle.verify(proof_path)
    assert zkc("verify", tmp_path / "v", proof_path, "--srs-dir", srs_dir)[0] == 0
    # a proof of other inputs than it states is refused by the bundle too
    doc = json.loads(proof_path.read_text())
    doc["inputs"] = {"x": (X + 0.25).reshape(1, 3).tolist()}
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    assert not bundle.verify(tmp_path / "bad.json")
    assert zkc("verify", tmp_path / "v", tmp_path / "bad.json", "--srs-dir", srs_dir)[0] == 1
    # it cannot prove or run: there are no proving keys
    code, _, err = zkc("prove", tmp_path / "v", _input(tmp_path), "-o", tmp_path / "p.json")
    assert code == 2 and "verifier bundle" in err and not (tmp_path / "p.json").exists()


def test_a_tampered_bundle_is_refused(srs_dir, tmp_path, zkc):
    artifact = compile_mlp(srs_dir, tmp_path / "a.zkc")
    artifact.export_verifier(tmp_path / "v")
    (tmp_path / "v" / "settings.json").write_text("{}")
    code, _, err = zkc("verify", tmp_path / "v", tmp_path / "none.json", "--srs-dir", srs_dir)
    assert code == 2 and "settings.json" in err
    code, _, err = zkc("export-verifier", artifact.path, "-o", artifact.path)
    assert code == 2 and "the artifact itself" in err


def _input(tmp_path):
    path = tmp_path / "input.json"
    path.write_text(json.dumps({"x": np.asarray(X).reshape(1, 3).tolist()}))
    return path
