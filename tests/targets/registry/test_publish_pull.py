"""Publish to and pull from a real registry (docker-registry on loopback) and an OCI layout on disk."""

import json

import pytest
from bittensor.keyfiles import Keypair

from tests.targets.registry.conftest import PASSWORD, USER
from zkc.compiler.errors import ArtifactError, ToolError, UserInputError, VerificationError
from zkc.targets.registry import backends
from zkc.targets.registry.publish import publish
from zkc.targets.registry.pull import pull
from zkc.targets.registry.reference import parse_ref
from zkc.targets.subnet.hotkeys import artifact_signer, signature_check

pytestmark = pytest.mark.slow
ALICE, BOB = Keypair.create_from_uri("//Alice"), Keypair.create_from_uri("//Bob")


def _same_files(a, b):
    for path in a.iterdir():
        if path.name != "provenance.json":
            assert (b / path.name).read_bytes() == path.read_bytes(), path.name


def test_publish_then_pull_by_tag_and_digest(registry, mlp_artifact, tmp_path):
    ref = parse_ref(f"oci://{registry.host}/zkc/mlp:1.0.0")
    published = publish(mlp_artifact.path, ref)
    got = pull(ref, tmp_path / "out", tmp_path / "cache")
    assert not got.cached and got.manifest_digest == published.manifest_digest
    assert got.artifact_key == mlp_artifact.manifest.key
    _same_files(tmp_path / "out", mlp_artifact.path)
    by_digest = parse_ref(f"oci://{registry.host}/zkc/mlp@{published.manifest_digest}")
    assert pull(by_digest, tmp_path / "out2", tmp_path / "cache").cached


def test_second_pull_transfers_no_blob(registry, mlp_artifact, tmp_path, monkeypatch):
    ref = parse_ref(f"oci://{registry.host}/zkc/mlp:again")
    publish(mlp_artifact.path, ref)
    pull(ref, None, tmp_path / "cache")

    def no_download(*args):
        raise AssertionError("a blob was downloaded again")

    monkeypatch.setattr(backends.RegistryBackend, "fetch_blob", no_download)
    assert pull(ref, tmp_path / "out", tmp_path / "cache").cached


def test_file_layout_is_the_embedded_default(mlp_artifact, tmp_path):
    ref = parse_ref(f"file://{tmp_path / 'layout'}:v1")
    publish(mlp_artifact.path, ref)
    assert (tmp_path / "layout" / "oci-layout").is_file()
    got = pull(ref, tmp_path / "out", tmp_path / "cache")
    _same_files(tmp_path / "out", mlp_artifact.path)
    assert got.artifact_key == mlp_artifact.manifest.key


def test_signatures(registry, mlp_artifact, tmp_path):
    signed = parse_ref(f"oci://{registry.host}/zkc/signed:1")
    publish(mlp_artifact.path, signed, signer=artifact_signer(ALICE))
    assert (
        pull(
            signed, None, tmp_path / "c1", check_signature=signature_check(ALICE.ss58_address)
        ).signer
        == ALICE.ss58_address
    )
    with pytest.raises(
        VerificationError, match=f"signed by {ALICE.ss58_address}, not by {BOB.ss58_address}"
    ):
        pull(signed, None, tmp_path / "c2", check_signature=signature_check(BOB.ss58_address))
    unsigned = parse_ref(f"oci://{registry.host}/zkc/unsigned:1")
    publish(mlp_artifact.path, unsigned)
    with pytest.raises(VerificationError, match="artifact is not signed"):
        pull(unsigned, None, tmp_path / "c3", check_signature=signature_check(ALICE.ss58_address))


def test_forged_signature_is_refused(mlp_artifact, tmp_path):
    ref = parse_ref(f"file://{tmp_path / 'layout'}:v1")
    publish(mlp_artifact.path, ref, signer=artifact_signer(BOB))
    layout = backends.LayoutBackend(ref)
    oci = json.loads(layout.fetch_manifest("v1"))
    oci["annotations"]["io.zkc.signer.ss58"] = ALICE.ss58_address  # claim Alice signed it
    layout.push_manifest(json.dumps(oci).encode(), "v1")
    with pytest.raises(VerificationError, match="bad signature"):
        pull(ref, None, tmp_path / "cache", check_signature=signature_check(ALICE.ss58_address))


def test_tampered_blob_in_registry_storage(registry, mlp_artifact, tmp_path):
    ref = parse_ref(f"oci://{registry.host}/zkc/tamper:1")
    publish(mlp_artifact.path, ref)
    digest = mlp_artifact.manifest.files["settings.json"].sha256
    data = registry.storage / "docker/registry/v2/blobs/sha256" / digest[:2] / digest / "data"
    content = bytearray(data.read_bytes())
    content[10] ^= 0x01
    data.write_bytes(bytes(content))
    with pytest.raises(ArtifactError, match="settings.json: content does not match its digest"):
        pull(ref, tmp_path / "out", tmp_path / "cache")
    assert not (tmp_path / "out").exists() and not any((tmp_path / "cache").glob("*/settings.json"))


