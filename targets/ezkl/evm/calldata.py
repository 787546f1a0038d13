"""Calldata: a circuit verifier's `verifyProof(bytes, uint256[])` and the chain contract's
`verify(...)` (ZkcChain.sol), from a zkc proof file."""

from dataclasses import dataclass

import numpy as np
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, keccak

from zkc.compiler.artifacts.proof import ProofEnvelope
from zkc.compiler.errors import UserInputError, VerificationError
from zkc.targets.ezkl import proving
from zkc.targets.ezkl.evm.tables import felt_int

VERIFY_PROOF = "verifyProof(bytes,uint256[])"
CHAIN_VERIFY = "verify(bytes32,uint256,(address,uint256[],bytes,uint256[])[],(uint256[],uint256[]))"
PIECE = "(address,uint256[],bytes,uint256[])"


@dataclass(frozen=True)
class PieceProof:
    """One piece's proof bytes and public values, as the EVM takes them."""

    proof: bytes
    instances: list[int]


def piece_proofs(envelope: ProofEnvelope) -> list[PieceProof]:
    """The chain's proofs in order; VerificationError when one has no bytes or instances."""
    proofs = []
    for entry in envelope.chain_entries():
        proof = entry["proof"]
        raw, instances = proof.get("proof"), proof.get("instances")
        if not isinstance(raw, list) or not isinstance(instances, list) or not instances:
            raise VerificationError(f"slice proof {entry['index']} has no proof bytes or values")
        proofs.append(PieceProof(bytes(raw), [felt_int(v) for v in instances[0]]))
    return proofs


def claim_vector(values: dict, layout: list) -> list[int]:
    """The request's (or response's) field elements in the claim's canonical order."""
    vector: list[int] = []
    for name, scale, _, size in layout:
        if name not in values:
            raise VerificationError(f"the proof file states no '{name}'")
        flat = np.asarray(values[name], dtype=np.float64).reshape(-1)
        if flat.size != size:
            raise VerificationError(f"'{name}' has {flat.size} values, the circuit's has {size}")
        vector += [felt_int(f) for f in proving.felts(flat, scale)]
    return vector


def claim_vectors(doc: dict, envelope: ProofEnvelope) -> tuple[list[int], list[int]]:
    """The request and response a proof file states, as the chain contract's claim: public
    values, or with hashed ends the Poseidon hashes its proofs carry (a caller of the chain
    contract states the hashes it expects instead)."""
    claim = doc["claim"]
    request = claim_vector(envelope.inputs, claim["request"]) if claim["request"] else []
    response = claim_vector(envelope.outputs, claim["response"]) if claim["response"] else []
    proofs = (
        piece_proofs(envelope)
        if claim.get("request_hashes") or claim.get("response_hashes")
        else []
    )
    request += [_instance(proofs, p, i) for p, i in claim.get("request_hashes", [])]
    response += [_instance(proofs, p, i) for p, i in claim.get("response_hashes", [])]
    return request, response


def _instance(proofs: list[PieceProof], piece: int, position: int) -> int:
    if piece >= len(proofs) or position >= len(proofs[piece].instances):
        raise VerificationError(f"slice proof {piece} carries no hash at instance {position}")
    return proofs[piece].instances[position]


def verifier_calldata(piece: PieceProof) -> bytes:
    return function_signature_to_4byte_selector(VERIFY_PROOF) + encode(
        ["bytes", "uint256[]"], [piece.proof, piece.instances]
    )


def piece_hash(verifier: str, table: list[int]) -> bytes:
    """What the chain contract stores per piece: keccak256(abi.encode(verifier, table))."""
    return keccak(encode(["address", "uint256[]"], [verifier, table]))


def chain_calldata(
    nonce: bytes,
    start: int,
    pieces: list[tuple[str, list[int], PieceProof]],
    request: list[int],
    response: list[int],
) -> bytes:
    """`verify(nonce, start, items, claim)` for pieces [start, start + len(pieces))."""
    items = [(address, table, p.proof, p.instances) for address, table, p in pieces]
    return function_signature_to_4byte_selector(CHAIN_VERIFY) + encode(
        ["bytes32", "uint256", f"{PIECE}[]", "(uint256[],uint256[])"],
        [nonce, start, items, (request, response)],
    )


def transactions(
    doc: dict,
    envelope: ProofEnvelope,
    deployment: object,
    per_transaction: int | None,
    nonce: bytes,
) -> list[dict[str, str]]:
    """The transactions verifying a proof: {"to", "data"} each, in order. Without a deployment,
    the bare verifier's call of a whole model's proof ("to" left empty)."""
    if envelope.artifact_key != doc["artifact_key"]:
        raise UserInputError("the proof is for another artifact than these contracts")
    proofs = piece_proofs(envelope)
    if len(proofs) != len(doc["pieces"]):
        raise UserInputError(f"{len(proofs)} proofs for {len(doc['pieces'])} pieces")
    if deployment is None:
        if len(proofs) != 1:
            raise UserInputError(
                "a sliced model is verified by its chain contract: give --deployment"
            )
        return [{"to": "", "data": "0x" + verifier_calldata(proofs[0]).hex()}]
    chain, verifiers = _addresses(deployment)
    request, response = claim_vectors(doc, envelope)
    step = per_transaction or len(proofs)
    txs = []
    for start in range(0, len(proofs), step):
        items = []
        for i in range(start, min(start + step, len(proofs))):
            piece = doc["pieces"][i]
            if piece["verifier"] not in verifiers:
                raise UserInputError(f"the deployment has no address for {piece['verifier']}")
            table = [int(w, 16) for w in piece["table"]]
            items.append((verifiers[piece["verifier"]], table, proofs[i]))
        data = chain_calldata(nonce, start, items, request, response)
        txs.append({"to": chain, "data": "0x" + data.hex()})
    return txs


def _addresses(deployment: object) -> tuple[str, dict[str, str]]:
    if (
        not isinstance(deployment, dict)
        or not isinstance(deployment.get("chain"), str)
        or not isinstance(deployment.get("verifiers"), dict)
    ):
        raise UserInputError(
            'deployment: expected {"chain": address, "verifiers": {name: address}}'
        )
    return deployment["chain"], deployment["verifiers"]
