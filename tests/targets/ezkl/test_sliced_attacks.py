"""Verification of a sliced proof refuses every way of breaking the chain: swapped, dropped,
reordered or re-proved slices, altered outputs, another request, tampered bytes; KZG and
Poseidon links."""

import copy
import json

import numpy as np
import pytest

from tests.targets.ezkl.conftest import mlp_sample
from zkc.compiler.artifacts.proof import ProofEnvelope
from zkc.compiler.errors import VerificationError
from zkc.targets import open_artifact

pytestmark = pytest.mark.slow


def _broken(envelope: ProofEnvelope, edit) -> ProofEnvelope:
    doc = copy.deepcopy(envelope.model_dump())
    edit(doc)
    return ProofEnvelope.model_validate(doc)


def test_a_slice_proof_swapped_in_from_another_input_is_refused(compiled, proofs):
    a, b = proofs

    def swap(doc):
        doc["slices"][1] = b.envelope.model_dump()["slices"][1]

    with pytest.raises(VerificationError, match="link 0->1 broken"):
        compiled.verify(_broken(a.envelope, swap))

    def swap_last(doc):
        doc["slices"][2] = b.envelope.model_dump()["slices"][2]
        doc["outputs"] = b.envelope.outputs  # claims consistent with the swapped-in last proof

    with pytest.raises(VerificationError, match="link 1->2 broken"):
        compiled.verify(_broken(a.envelope, swap_last))


def test_a_slice_proved_on_a_different_intermediate_tensor_is_refused(
    compiled, proofs, srs_dir, tmp_path
):
    """A valid proof of slice 1, but of a tensor other than slice 0's committed output."""
    from zkc.targets.ezkl import proving
    from zkc.targets.ezkl.chain_prove import runnable
    from zkc.targets.ezkl.proving import prove
    from zkc.targets.ezkl.srs import srs_file
    from zkc.targets.ezkl.witness import witness_dag

    a, _ = proofs
    facts = compiled.facts
    directory = compiled.path / facts.circuits[1].directory
    # Slice 0's output felts, one of them changed by one unit: the prover's own tensor.
    inputs = {k: np.asarray(v) for k, v in a.envelope.inputs.items()}
    chain = witness_dag(runnable(compiled.path, facts), compiled.spec, inputs, tmp_path)
    tampered = [list(f) for f in chain[0].witness["outputs"]]
    tampered[0][0] = _plus_one(tampered[0][0])
    (tmp_path / "forged.json").write_text(json.dumps({"input_data": tampered}))
    import ezkl

    srs = srs_file(srs_dir, facts.circuits[1].srs.logrows)
    ezkl.gen_witness(
        str(tmp_path / "forged.json"),
        str(directory / "model.compiled"),
        str(tmp_path / "w.json"),
        vk_path=str(directory / "vk.key"),
        srs_path=str(srs),
    )
    forged = prove(
        tmp_path / "w.json",
        directory / "model.compiled",
        directory / "pk.key",
        tmp_path / "p.json",
        srs,
    )
    assert proving.verify(
        tmp_path / "p.json", directory / "settings.json", directory / "vk.key", srs
    )

    def replace(doc):
        doc["slices"][1]["proof"] = forged

    with pytest.raises(VerificationError, match="link 0->1 broken"):
        compiled.verify(_broken(a.envelope, replace))


def _plus_one(felt_hex: str) -> str:
    """A field element (little-endian hex) plus one."""
    value = int.from_bytes(bytes.fromhex(felt_hex), "little") + 1
    return value.to_bytes(32, "little").hex()


def test_a_dropped_slice_is_refused(compiled, proofs):
    a, _ = proofs
    with pytest.raises(VerificationError, match="2 slice proofs for 3 slices"):
        compiled.verify(_broken(a.envelope, lambda d: d["slices"].pop(0)))


def test_reordered_slices_are_refused(compiled, proofs):
    a, _ = proofs
    with pytest.raises(VerificationError, match="is not for slice 0"):
        compiled.verify(_broken(a.envelope, lambda d: d["slices"].reverse()))

    def relabel(doc):  # reordered and relabelled: each proof is then checked against the wrong vk
        doc["slices"].reverse()
        for i, s in enumerate(doc["slices"]):
            s["index"], s["vk_sha256"] = i, a.envelope.slices[i].vk_sha256

    with pytest.raises(VerificationError):
        compiled.verify(_broken(a.envelope, relabel))


def test_an_altered_output_is_refused(compiled, proofs):
    a, _ = proofs

    def alter(doc):
        doc["outputs"]["logits"][0][3] += 1.0

    with pytest.raises(VerificationError, match="output 'logits'"):
        compiled.verify(_broken(a.envelope, alter))


def test_another_request_or_a_tampered_proof_is_refused(compiled, proofs):
    a, b = proofs
    with pytest.raises(VerificationError, match="public inputs are not the request"):
        compiled.verify(_broken(a.envelope, lambda d: d.update(inputs=b.envelope.inputs)))

    def flip(doc):
        proof = doc["slices"][0]["proof"]
        proof["proof"][1000] = (proof["proof"][1000] + 1) % 256  # past the link commitments
        proof["hex_proof"] = "0x" + bytes(proof["proof"]).hex()  # consistent, else refused sooner

    with pytest.raises(VerificationError, match="does not verify"):
        compiled.verify(_broken(a.envelope, flip))


def test_hashed_links_verify_and_refuse_a_swapped_slice(hashed_mlp, srs_dir, zoo_files):
    compiled = open_artifact(hashed_mlp.path, srs_dir)
    facts = hashed_mlp.manifest.circuit
    assert facts.link == "hashed"
    assert [(c.public_inputs, c.public_outputs) for c in facts.circuits] == [
        (64, 1),
        (1, 10),
    ]
    a = compiled.prove(mlp_sample(zoo_files, 0))
    b = compiled.prove(mlp_sample(zoo_files, 1))
    compiled.verify(a.envelope)

    def swap(doc):
        doc["slices"][1] = b.envelope.model_dump()["slices"][1]
        doc["outputs"] = b.envelope.outputs

    with pytest.raises(VerificationError, match="link 0->1 broken"):
        compiled.verify(_broken(a.envelope, swap))


def test_subnet_packaging_refuses_a_sliced_artifact(zkc, sliced_mlp, srs_dir, tmp_path):
    code, _, err = zkc(
        "package",
        sliced_mlp.path,
        "--target",
        "subnet",
        "-o",
        tmp_path / "d",
        "--name",
        "m",
        "--author",
        "a",
        "--pk-url-base",
        "https://h/c",
        "--allow-dev-srs",
        "--srs-dir",
        srs_dir,
    )
    assert code == 2 and "sliced artifact" in err and not (tmp_path / "d").exists()
