"""load_circuit: the miner's loader refuses any mismatch, then proves without reloading."""

import shutil

import numpy as np
import pytest

import zkc.compiler.artifacts.manifest as art_module
import zkc.targets.ezkl.srs as srs_module
import zkc.targets.subnet.circuit as circuit_module
from zkc.compiler.errors import ArtifactError, UserInputError, VerificationError
from zkc.targets.subnet.circuit import load_circuit

REQUEST = {"x": [((i * 5) % 16) / 16 for i in range(64)], "nonce": [0.125]}


@pytest.fixture(scope="module")
def loaded(mlp_package, srs_dir):
    return load_circuit(mlp_package.package_dir, srs_dir=srs_dir)


@pytest.fixture
def package_copy(mlp_package, tmp_path):
    """A writable copy of the package, with its external folder beside it."""
    root = tmp_path / "copy"
    dst = root / "deployment_layer" / mlp_package.package_dir.name
    shutil.copytree(mlp_package.package_dir, dst)
    shutil.copytree(mlp_package.pk_path.parent, root / "external" / mlp_package.circuit_id)
    return dst


def test_prove_and_verify_from_the_package(loaded, mlp_package, monkeypatch):
    assert loaded.circuit_id == mlp_package.circuit_id
    assert loaded.pk_path == mlp_package.pk_path
    # Files (and the SRS) are checked once at load: proving hashes nothing again.
    calls = []
    for module in (art_module, circuit_module, srs_module):
        monkeypatch.setattr(module, "sha256_file", lambda *a: calls.append(a))
    result = loaded.prove(REQUEST)
    assert calls == []
    assert result.prove_seconds > 0 and result.envelope.proof["instances"]
    assert [v.shape for v in result.outputs.values()] == [(1, 10)]
    proved = loaded.verify(result.envelope.proof, REQUEST)
    for name, value in result.outputs.items():
        np.testing.assert_array_equal(proved[name], value)
    other = {**REQUEST, "nonce": [0.5]}
    with pytest.raises(VerificationError, match="public inputs are not the request"):
        loaded.verify(result.envelope.proof, other)


def test_load_an_artifact_too(mlp_artifact, srs_dir):
    circuit = load_circuit(mlp_artifact.path, srs_dir=srs_dir)
    assert circuit.circuit_id == mlp_artifact.manifest.files["vk.key"].sha256
    assert circuit.circuit_id == mlp_artifact.manifest.circuit.first.vk_sha256
    assert [t.name for t in circuit.spec.inputs] == ["x"]


@pytest.mark.parametrize("name", ["model.compiled", "settings.json", "input.py", "metadata.json"])
def test_tampered_file_is_refused(package_copy, srs_dir, name):
    with open(package_copy / name, "ab") as handle:
        handle.write(b" ")
    with pytest.raises(ArtifactError, match=f"{name}: does not match the package's sha256"):
        load_circuit(package_copy, srs_dir=srs_dir)


def test_vk_that_is_not_the_id_is_refused(package_copy, srs_dir):
    with open(package_copy / "vk.key", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ArtifactError, match="vk.key: missing, or its sha256 is not the circuit id"):
        load_circuit(package_copy, srs_dir=srs_dir)


def test_pk_tampered_missing_or_given(package_copy, mlp_package, srs_dir):
    pk = package_copy.parent.parent / "external" / mlp_package.circuit_id / "pk.key"
    with open(pk, "r+b") as handle:
        handle.seek(1000)
        handle.write(b"\xff\xff")
    with pytest.raises(ArtifactError, match="pk.key: does not match"):
        load_circuit(package_copy, srs_dir=srs_dir)
    pk.unlink()
    with pytest.raises(UserInputError, match="no pk.key"):
        load_circuit(package_copy, srs_dir=srs_dir)
    given = load_circuit(package_copy, pk_path=mlp_package.pk_path, srs_dir=srs_dir)
    assert given.pk_path == mlp_package.pk_path


def test_renamed_directory_and_missing_srs(package_copy, srs_dir, tmp_path):
    renamed = package_copy.with_name("model_" + "0" * 64)
    package_copy.rename(renamed)
    with pytest.raises(ArtifactError, match="directory name is not model_<id>"):
        load_circuit(renamed, srs_dir=srs_dir)
    renamed.rename(package_copy)
    with pytest.raises(UserInputError, match="SRS for logrows 15 not found"):
        load_circuit(package_copy, srs_dir=tmp_path / "empty")


def test_request_outside_the_schema(loaded):
    with pytest.raises(UserInputError, match="input 'x' has shape"):
        loaded.prove({"x": [0.5] * 10, "nonce": [0.1]})
    with pytest.raises(UserInputError, match="input 'x' value 7.0 outside"):
        loaded.prove({"x": [7.0] * 64, "nonce": [0.1]})
    with pytest.raises(UserInputError, match="missing input 'nonce'"):
        loaded.prove({"x": [0.5] * 64})
