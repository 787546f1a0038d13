"""A proof verified on the EVM, as a chain: the verifiers and the chain contract deployed, the
pieces packed into as few transactions as the block's gas allows, each sent in order."""

from dataclasses import dataclass, field

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector, keccak

from zkc.compiler.artifacts.proof import ProofEnvelope
from zkc.compiler.errors import VerificationError
from zkc.targets.ezkl.evm.build import CHAIN
from zkc.targets.ezkl.evm.calldata import (
    PieceProof,
    chain_calldata,
    claim_vectors,
    piece_hash,
    piece_proofs,
    verifier_calldata,
)
from zkc.targets.ezkl.evm.local import LocalEvm

CHAIN_OVERHEAD_GAS = 150_000  # per piece above its verifier: tables, hashing, link storage


@dataclass
class Deployment:
    """Addresses of the verifiers (by contract name) and of the chain contract."""

    verifiers: dict[str, str]
    chain: str
    gas: dict[str, int] = field(default_factory=dict)


@dataclass
class EvmVerification:
    """What the EVM said: verified or not (and why), gas per transaction, the bare verifier's
    gas per piece."""

    verified: bool
    reason: str
    transactions: list[int]
    piece_gas: list[int]


def deploy(evm: LocalEvm, doc: dict) -> Deployment:
    """Every verifier the pieces use, then the chain contract with their piece hashes."""
    contracts = doc["contracts"]
    used = sorted({p["verifier"] for p in doc["pieces"]})
    verifiers, gas = {}, {}
    for name in used:
        verifiers[name], gas[name] = evm.deploy(contracts[name]["bytecode"])
    hashes = [
        piece_hash(verifiers[p["verifier"]], [int(w, 16) for w in p["table"]])
        for p in doc["pieces"]
    ]
    chain, gas[CHAIN] = evm.deploy(contracts[CHAIN]["bytecode"], encode(["bytes32[]"], [hashes]))
    return Deployment(verifiers, chain, gas)


def pack(piece_gas: list[int], gas_limit: int) -> list[tuple[int, int]]:
    """Consecutive pieces as (start, stop) transactions, each within `gas_limit` with the
    chain's overhead."""
    batches: list[tuple[int, int]] = []
    start, used = 0, 0
    for index, gas in enumerate(piece_gas):
        cost = gas + CHAIN_OVERHEAD_GAS
        if index > start and used + cost > gas_limit:
            batches.append((start, index))
            start, used = index, 0
        used += cost
    batches.append((start, len(piece_gas)))
    return batches


def verify_on_evm(
    evm: LocalEvm, doc: dict, deployment: Deployment, envelope: ProofEnvelope, nonce: bytes
) -> EvmVerification:
    """Verify a proof file on the chain contract; never raises for a proof that fails."""
    if envelope.artifact_key != doc["artifact_key"]:
        raise VerificationError("the proof is for another artifact than these contracts")
    proofs = piece_proofs(envelope)
    if len(proofs) != len(doc["pieces"]):
        return EvmVerification(
            False, f"{len(proofs)} proofs for {len(doc['pieces'])} pieces", [], []
        )
    request, response = claim_vectors(doc, envelope)
    piece_gas = _piece_gas(evm, doc, deployment, proofs)
    spent = []
    for start, stop in pack(piece_gas, evm.gas_limit):
        items = [
            (
                deployment.verifiers[doc["pieces"][i]["verifier"]],
                [int(w, 16) for w in doc["pieces"][i]["table"]],
                proofs[i],
            )
            for i in range(start, stop)
        ]
        data = chain_calldata(nonce, start, items, request, response)
        receipt = evm.transact(deployment.chain, data)
        spent.append(receipt.gas)
        if not receipt.ok:
            return EvmVerification(False, receipt.reason, spent, piece_gas)
    done = _verified_count(evm, deployment.chain, nonce) == len(proofs)
    return EvmVerification(done, "" if done else "the chain is incomplete", spent, piece_gas)


def _piece_gas(
    evm: LocalEvm, doc: dict, deployment: Deployment, proofs: list[PieceProof]
) -> list[int]:
    """Each piece's bare verifier gas, measured once per circuit (its first piece); a failing
    piece counts as the block's limit, so it goes alone and the chain contract names why."""
    measured: dict[str, int] = {}
    for piece, proof in zip(doc["pieces"], proofs, strict=True):
        name = piece["verifier"]
        if name not in measured:
            receipt = evm.transact(deployment.verifiers[name], verifier_calldata(proof))
            measured[name] = receipt.gas if receipt.ok else evm.gas_limit
    return [measured[piece["verifier"]] for piece in doc["pieces"]]


def _verified_count(evm: LocalEvm, chain: str, nonce: bytes) -> int:
    run = keccak(encode(["address", "bytes32"], [evm.account, nonce]))
    data = function_signature_to_4byte_selector("next(bytes32)") + encode(["bytes32"], [run])
    return int(decode(["uint256"], evm.view(chain, data))[0])
