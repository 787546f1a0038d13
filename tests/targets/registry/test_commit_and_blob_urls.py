"""`zkc commit` (composed set_commitment call, dev-key signatures, a fake chain backend) and
subnet packages whose pk.key is a registry blob URL, downloaded and checked by digest."""

import hashlib
import json
import shutil

import pytest
from bittensor.keyfiles import Keypair
from bittensor.result import ExtrinsicResult

from tests.targets.subnet.conftest import package_request
from zkc.compiler.derive import derive_artifact
from zkc.compiler.errors import ArtifactError, UserInputError
from zkc.targets.registry import commitment
from zkc.targets.registry.blob_url import download_checked
from zkc.targets.registry.publish import publish
from zkc.targets.registry.reference import parse_ref
from zkc.targets.subnet.circuit import Circuit
from zkc.targets.subnet.package import package_for_subnet

ALICE, BOB = Keypair.create_from_uri("//Alice"), Keypair.create_from_uri("//Bob")


def _digest(artifact) -> str:
    return "sha256:" + hashlib.sha256((artifact / "manifest.json").read_bytes()).hexdigest()


def test_composed_call_commits_the_manifest_digest(mlp_artifact):
    digest = commitment.local_digest(mlp_artifact.path)
    assert digest == _digest(mlp_artifact.path)
    note = "oci://127.0.0.1:5000/zkc/mlp:1"
    made = commitment.compose(2, digest, note=note)
    module, function, params = made.call
    assert (module, function, params["netuid"]) == ("Commitments", "set_commitment", 2)
    sha_field, raw_field = params["info"]["fields"][0]
    assert sha_field == {"Sha256": "0x" + digest.removeprefix("sha256:")}
    assert bytes.fromhex(raw_field[f"Raw{len(note)}"][2:]) == note.encode()


def test_dry_run_signature_verifies_and_binds_the_call(mlp_artifact):
    signed = commitment.sign_offline(commitment.compose(2, _digest(mlp_artifact.path)), ALICE)
    assert signed.signer == ALICE.ss58_address and commitment.verify_offline(signed)
    other_netuid = commitment.Commitment(3, signed.artifact_digest,
                                         commitment.compose(3, signed.artifact_digest).call,
                                         signed.signer, signed.signature)  # fmt: skip
    assert not commitment.verify_offline(other_netuid)
    forged = commitment.Commitment(2, signed.artifact_digest, signed.call, BOB.ss58_address,
                                   signed.signature)  # fmt: skip
    assert not commitment.verify_offline(forged)


def test_bad_commit_inputs_are_refused(mlp_artifact):
    with pytest.raises(UserInputError, match="at most 128"):
        commitment.compose(2, _digest(mlp_artifact.path), note="x" * 129)
    with pytest.raises(UserInputError, match="sha256"):
        commitment.compose(2, "sha256:abc")


def test_cli_commit_dry_run_prints_the_signed_call(zkc, mlp_artifact):
    code, out, err = zkc(
        "commit", mlp_artifact.path, "--netuid", 2, "--hotkey-uri", "//Alice", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["dry_run"] is True and "submitted" not in doc
    assert doc["call"]["function"] == "set_commitment" and doc["signer"] == ALICE.ss58_address
    code, out, err = zkc("commit", mlp_artifact.path, "--netuid", 2)
    assert code == 2 and "--wallet" in err
    code, out, err = zkc(
        "commit", mlp_artifact.path, "--netuid", 2, "--hotkey-uri", "//Alice", "--send"
    )
    assert code == 2 and "--network" in err


class FakeChain:
    """A stand-in chain backend for bittensor's Client: records what would be submitted."""

    token_symbols: dict = {}

    def __init__(self):
        self.submitted = []

    async def connect(self):
        return None

    async def close(self):
        return None

    async def query_map(self, *args, **kwargs):
        return []

    async def compose(self, call):
        return ("composed", call)

    async def submit(self, call, keypair, **kwargs):
        self.submitted.append((call, keypair.ss58_address))
        return ExtrinsicResult(success=True, message="ok", block_hash="0xabc", extrinsic_id="7-1")


def test_send_submits_a_hotkey_signed_call(mlp_artifact):
    chain = FakeChain()
    made = commitment.compose(2, _digest(mlp_artifact.path))
    result = commitment.submit(made, BOB, "ws://127.0.0.1:9", substrate=chain)
    assert result["block_hash"] == "0xabc"
    [(composed, signer)] = chain.submitted
    assert composed == ("composed", made.call) and signer == BOB.ss58_address


@pytest.mark.slow
def test_commit_by_reference_uses_the_published_digest(registry, mlp_artifact):
    ref = parse_ref(f"oci://{registry.host}/zkc/mlp:commit")
    published = publish(mlp_artifact.path, ref)
    assert commitment.published_digest(ref) == published.config_digest == _digest(mlp_artifact.path)


@pytest.fixture(scope="module")
def subnet_artifact(mlp_artifact, srs_dir, module_tmp):
    """The nonce-carrying build zkc packages for the subnet (a cache hit after the first)."""
    out = module_tmp / "subnet.zkc"
    cache = mlp_artifact.path.parent / "cache"
    return derive_artifact(
        mlp_artifact.path, {"pipeline": "ezkl-subnet"}, out, srs_dir, True, cache
    ).path


@pytest.mark.slow
def test_package_points_pk_at_the_registry_blob(registry, subnet_artifact, srs_dir, tmp_path):
    repo = f"oci://{registry.host}/zkc/mlp-subnet"
    request = package_request(subnet_artifact, tmp_path / "deploy", srs_dir, pk_url_base=repo)
    with pytest.raises(UserInputError, match="zkc publish"):
        package_for_subnet(request)  # not published yet
    publish(subnet_artifact, parse_ref(f"{repo}:1.0.0"))
    result = package_for_subnet(request)
    meta = json.loads((result.package_dir / "metadata.json").read_text())
    pk_sha = hashlib.sha256(result.pk_path.read_bytes()).hexdigest()
    assert meta["external_files"]["pk.key"] == (
        f"http://{registry.host}/v2/zkc/mlp-subnet/blobs/sha256:{pk_sha}"
    )
    # A miner with only the package directory downloads pk.key, checked by digest.
    miner = tmp_path / "miner" / "deployment_layer" / result.package_dir.name
    shutil.copytree(result.package_dir, miner)
    with pytest.raises(UserInputError, match="no pk.key"):
        Circuit.load(miner, srs_dir=srs_dir)
    circuit = Circuit.load(miner, srs_dir=srs_dir, download_pk=True)
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
