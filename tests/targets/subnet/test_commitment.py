"""`zkc commit`: the composed set_commitment call, dev-key signatures, a fake chain backend."""

import hashlib
import json

import pytest
from bittensor.keyfiles import Keypair
from bittensor.result import ExtrinsicResult

from zkc.compiler.errors import UserInputError
from zkc.targets.subnet import commitment

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
    other_netuid = commitment.Commitment(
        3,
        signed.artifact_digest,
        commitment.compose(3, signed.artifact_digest).call,
        signed.signer,
        signed.signature,
    )
    assert not commitment.verify_offline(other_netuid)
    forged = commitment.Commitment(
        2, signed.artifact_digest, signed.call, BOB.ss58_address, signed.signature
    )
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
