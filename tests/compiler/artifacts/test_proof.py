"""The proof file: one proof or a chain of slice proofs, its verifying-key digest, loading."""

import json

import numpy as np
import pytest

from zkc.compiler.artifacts.proof import PROOF_FORMAT, ProofEnvelope, load_proof
from zkc.compiler.errors import UserInputError, VerificationError
from zkc.compiler.target.chain import chain_vk_digest

INPUTS = {"x": np.array([[0.5, -1.0]], np.float32)}
OUTPUTS = {"y": np.array([[2.0]], np.float32), "s": np.float32(3.0)}


def test_a_chain_of_one_carries_one_proof():
    envelope = ProofEnvelope.for_chain("key", ["vk0"], INPUTS, OUTPUTS, [{"p": 0}])
    assert envelope.format == PROOF_FORMAT
    assert envelope.proof == {"p": 0} and envelope.slices is None
    assert envelope.vk_sha256 == "vk0"
    assert envelope.inputs == {"x": [[0.5, -1.0]]}
    assert envelope.outputs == {"y": [[2.0]], "s": 3.0}
    assert envelope.chain_entries() == [{"index": 0, "vk_sha256": "vk0", "proof": {"p": 0}}]


def test_a_longer_chain_carries_its_slice_proofs_in_order():
    digests, proofs = ["vk0", "vk1", "vk2"], [{"p": 0}, {"p": 1}, {"p": 2}]
    envelope = ProofEnvelope.for_chain("key", digests, INPUTS, OUTPUTS, proofs)
    assert envelope.proof is None
    assert envelope.vk_sha256 == chain_vk_digest(digests)
    assert envelope.vk_sha256 not in digests
    assert envelope.chain_entries() == [
        {"index": i, "vk_sha256": d, "proof": p}
        for i, (d, p) in enumerate(zip(digests, proofs, strict=True))
    ]


def test_digests_and_proofs_must_pair_up():
    with pytest.raises(ValueError):
        ProofEnvelope.for_chain("key", ["vk0", "vk1"], INPUTS, OUTPUTS, [{}, {}, {}])


def test_an_envelope_without_proof_is_refused_when_verified():
    envelope = ProofEnvelope(artifact_key="k", vk_sha256="v", inputs={}, outputs={})
    with pytest.raises(VerificationError, match="the proof file has no proof"):
        envelope.chain_entries()


def test_load_round_trips_a_written_envelope(tmp_path):
    envelope = ProofEnvelope.for_chain("key", ["a", "b"], INPUTS, OUTPUTS, [{"p": 0}, {"p": 1}])
    path = tmp_path / "proof.json"
    path.write_text(envelope.model_dump_json())
    assert load_proof(path) == envelope


@pytest.mark.parametrize(
    "doc", [{"format": "zkc-proof/0", "artifact_key": "k"}, {"artifact_key": "k"}, [1, 2]]
)
def test_load_refuses_a_file_of_another_format(tmp_path, doc):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(
        UserInputError, match=f'p.json: not a zkc proof file \\(expected "format": "{PROOF_FORMAT}"'
    ):
        load_proof(path)


def test_load_refuses_a_malformed_proof_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"format": PROOF_FORMAT, "artifact_key": "k"}))
    with pytest.raises(UserInputError, match=r"p.json: malformed proof file \(") as info:
        load_proof(path)
    assert "\n" not in str(info.value)


def test_load_names_a_missing_or_broken_file(tmp_path):
    with pytest.raises(UserInputError, match="nope.json: no such file"):
        load_proof(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(UserInputError, match="bad.json: not valid JSON"):
        load_proof(tmp_path / "bad.json")
