"""The package layout, metadata, ids and re-packaging."""

import json

import pytest

from tests.conftest import dev_target
from tests.targets.subnet.conftest import PK_URL, package_request
from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.targets.subnet.checks import PackageCheckError, check_packageable
from zkc.targets.subnet.package import package_for_subnet

METADATA_KEYS = {
    "name",
    "description",
    "author",
    "version",
    "proof_system",
    "type",
    "external_files",
}


def test_layout_id_and_metadata(mlp_package):
    pkg = mlp_package.package_dir
    assert pkg.name == f"model_{mlp_package.circuit_id}"
    assert sha256_file(pkg / "vk.key") == mlp_package.circuit_id
    assert sorted(p.name for p in pkg.iterdir()) == [
        "calibration.npz",
        "eval.npz",
        "input.py",
        "metadata.json",
        "model.compiled",
        "settings.json",
        "vk.key",
        "zkc-package.json",
    ]
    assert not (pkg / "pk.key").exists()
    assert mlp_package.pk_path == pkg.parent.parent / "external" / mlp_package.circuit_id / "pk.key"
    meta = json.loads((pkg / "metadata.json").read_text())
    assert set(meta) == METADATA_KEYS
    assert meta["proof_system"] == "EZKL" and meta["type"] == "proof_of_computation"
    assert meta["external_files"] == {"pk.key": f"{PK_URL}/{mlp_package.circuit_id}/pk.key"}
    settings = json.loads((pkg / "settings.json").read_text())
    assert len(settings["model_input_scales"]) == len(settings["input_types"]) == 2
    assert mlp_package.derived


def test_files_are_the_artifacts_bytes(mlp_package, mlp_artifact):
    lock = json.loads((mlp_package.package_dir / "zkc-package.json").read_text())
    assert lock["artifact_key"] != mlp_artifact.manifest.key  # rebuilt with the nonce input
    assert [t["name"] for t in lock["io"]["inputs"]] == ["x", "nonce"]
    assert lock["external_files"]["pk.key"]["sha256"] == sha256_file(mlp_package.pk_path)


def test_repackage_gives_same_id_and_identical_files(mlp_package, mlp_artifact, srs_dir, tmp_path):
    again = package_for_subnet(
        package_request(mlp_artifact.path, tmp_path / "dl"), dev_target(srs_dir)
    )
    assert again.circuit_id == mlp_package.circuit_id
    for path in mlp_package.package_dir.iterdir():
        assert (again.package_dir / path.name).read_bytes() == path.read_bytes(), path.name
    assert sha256_file(again.pk_path) == sha256_file(mlp_package.pk_path)


def test_dev_srs_refused_without_flag(mlp_artifact, srs_dir, tmp_path):
    request = package_request(mlp_artifact.path, tmp_path / "dl", allow_dev_srs=False)
    with pytest.raises(PackageCheckError, match="insecure dev SRS"):
        package_for_subnet(request, dev_target(srs_dir))
    assert not (tmp_path / "dl").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("input_visibility", "Private", "input_visibility is 'Private'"),
        ("output_visibility", "Hashed", "output_visibility is 'Hashed'"),
        ("param_visibility", "Private", "param_visibility is 'Private'"),
        ("logrows", 26, "logrows 26 exceeds 25"),
        ("commitment", "IPA", "commitment is 'IPA'"),
    ],
)
def test_checks_name_the_field(mlp_package, mlp_artifact, field, value, message):
    key = json.loads((mlp_package.package_dir / "zkc-package.json").read_text())["artifact_key"]
    derived = art.ArtifactStore(mlp_artifact.path.parent / "cache").path(key)
    manifest = art.load_manifest(derived)
    settings = json.loads((derived / "settings.json").read_text())
    check_packageable(manifest, settings, True, "a.zkc")  # the real settings pass
    settings["run_args"][field] = value
    with pytest.raises(PackageCheckError, match=message):
        check_packageable(manifest, settings, True, "a.zkc")


def test_no_nonce_input_is_refused(mlp_artifact):
    settings = json.loads((mlp_artifact.path / "settings.json").read_text())
    with pytest.raises(PackageCheckError, match="no 'nonce' input"):
        check_packageable(mlp_artifact.manifest, settings, True, "a.zkc")
