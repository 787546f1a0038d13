"""`zkc serve`: an HTTP prover for one circuit, authenticated with bittensor's `btauth/1`.

POST /prove with body `{"inputs": {name: values}}`, signed by the caller's hotkey and bound
to this server's hotkey. Unsigned, badly signed, stale or replayed: 401. Signed for another
receiver, or by a hotkey not allowed: 403. Body too large: 413. Input not fitting the
circuit: 422 with the reason. GET /health needs no signature.
"""

import json
import threading
from dataclasses import dataclass, field

import numpy as np
from bittensor import http_auth
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from zkc.compiler.errors import UserInputError, ZkcError
from zkc.targets.subnet.circuit import ServedCircuit

PROVE_PATH = "/prove"


@dataclass
class ServePolicy:
    """Who may call, how large and how old a request may be."""

    hotkey_ss58: str
    allowed_hotkeys: frozenset[str] = field(default_factory=frozenset)  # empty: any signer
    max_body_bytes: int = 1 << 20
    max_age_seconds: float = http_auth.DEFAULT_MAX_AGE


def create_app(circuit: ServedCircuit, policy: ServePolicy) -> FastAPI:
    """The FastAPI app proving requests with `circuit` (one proof at a time: it uses both cores)."""
    app = FastAPI(title="zkc prover", docs_url=None, redoc_url=None)
    nonces = http_auth.InMemoryNonceStore(retention=policy.max_age_seconds + 60)
    proving = threading.Lock()

    def _prove(inputs):
        with proving:
            return circuit.artifact.prove(inputs, workers=1)

    @app.get("/health")
    def health() -> dict:
        return {
            "circuit_id": circuit.circuit_id,
            "artifact_key": circuit.artifact.key,
            "inputs": [t.model_dump() for t in circuit.spec.inputs],
            "hotkey": policy.hotkey_ss58,
        }

    @app.post(PROVE_PATH)
    async def prove(request: Request):
        body = await _read_limited(request, policy.max_body_bytes)
        if body is None:
            return _error(413, f"request body exceeds {policy.max_body_bytes} bytes")
        refused = _authenticate(request, body, policy, nonces)
        if refused is not None:
            return refused
        try:
            doc = json.loads(body)
            if not isinstance(doc, dict) or not isinstance(doc.get("inputs"), dict):
                raise UserInputError('body must be {"inputs": {name: values}}')
            inputs = circuit.inputs(doc["inputs"], "inputs")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(422, "body is not JSON")
        except UserInputError as exc:
            return _error(422, str(exc))
        try:
            result = await run_in_threadpool(_prove, inputs)
        except ZkcError as exc:
            return _error(500, str(exc))
        proof = result.envelope.proof
        return {
            "circuit_id": circuit.circuit_id,
            "outputs": {k: np.asarray(v).tolist() for k, v in result.outputs.items()},
            "proof": proof,
            "public_signals": proof["instances"],
            "prove_seconds": result.prove_seconds,
        }

    return app


def _authenticate(
    request: Request, body: bytes, policy: ServePolicy, nonces
) -> JSONResponse | None:
    """None when the request is signed (btauth/1) for this hotkey by an allowed caller, else the
    refusal: 401 unsigned, stale, replayed or badly signed; 403 another receiver or caller."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    try:
        caller = http_auth.verify(
            request.headers, body, method=request.method, path=target,
            self_hotkey_ss58=policy.hotkey_ss58, max_age=policy.max_age_seconds,
            nonce_store=nonces,
        )  # fmt: skip
    except http_auth.WrongReceiver as exc:
        return _error(403, str(exc))
    except http_auth.AuthError as exc:
        return _error(401, f"{type(exc).__name__}: {exc}")
    if policy.allowed_hotkeys and caller.hotkey_ss58 not in policy.allowed_hotkeys:
        return _error(403, f"hotkey {caller.hotkey_ss58} is not allowed to use this prover")
    return None


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The raw body, or None as soon as it exceeds `limit` (never buffering more than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail})
