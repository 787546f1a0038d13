"""Verifying the proofs of an artifact's pieces: structure, request, links, response, and every
EZKL proof.

Links (zkc.targets.ezkl.chain_build): with `polycommit` a committed part sits in unblinded
advice columns whose KZG commitments EZKL writes first in the proof (inputs' tensors, then
outputs'; 64 bytes per point in the EVM transcript); the verifier compares the producer's
output points with the consumer's input points, read from the proof bytes it verifies.
Unblinded commitments are deterministic, so they are equal exactly when the columns are.
With `hashed` each part's Poseidon hash is a public instance on both sides.

The public values (request, weights' commitment, response): zkc.targets.ezkl.chain_publics.
"""

import json
import tempfile
from pathlib import Path

import numpy as np

from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.errors import VerificationError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.targets.ezkl import proving
from zkc.targets.ezkl.chain_publics import (
    check_params,
    check_request,
    instance_layout,
    name_of,
    response,
)
from zkc.targets.ezkl.circuit import SETTINGS_FILE, VK_FILE
from zkc.targets.ezkl.srs import SrsDirectory

POINT_BYTES = 64  # a G1 point in the EVM transcript: x and y, 32 bytes each


def verify_chain(
    art_dir: Path,
    facts: ChainFacts,
    spec: IOSpec,
    entries: list[dict],
    inputs: dict,
    outputs: dict | None,
    srs_dir: SrsDirectory,
) -> dict[str, np.ndarray]:
    """Check the pieces' proofs; returns the outputs they commit to.

    Every piece's proof present, in order, each made with its circuit's verifying key; every
    proof valid; each link's commitments equal on both sides; the request parts pieces read
    are the request and the response parts they write the response. VerificationError says
    which.
    """
    publics, proofs_bytes = _structure(facts, entries)
    check_request(facts, spec, publics, inputs)
    check_params(facts, publics)
    _check_links(facts, publics, proofs_bytes)
    proved = response(facts, spec, publics, outputs)
    with tempfile.TemporaryDirectory(prefix="zkc-verify-") as tmp:
        for piece, entry in zip(facts.pieces, entries, strict=True):
            circuit = facts.circuits[piece.circuit]
            directory = Path(art_dir) / circuit.directory
            proof_path = Path(tmp) / f"proof_{piece.index:03d}.json"
            proof_path.write_text(json.dumps(entry["proof"]))
            if not proving.verify(
                proof_path,
                directory / SETTINGS_FILE,
                directory / VK_FILE,
                srs_dir.checked(circuit.srs),
            ):
                raise VerificationError(
                    f"{name_of(facts, piece.index)}: the EZKL proof does not verify against "
                    "its verifying key"
                )
    return proved


def _structure(facts: ChainFacts, entries: list[dict]) -> tuple[list[list], list[bytes]]:
    """Every piece's proof present, in order, for its circuit's key, with the circuit's count
    of public values; returns each proof's public values and raw proof bytes."""
    if len(entries) != len(facts.pieces):
        raise VerificationError(f"{len(entries)} slice proofs for {len(facts.pieces)} slices")
    publics, proofs_bytes = [], []
    for position, (entry, piece) in enumerate(zip(entries, facts.pieces, strict=True)):
        circuit = facts.circuits[piece.circuit]
        if entry.get("index") != position or entry.get("vk_sha256") != circuit.vk_sha256:
            raise VerificationError(
                f"slice proof {position} is not for slice {position} of this artifact "
                f"(index {entry.get('index')}, vk {str(entry.get('vk_sha256'))[:12]})"
            )
        proof = entry.get("proof")
        instances = proof.get("instances") if isinstance(proof, dict) else None
        if (
            not isinstance(proof, dict)
            or not isinstance(instances, list)
            or not instances
            or not isinstance(instances[0], list)
        ):
            raise VerificationError(f"{name_of(facts, position)}: proof has no public instances")
        expected = circuit.public_inputs + len(circuit.param_hashes) + circuit.public_outputs
        if len(instances[0]) != expected:
            raise VerificationError(
                f"{name_of(facts, position)}: proof has {len(instances[0])} public values, "
                f"the circuit has {expected}"
            )
        publics.append(instances[0])
        proofs_bytes.append(_proof_bytes(proof, name_of(facts, position)))
    return publics, proofs_bytes


def _proof_bytes(proof: dict, name: str) -> bytes:
    """The proof's bytes (a list of byte values), equal to its hex_proof when it has one."""
    raw = proof.get("proof")
    if (
        not isinstance(raw, list)
        or not raw
        or not all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b < 256 for b in raw)
    ):
        raise VerificationError(f"{name}: the proof's bytes are missing or not bytes")
    data = bytes(raw)
    hex_proof = proof.get("hex_proof")
    if hex_proof is not None and hex_proof != "0x" + data.hex():
        raise VerificationError(f"{name}: the proof's hex_proof is not its bytes")
    return data


def _commitment(facts: ChainFacts, piece: int, side: str, tensor: int, publics, proofs) -> list:
    """The commitment values piece `piece`'s proof carries for one input or output tensor."""
    circuit = facts.circuits[facts.pieces[piece].circuit]
    counts = circuit.input_commitments if side == "in" else circuit.output_commitments
    skip = sum(counts[:tensor]) + (sum(circuit.input_commitments) if side == "out" else 0)
    if facts.link == "hashed":
        inputs_start, _, outputs_start = instance_layout(circuit)
        first = inputs_start if side == "in" else outputs_start
        start = first + sum(counts[:tensor])
        return publics[piece][start : start + counts[tensor]]
    return _points(proofs[piece], skip, counts[tensor])


def _check_links(facts: ChainFacts, publics: list[list], proofs: list[bytes]) -> None:
    """Each link's commitments are equal on both sides: Poseidon hashes in the instances
    (hashed), or the KZG points opening the two proofs (polycommit)."""
    for link in facts.links:
        sent = _commitment(facts, link.producer, "out", link.output, publics, proofs)
        received = _commitment(facts, link.consumer, "in", link.input, publics, proofs)
        if not sent or sent != received:
            raise VerificationError(
                f"link {link.producer}->{link.consumer} broken: slice {link.consumer} was not "
                f"proved on slice {link.producer}'s output"
            )


def _points(proof: bytes, skip: int, count: int) -> list[bytes]:
    """`count` commitment points after the first `skip` ones at the start of a proof."""
    start = skip * POINT_BYTES
    if count <= 0 or len(proof) < start + count * POINT_BYTES:
        return []
    return [proof[start + k * POINT_BYTES : start + (k + 1) * POINT_BYTES] for k in range(count)]
