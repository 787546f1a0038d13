"""Verifying a chain of proofs: structure, request, links, response, and every EZKL proof.

Links (zkc.targets.ezkl.chain_build): with `polycommit` a committed tensor sits in an
unblinded advice column whose KZG commitment EZKL writes first in the proof (inputs' columns,
then outputs'; 64 bytes per point in the EVM transcript); the verifier compares circuit i's
output points with circuit i+1's input points, read from the proof bytes it verifies.
Unblinded commitments are deterministic, so they are equal exactly when the columns are.
With `hashed` the tensor's Poseidon hash is a public instance on both sides.

Instances of circuit i (one row): its inputs (felts for the first circuit; one hash per
committed tensor for `hashed`; none for `polycommit`), then its outputs (likewise).
"""

import json
import tempfile
from pathlib import Path

import numpy as np

from zkc.compiler.errors import VerificationError
from zkc.compiler.facts import ChainFacts
from zkc.compiler.io_spec import IOSpec
from zkc.targets.ezkl import proving
from zkc.targets.ezkl.circuit import SETTINGS_FILE, VK_FILE
from zkc.targets.ezkl.srs import SrsDirectory

POINT_BYTES = 64  # a G1 point in the EVM transcript: x and y, 32 bytes each


def _name(facts: ChainFacts, index: int) -> str:
    return f"slice {index}" if facts.sliced else "the circuit"


def verify_chain(art_dir: Path, facts: ChainFacts, spec: IOSpec, entries: list[dict],
                 inputs: dict, outputs: dict | None, srs_dir: SrsDirectory) -> dict[str, np.ndarray]:  # fmt: skip
    """Check a chain of proofs; returns the outputs the last circuit commits to.

    Every circuit's proof present, in order, each made with that circuit's verifying key;
    every proof valid; each link's commitments equal on both sides; the first circuit's
    public inputs are the request and the last circuit's public outputs the response.
    VerificationError says which.
    """
    publics, proofs_bytes = _chain_structure(facts, entries)
    first, last = facts.first, facts.last
    if first.run_args.get("input_visibility") != "Public":
        raise VerificationError(
            f"the circuit's inputs are {first.run_args.get('input_visibility')}, not public: "
            "its proofs cannot be checked against a request"
        )
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in inputs.items()}
    if publics[0][: first.public_inputs] != proving.input_felts(arrays, first.input_scales, spec):
        what = "the first slice's" if facts.sliced else "the proof's"
        raise VerificationError(f"{what} public inputs are not the request's inputs")
    _check_links(facts, publics, proofs_bytes)
    what = "the last slice's proof" if facts.sliced else "the proof"
    proved = proving.public_outputs(
        publics[-1][last.public_inputs :], last.output_scales, spec, outputs, what
    )
    with tempfile.TemporaryDirectory(prefix="zkc-verify-") as tmp:
        for circuit, entry in zip(facts.circuits, entries, strict=True):
            directory = Path(art_dir) / circuit.directory
            proof_path = Path(tmp) / f"proof_{circuit.index:02d}.json"
            proof_path.write_text(json.dumps(entry["proof"]))
            if not proving.verify(proof_path, directory / SETTINGS_FILE, directory / VK_FILE,
                                  srs_dir.checked(circuit.srs)):  # fmt: skip
                raise VerificationError(
                    f"{_name(facts, circuit.index)}: the EZKL proof does not verify against "
                    "its verifying key"
                )
    return proved


def _chain_structure(facts: ChainFacts, entries: list[dict]) -> tuple[list[list], list[bytes]]:
    """Every circuit's proof present, in order, for that circuit's key, with the circuit's
    count of public values; returns each proof's public values and raw proof bytes."""
    if len(entries) != len(facts.circuits):
        raise VerificationError(f"{len(entries)} slice proofs for {len(facts.circuits)} slices")
    for position, (entry, circuit) in enumerate(zip(entries, facts.circuits, strict=True)):
        if entry.get("index") != position or entry.get("vk_sha256") != circuit.vk_sha256:
            raise VerificationError(
                f"slice proof {position} is not for slice {position} of this artifact "
                f"(index {entry.get('index')}, vk {str(entry.get('vk_sha256'))[:12]})"
            )
    publics, proofs_bytes = [], []
    for circuit, entry in zip(facts.circuits, entries, strict=True):
        proof = entry.get("proof")
        instances = proof.get("instances") if isinstance(proof, dict) else None
        if not isinstance(instances, list) or not instances or not isinstance(instances[0], list):
            raise VerificationError(f"{_name(facts, circuit.index)}: proof has no public instances")
        expected = circuit.public_inputs + circuit.public_outputs
        if len(instances[0]) != expected:
            raise VerificationError(
                f"{_name(facts, circuit.index)}: proof has {len(instances[0])} public values, "
                f"the circuit has {expected}"
            )
        publics.append(instances[0])
        proofs_bytes.append(bytes(proof.get("proof") or []))
    return publics, proofs_bytes


def _check_links(facts: ChainFacts, publics: list[list], proofs: list[bytes]) -> None:
    """Each link's commitments are equal on both sides: Poseidon hashes in the instances
    (hashed), or the KZG points opening the two proofs (polycommit)."""
    circuits = facts.circuits
    for i in range(len(circuits) - 1):
        if facts.link == "hashed":
            sent = publics[i][circuits[i].public_inputs :]
            received = publics[i + 1][: circuits[i + 1].public_inputs]
        else:
            sent = _points(proofs[i], facts.commitments_in(i), facts.commitments_out(i))
            received = _points(proofs[i + 1], 0, facts.commitments_in(i + 1))
        if not sent or sent != received:
            raise VerificationError(
                f"link {i}->{i + 1} broken: slice {i + 1} was not proved on slice {i}'s output"
            )


def _points(proof: bytes, skip: int, count: int) -> list[bytes]:
    """`count` commitment points after the first `skip` ones at the start of a proof."""
    start = skip * POINT_BYTES
    if count <= 0 or len(proof) < start + count * POINT_BYTES:
        return []
    return [proof[start + k * POINT_BYTES : start + (k + 1) * POINT_BYTES] for k in range(count)]
