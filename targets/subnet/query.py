"""`zkc query`: the client side of `zkc serve`. Sign a request with a hotkey (btauth/1), send
it, and check the answer as a validator does: every proof verified against the circuit's own
keys (which the caller holds: the artifact or the package), the public inputs recomputed
from what was sent, and the outputs decoded from the proof, which must be the ones returned.
"""

import json
from dataclasses import dataclass

import httpx
import numpy as np
from bittensor import http_auth

from zkc.compiler.errors import ToolError, VerificationError
from zkc.targets.subnet.circuit import ServedCircuit


@dataclass
class QueryResult:
    """The verified outputs, the server's prove seconds and the round-trip seconds."""

    outputs: dict[str, np.ndarray]
    prove_seconds: float | None
    seconds: float


def server_hotkey(url: str, timeout: float) -> str:
    """The hotkey the server at `url` signs for (its /health)."""
    try:
        answer = httpx.get(f"{url}/health", timeout=timeout)
    except httpx.HTTPError as exc:
        raise ToolError(f"{url}: cannot reach the server ({exc})") from exc
    if answer.status_code != 200 or "hotkey" not in answer.json():
        raise ToolError(f"{url}/health: HTTP {answer.status_code}, no hotkey")
    return answer.json()["hotkey"]


def query(
    url: str,
    circuit: ServedCircuit,
    inputs: dict,
    keypair,
    receiver: str | None = None,
    timeout: float = 120.0,
) -> QueryResult:
    """Ask the server at `url` to prove `inputs` on `circuit`; the verified answer.
    VerificationError for an invalid, foreign or mismatched proof; ToolError when the server
    refuses (its status and reason)."""
    arrays = circuit.inputs(inputs, "inputs")
    body = json.dumps({"inputs": {k: v.tolist() for k, v in arrays.items()}}).encode()
    path = f"/prove/{circuit.circuit_id}"
    receiver = receiver or server_hotkey(url, timeout)
    headers = http_auth.sign(keypair, method="POST", path=path, body=body, receiver_ss58=receiver)
    try:
        answer = httpx.post(f"{url}{path}", content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ToolError(f"{url}: no answer ({type(exc).__name__}: {exc})") from exc
    if answer.status_code != 200:
        retry = answer.headers.get("retry-after")
        detail = _detail(answer)
        raise ToolError(
            f"{url}{path}: HTTP {answer.status_code}: {detail}"
            + (f" (retry after {retry} s)" if retry else "")
        )
    doc = answer.json()
    outputs = check_answer(circuit, arrays, doc)
    return QueryResult(outputs, doc.get("prove_seconds"), answer.elapsed.total_seconds())


def check_answer(
    circuit: ServedCircuit, inputs: dict[str, np.ndarray], doc: object
) -> dict[str, np.ndarray]:
    """The outputs an answer's proofs commit to, for exactly these inputs, with the circuit's
    own verifying keys; VerificationError unless the returned outputs are those."""
    if not isinstance(doc, dict) or not isinstance(doc.get("outputs"), dict):
        raise VerificationError("the answer carries no outputs")
    envelope = doc.get("envelope")
    if not isinstance(envelope, dict):
        envelope = {}
    if envelope.get("slices"):
        proofs = [entry.get("proof") for entry in envelope["slices"]]
    else:
        proofs = [doc.get("proof") or envelope.get("proof")]
    if not proofs or not all(isinstance(p, dict) for p in proofs):
        raise VerificationError("the answer carries no proof")
    if len(proofs) != len(circuit.artifact.facts.pieces):
        raise VerificationError(
            f"the answer carries {len(proofs)} proofs; the circuit has "
            f"{len(circuit.artifact.facts.pieces)} pieces"
        )
    try:
        claimed = {k: np.asarray(v, dtype=np.float64) for k, v in doc["outputs"].items()}
    except (TypeError, ValueError) as exc:
        raise VerificationError(f"the answer's outputs are not numbers ({exc})") from exc
    return circuit.artifact.verify_proofs(proofs, inputs, claimed)


def _detail(answer: httpx.Response) -> str:
    try:
        return str(answer.json().get("detail", answer.text))[:300]
    except (ValueError, AttributeError):
        return answer.text[:300]