def test_truncated_download_keeps_nothing(registry, mlp_artifact, tmp_path, monkeypatch):
    ref = parse_ref(f"oci://{registry.host}/zkc/trunc:1")
    publish(mlp_artifact.path, ref)
    real = backends.copy_verified

    def drop_last_chunk(source, dest, digest, size, what):
        chunks = list(source)
        real(iter(chunks[:-1]), dest, digest, size, what)

    monkeypatch.setattr(backends, "copy_verified", drop_last_chunk)
    with pytest.raises(ArtifactError, match="truncated download"):
        pull(ref, tmp_path / "out", tmp_path / "cache")
    assert not (tmp_path / "out").exists()
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_disk_full_on_pull_keeps_nothing(registry, mlp_artifact, tmp_path, monkeypatch):
    ref = parse_ref(f"oci://{registry.host}/zkc/full:1")
    publish(mlp_artifact.path, ref)

    def disk_full(source, dest, digest, size, what):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backends, "copy_verified", disk_full)
    with pytest.raises(
        ArtifactError,
        match=r"cannot write the pulled artifact \(No space left on device\); nothing was kept",
    ):
        pull(ref, tmp_path / "out", tmp_path / "cache")
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_failed_push_tags_nothing(registry, mlp_artifact, monkeypatch):
    ref = parse_ref(f"oci://{registry.host}/zkc/halfway:1")
    real, pushed = backends.RegistryBackend.push_blob, []

    def dies_after_one(self, path, descriptor):
        if pushed:
            raise ToolError(f"registry {registry.host} went away while uploading {path.name}")
        pushed.append(path.name)
        real(self, path, descriptor)

    monkeypatch.setattr(backends.RegistryBackend, "push_blob", dies_after_one)
    with pytest.raises(ToolError, match="went away"):
        publish(mlp_artifact.path, ref)
    monkeypatch.undo()
    with pytest.raises(UserInputError, match="no such artifact"):
        pull(ref, None, registry.storage.parent / "cache")


def test_moved_tag_is_an_error(registry, mlp_artifact, lenet_artifact, tmp_path):
    first = publish(mlp_artifact.path, parse_ref(f"oci://{registry.host}/zkc/moving:1"))
    publish(lenet_artifact.path, parse_ref(f"oci://{registry.host}/zkc/moving:1"))
    pinned = parse_ref(f"oci://{registry.host}/zkc/moving:1@{first.manifest_digest}")
    with pytest.raises(ArtifactError, match="tag '1' moved: it now points at sha256:"):
        pull(pinned, None, tmp_path / "cache")


def test_basic_auth(auth_registry, mlp_artifact, tmp_path):
    ref = parse_ref(f"oci://{auth_registry.host}/zkc/private:1")
    with pytest.raises(UserInputError, match="access denied"):
        publish(mlp_artifact.path, ref, username=USER, password="wrong")
    publish(mlp_artifact.path, ref, username=USER, password=PASSWORD)
    with pytest.raises(UserInputError, match="access denied"):
        pull(ref, None, tmp_path / "cache")
    assert pull(ref, None, tmp_path / "cache", username=USER, password=PASSWORD).artifact_key


def test_registry_down(registry, mlp_artifact, tmp_path):
    ref = parse_ref("oci://127.0.0.1:1/zkc/none:1")
    with pytest.raises(ToolError, match="registry 127.0.0.1:1 is not reachable"):
        publish(mlp_artifact.path, ref)
    with pytest.raises(ToolError, match="not reachable"):
        pull(ref, None, tmp_path / "cache")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("http://h/x:1", "expected oci://"),
        ("oci://h:5000/Upper:1", "repository 'Upper'"),
        ("oci://h:5000/r@sha256:xyz", "is not sha256:<64 hex>"),
        ("file://relative/dir:1", "needs an absolute directory"),
    ],
)
def test_bad_references(text, message):
    with pytest.raises(UserInputError, match=message):
        parse_ref(text)


def test_reference_forms():
    ref = parse_ref("oci://127.0.0.1:5000/zkc/lenet:1.0.0")
    assert (ref.host, ref.repository, ref.tag, ref.digest) == (
        "127.0.0.1:5000",
        "zkc/lenet",
        "1.0.0",
        None,
    )
    assert parse_ref("oci://127.0.0.1:5000/zkc/lenet").tag == "latest"
    assert str(parse_ref("file:///tmp/l:v2")) == "file:///tmp/l:v2"
