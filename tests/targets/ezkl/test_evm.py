"""EVM verifiers in a real EVM (py-evm, in process): EZKL's verifier per circuit, compiled by the
npm registry's solc, and the chain contract (ZkcChain.sol) that verifies a sliced model's proofs
in order with their links, the request and the response, as `zkc verify` does. A tampered
proof, a swapped piece, a broken link and a changed response revert; a chain split over several
transactions verifies."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from eth_abi import decode

from tests.targets.ezkl.tiny_mlp import X, compile_mlp
from zkc.cli.main import main
from zkc.compiler.artifacts.proof import load_proof
from zkc.targets.ezkl.evm.build import load_evm
from zkc.targets.ezkl.evm.calldata import chain_calldata, claim_vectors, piece_proofs
from zkc.targets.ezkl.evm.local import LocalEvm
from zkc.targets.ezkl.evm.verify import deploy, verify_on_evm

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def solc_dir() -> Path:
    path = Path(os.environ.get("ZKC_SOLC", ROOT / "build/solc/node_modules/solc"))
    if not (path / "package.json").is_file():
        pytest.fail(f"no solc-js at {path}: run `make solc` (make test does)")
    return path


@pytest.fixture(scope="module")
def sliced(srs_dir, solc_dir, module_tmp):
    """A three-piece chain with hashed weights, its contracts, and proofs of two inputs."""
    artifact = compile_mlp(srs_dir, module_tmp / "s.zkc", slices=3, param_visibility="hashed")
    args = ["--solc", str(solc_dir), "--srs-dir", str(srs_dir)]
    assert main(["evm", str(artifact.path), "-o", str(module_tmp / "s.evm"), *args]) == 0
    proofs = [artifact.prove(x).save(module_tmp / f"p{i}.json") for i, x in enumerate([X, -X])]
    return artifact, module_tmp / "s.evm", proofs


def _verify(directory, envelope, gas_limit=30_000_000):
    doc = load_evm(directory)
    evm = LocalEvm(gas_limit)
    return verify_on_evm(evm, doc, deploy(evm, doc), envelope, os.urandom(32))


def test_a_whole_model_verifies_on_the_evm_with_ezkls_calldata(srs_dir, solc_dir, tmp_path, zkc):
    import ezkl

    artifact = compile_mlp(srs_dir, tmp_path / "a.zkc")
    proof = artifact.prove(X).save(tmp_path / "proof.json")
    # from the verifier bundle: it has all a verifier contract needs
    artifact.export_verifier(tmp_path / "v")
    args = ("--solc", solc_dir, "--srs-dir", srs_dir)
    assert zkc("evm", tmp_path / "v", "-o", tmp_path / "evm", *args)[0] == 0
    code, out, err = zkc("evm", "verify", tmp_path / "evm", proof, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["verified"] and len(report["transactions"]) == 1
    assert 200_000 < report["piece_gas"][0] < report["transactions"][0]
    # the bare verifier's calldata is EZKL's own encoding
    assert zkc("evm", "calldata", tmp_path / "evm", proof, "-o", tmp_path / "cd.json")[0] == 0
    ours = json.loads((tmp_path / "cd.json").read_text())["transactions"][0]["data"]
    (tmp_path / "raw.json").write_text(json.dumps(json.loads(proof.read_text())["proof"]))
    theirs = bytes(ezkl.encode_evm_calldata(str(tmp_path / "raw.json"), str(tmp_path / "x"), None))
    # (the same selector and arguments; EZKL appends 32 zero bytes the ABI does not read)
    mine = bytes.fromhex(ours[2:])
    assert mine[:4] == theirs[:4] and theirs.startswith(mine)
    assert decode(["bytes", "uint256[]"], mine[4:]) == decode(["bytes", "uint256[]"], theirs[4:])
    # a changed response is refused on chain as off it
    doc = json.loads(proof.read_text())
    doc["outputs"]["y"][0][0] += 1.0
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    code, _, err = zkc("evm", "verify", tmp_path / "evm", tmp_path / "bad.json")
    assert code == 1 and "request or response" in err


def test_a_sliced_chain_verifies_in_one_transaction_or_several(sliced):
    artifact, directory, proofs = sliced
    envelope = load_proof(proofs[0])
    assert envelope.slices is not None and len(envelope.slices) == 3
    one = _verify(directory, envelope)
    assert one.verified and len(one.transactions) == 1, one.reason
    several = _verify(directory, envelope, gas_limit=1_500_000)
    assert several.verified and len(several.transactions) == 3, several.reason


def test_the_chain_contract_refuses_every_attack(sliced):
    _, directory, proofs = sliced
    a, b = load_proof(proofs[0]), load_proof(proofs[1])

    def refused(envelope, why):
        result = _verify(directory, envelope)
        assert not result.verified and why in result.reason, result.reason

    tampered = a.model_copy(deep=True)
    tampered.slices[1].proof["proof"][200] ^= 1
    refused(tampered, "zkc: proof")
    swapped = a.model_copy(deep=True)
    swapped.slices[0].proof, swapped.slices[1].proof = a.slices[1].proof, a.slices[0].proof
    refused(swapped, "zkc:")
    # piece 1 proved on another input than piece 0's output: a broken link
    mixed = a.model_copy(deep=True)
    mixed.slices[1].proof = b.slices[1].proof
    refused(mixed, "zkc: link")
    changed = a.model_copy(deep=True)
    changed.outputs = {"y": (np.asarray(a.outputs["y"]) + 1.0).tolist()}
    refused(changed, "zkc: request or response")
    dropped = a.model_copy(deep=True)
    dropped.slices = dropped.slices[:2]
    refused(dropped, "2 proofs for 3 pieces")


def test_the_python_api_verifies_on_the_evm_as_the_cli_does(sliced, tmp_path, monkeypatch):
    import zkc

    artifact, directory, proofs = sliced
    contracts = zkc.EvmVerifier.load(directory)
    assert contracts.pieces == 3 and set(contracts.runtime_bytes) >= {"ZkcChain"}
    result = contracts.verify(zkc.Proof.load(proofs[0]))
    assert result.verified and len(result.transactions) == 1, result.reason
    assert result.deploy_gas["ZkcChain"] > 0 and len(result.piece_gas) == 3
    assert len(contracts.verify(proofs[0], gas_limit=1_500_000).transactions) == 3
    changed = zkc.Proof.load(proofs[0])
    changed.envelope.outputs = {"y": (np.asarray(changed.envelope.outputs["y"]) + 1.0).tolist()}
    refused = contracts.verify(changed)
    assert not refused.verified and "request or response" in refused.reason
    deployment = {"chain": "0x" + "11" * 20, "verifiers": {}}
    deployment["verifiers"] = {name: "0x" + "22" * 20 for name in contracts.runtime_bytes}
    txs = contracts.calldata(proofs[0], deployment=deployment, pieces_per_transaction=1)
    assert len(txs) == 3 and all(t["to"] == deployment["chain"] for t in txs)
    monkeypatch.delenv("ZKC_SOLC", raising=False)
    with pytest.raises(zkc.UserInputError, match="ZKC_SOLC"):
        artifact.export_evm(tmp_path / "e")
    assert not (tmp_path / "e").exists()


def test_sliced_calldata_needs_the_deployment(sliced, tmp_path, zkc):
    _, directory, proofs = sliced
    code, _, err = zkc("evm", "calldata", directory, proofs[0], "-o", tmp_path / "c.json")
    assert code == 2 and "--deployment" in err and not (tmp_path / "c.json").exists()
    deployment = {"chain": "0x" + "11" * 20, "verifiers": {}}
    for name in {p["verifier"] for p in load_evm(directory)["pieces"]}:
        deployment["verifiers"][name] = "0x" + "22" * 20
    (tmp_path / "d.json").write_text(json.dumps(deployment))
    args = ("--deployment", tmp_path / "d.json", "--pieces-per-transaction", "2")
    assert zkc("evm", "calldata", directory, proofs[0], "-o", tmp_path / "c.json", *args)[0] == 0
    txs = json.loads((tmp_path / "c.json").read_text())["transactions"]
    assert len(txs) == 2 and all(t["to"] == deployment["chain"] for t in txs)


def test_hashed_links_are_compared_in_the_public_values(srs_dir, solc_dir, tmp_path):
    artifact = compile_mlp(srs_dir, tmp_path / "h.zkc", slices=2, link="hashed")
    args = ["--solc", str(solc_dir), "--srs-dir", str(srs_dir)]
    assert main(["evm", str(artifact.path), "-o", str(tmp_path / "h.evm"), *args]) == 0
    a, b = (
        load_proof(artifact.prove(x).save(tmp_path / f"{i}.json")) for i, x in enumerate([X, -X])
    )
    assert _verify(tmp_path / "h.evm", a).verified
    mixed = a.model_copy(deep=True)
    mixed.slices[1].proof = b.slices[1].proof
    result = _verify(tmp_path / "h.evm", mixed)
    assert not result.verified and "zkc: link" in result.reason, result.reason


def test_hashed_ends_are_bound_to_the_hashes_the_caller_states(srs_dir, solc_dir, tmp_path):
    """Hashed request and response: the chain contract compares the pieces' Poseidon hashes
    with the ones its caller states, as it compares public values."""
    options = {"slices": 2, "input_visibility": "hashed", "output_visibility": "hashed"}
    artifact = compile_mlp(srs_dir, tmp_path / "e.zkc", **options)
    contracts = artifact.export_evm(tmp_path / "e.evm", solc=solc_dir)
    envelope = artifact.prove(X).envelope
    assert contracts.verify(envelope).verified
    doc = load_evm(tmp_path / "e.evm")
    request, response = claim_vectors(doc, envelope)
    assert len(request) == len(response) == 1  # one hash each: x in piece 0, y in piece 1
    evm = LocalEvm(30_000_000)
    deployment = deploy(evm, doc)
    proofs = piece_proofs(envelope)
    items = [
        (deployment.verifiers[p["verifier"]], [int(w, 16) for w in p["table"]], proof)
        for p, proof in zip(doc["pieces"], proofs, strict=True)
    ]
    stated = chain_calldata(os.urandom(32), 0, items, request, response)
    assert evm.transact(deployment.chain, stated).ok
    for other in ([request[0] ^ 1], request), (request, [response[0] ^ 1]):
        receipt = evm.transact(deployment.chain, chain_calldata(os.urandom(32), 0, items, *other))
        assert not receipt.ok and "request or response" in receipt.reason
