"""Published digests, and subnet packages whose pk.key is a registry blob URL, downloaded and
checked by digest."""

import hashlib
import json
import shutil

import pytest

from tests.conftest import dev_target
from tests.targets.subnet.conftest import package_request
from zkc.compiler.artifacts.download import download_checked
from zkc.compiler.driver.derive import derive_artifact
from zkc.compiler.errors import ArtifactError, UserInputError
from zkc.targets.registry.blob_url import blob_resolver
from zkc.targets.registry.publish import publish
from zkc.targets.registry.pull import published_digest
from zkc.targets.registry.reference import parse_ref
from zkc.targets.subnet.circuit import load_circuit
from zkc.targets.subnet.package import package_for_subnet


def _digest(artifact) -> str:
    return "sha256:" + hashlib.sha256((artifact / "manifest.json").read_bytes()).hexdigest()


@pytest.mark.slow
def test_commit_by_reference_uses_the_published_digest(registry, mlp_artifact):
    ref = parse_ref(f"oci://{registry.host}/zkc/mlp:commit")
    published = publish(mlp_artifact.path, ref)
    assert published_digest(ref) == published.config_digest == _digest(mlp_artifact.path)


@pytest.fixture(scope="module")
def subnet_artifact(mlp_artifact, srs_dir, module_tmp):
    """The nonce-carrying build zkc packages for the subnet (a cache hit after the first)."""
    out = module_tmp / "subnet.zkc"
    cache = mlp_artifact.path.parent / "cache"
    return derive_artifact(
        mlp_artifact.path, {"pipeline": "ezkl-subnet"}, out, dev_target(srs_dir), cache
    ).path


@pytest.mark.slow
def test_package_points_pk_at_the_registry_blob(registry, subnet_artifact, srs_dir, tmp_path):
    repo = f"oci://{registry.host}/zkc/mlp-subnet"
    request = package_request(
        subnet_artifact, tmp_path / "deploy", pk_url_base=repo, blob_url=blob_resolver(repo)
    )
    with pytest.raises(UserInputError, match="zkc publish"):
        package_for_subnet(request, dev_target(srs_dir))  # not published yet
    publish(subnet_artifact, parse_ref(f"{repo}:1.0.0"))
    result = package_for_subnet(request, dev_target(srs_dir))
    meta = json.loads((result.package_dir / "metadata.json").read_text())
    pk_sha = hashlib.sha256(result.pk_path.read_bytes()).hexdigest()
    assert meta["external_files"]["pk.key"] == (
        f"http://{registry.host}/v2/zkc/mlp-subnet/blobs/sha256:{pk_sha}"
    )
    # A miner with only the package directory downloads pk.key, checked by digest.
    miner = tmp_path / "miner" / "deployment_layer" / result.package_dir.name
    shutil.copytree(result.package_dir, miner)
    with pytest.raises(UserInputError, match="no pk.key"):
        load_circuit(miner, srs_dir=srs_dir)
    circuit = load_circuit(miner, srs_dir=srs_dir, download_pk=True)
    assert circuit.pk_path == miner / "pk.key"
    assert hashlib.sha256(circuit.pk_path.read_bytes()).hexdigest() == pk_sha


@pytest.mark.slow
def test_download_refuses_a_tampered_blob_or_a_url_naming_another(
    registry, subnet_artifact, tmp_path
):
    ref = parse_ref(f"oci://{registry.host}/zkc/tamper:1")
    publish(subnet_artifact, ref)
    vk = subnet_artifact / "vk.key"
    digest = "sha256:" + hashlib.sha256(vk.read_bytes()).hexdigest()
    url = f"http://{registry.host}/v2/zkc/tamper/blobs/{digest}"
    other = "sha256:" + "0" * 64
    with pytest.raises(ArtifactError, match="names blob"):
        download_checked(url, tmp_path / "x", other)
    blob = next(registry.storage.rglob(f"blobs/sha256/*/{digest[7:]}/data"))
    blob.write_bytes(b"\0" + blob.read_bytes()[1:])
    with pytest.raises(ArtifactError, match="does not match"):
        download_checked(url, tmp_path / "vk.key", digest, vk.stat().st_size)
    assert not (tmp_path / "vk.key").exists() and not list(tmp_path.glob("*.part"))
