"""`zkc serve`: an HTTP prover for one or many circuits, authenticated with bittensor's
`btauth/1`.

POST /prove/<circuit id> (or /prove when one circuit is served) with body
`{"inputs": {name: values}}`, signed by the caller's hotkey and bound to this server's hotkey.
A request is authenticated (zkc.targets.subnet.gate) and checked on arrival, then queued for
a prover process (never proved in the server's process: see zkc.targets.subnet.prover_pool).
Unsigned, badly signed, stale or replayed: 401. Signed for another receiver, or by a hotkey
not allowed: 403. Unknown circuit: 404. Body too large: 413. Input not fitting the circuit:
422 with the reason. Queue full, or no proof possible before the request's deadline: 503 with
Retry-After (zkc.targets.subnet.admission). GET /health and GET /metrics need no signature.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

from bittensor import http_auth
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from zkc.compiler.errors import UserInputError, ZkcError
from zkc.targets.subnet.admission import Admission, Refused
from zkc.targets.subnet.circuit import ServedCircuit
from zkc.targets.subnet.drain import Drain
from zkc.targets.subnet.gate import authenticate, read_limited
from zkc.targets.subnet.metrics import ServeMetrics
from zkc.targets.subnet.prover_pool import CircuitSource, ProverDied, ProverPool
from zkc.targets.subnet.replies import answer, error, refusal, response, retry_later, stopping

PROVE_PATH = "/prove"
DEFAULT_DEADLINE = 60.0  # seconds, when neither the circuit nor the server says


@dataclass
class ServePolicy:
    """Who may call, how large and how old a request may be, how long it may wait."""

    hotkey_ss58: str
    allowed_hotkeys: frozenset[str] = field(default_factory=frozenset)  # empty: any signer
    max_body_bytes: int = 1 << 20
    max_age_seconds: float = http_auth.DEFAULT_MAX_AGE
    deadline_seconds: float | None = None  # None: each circuit's timeout, else 60 s
    max_queue: int = 16
    warmup: bool = True


@dataclass
class Served:
    """A circuit the server proves, and how a prover process opens it."""

    circuit: ServedCircuit
    source: CircuitSource


def create_app(
    served: list[Served], policy: ServePolicy, pool: ProverPool, drain: Drain | None = None
) -> FastAPI:
    """The FastAPI app proving requests for `served` circuits in `pool`; once `drain` is
    active (a stop signal), new proof requests get 503 while those in flight finish."""
    drain = drain or Drain()
    by_id = {s.circuit.circuit_id: s for s in served}
    admission = Admission(pool.workers, policy.max_queue)
    metrics = ServeMetrics()
    nonces = http_auth.InMemoryNonceStore(retention=policy.max_age_seconds + 60)

    lifespan = _lifespan(served, policy, pool, admission)
    app = FastAPI(title="zkc prover", docs_url=None, redoc_url=None, lifespan=lifespan)

    _status_routes(app, served, policy, admission, metrics)

    async def handle(request: Request, circuit_id: str | None) -> JSONResponse | dict:
        if drain.active:
            return stopping()
        drain.in_flight += 1
        try:
            return await checked(request, circuit_id)
        finally:
            drain.in_flight -= 1

    async def checked(request: Request, circuit_id: str | None) -> JSONResponse | dict:
        start = time.monotonic()
        body = await read_limited(request, policy.max_body_bytes)
        if body is None:
            return error(413, f"request body exceeds {policy.max_body_bytes} bytes")
        refused = authenticate(request, body, policy, nonces)
        if refused is not None:
            return error(*refused)
        if circuit_id is None and len(by_id) == 1:
            circuit_id = next(iter(by_id))
        if circuit_id not in by_id:
            return error(
                404, f"no circuit {circuit_id!r} here; POST /prove/<id> with one of {sorted(by_id)}"
            )
        return await _prove(by_id[circuit_id], body, start, policy, admission, pool, metrics)

    @app.post(PROVE_PATH)
    async def prove_one(request: Request):
        return await handle(request, None)

    @app.post(PROVE_PATH + "/{circuit_id}")
    async def prove_by_id(request: Request, circuit_id: str):
        return await handle(request, circuit_id)

    return app


def _lifespan(
    served: list[Served], policy: ServePolicy, pool: ProverPool, admission: Admission
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: warm every circuit's provers (unless the policy says not to) while
    serving; on shutdown, stop the warm-ups still running and close the pool."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        tasks = (
            [asyncio.create_task(_warm(s, pool, admission)) for s in served]
            if policy.warmup
            else []
        )
        yield
        for task in tasks:
            task.cancel()
        pool.close()

    return lifespan


async def _prove(
    served: Served,
    body: bytes,
    start: float,
    policy: ServePolicy,
    admission: Admission,
    pool: ProverPool,
    metrics: ServeMetrics,
):
    """Check the inputs, admit or refuse at once, wait for a prover, prove, answer."""
    circuit, cid = served.circuit, served.circuit.circuit_id
    try:
        doc = json.loads(body)
        if not isinstance(doc, dict) or not isinstance(doc.get("inputs"), dict):
            raise UserInputError('body must be {"inputs": {name: values}}')
        inputs = circuit.inputs(doc["inputs"], "inputs")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return answer(metrics, cid, error(422, "body is not JSON"))
    except UserInputError as exc:
        return answer(metrics, cid, error(422, str(exc)))
    deadline = start + (policy.deadline_seconds or circuit.timeout or DEFAULT_DEADLINE)
    try:
        admission.admit(cid, deadline)
    except Refused as refused:
        return answer(metrics, cid, refusal(refused))
    admission.in_flight += 1
    try:
        await admission.wait_turn(cid, deadline)
    except Refused as refused:
        admission.in_flight -= 1
        return answer(metrics, cid, refusal(refused))
    seconds = None
    try:
        result = await pool.prove(served.source, {k: v.tolist() for k, v in inputs.items()})
        seconds = result["prove_seconds"]
    except ProverDied as exc:
        return answer(metrics, cid, retry_later(str(exc)))
    except ZkcError as exc:
        return answer(metrics, cid, error(500, str(exc)))
    finally:
        admission.done(cid, seconds)
        admission.in_flight -= 1
    metrics.prove_seconds.labels(circuit=cid).observe(seconds)
    metrics.answered(cid, 200)
    return response(circuit, result)


async def _warm(served: Served, pool: ProverPool, admission: Admission) -> None:
    """Prove one calibration sample per prover: loads the keys, measures the prove time."""
    sample = served.circuit.warmup_inputs()
    if sample is None:
        return
    jobs = [pool.prove(served.source, sample) for _ in range(pool.workers)]
    for done in asyncio.as_completed(jobs):
        try:
            seconds = (await done)["prove_seconds"]
        except ZkcError:
            continue
        old = admission.estimates.get(served.circuit.circuit_id)
        admission.estimates[served.circuit.circuit_id] = (
            seconds if old is None else max(old, seconds)
        )


def _status_routes(
    app: FastAPI,
    served: list[Served],
    policy: ServePolicy,
    admission: Admission,
    metrics: ServeMetrics,
) -> None:
    """GET /health and GET /metrics (no signature needed)."""

    @app.get("/health")
    def health_endpoint() -> dict:
        return health(served, policy, admission)

    @app.get("/metrics")
    def metrics_endpoint() -> Response:
        metrics.queued.set(admission.queued)
        metrics.proving.set(admission.proving)
        return Response(metrics.render(), media_type=metrics.content_type)


def health(served: list[Served], policy: ServePolicy, admission: Admission) -> dict:
    circuits = [
        {
            "circuit_id": s.circuit.circuit_id,
            "artifact_key": s.circuit.artifact.key,
            "inputs": [t.model_dump() for t in s.circuit.spec.inputs],
            "sliced": s.circuit.sliced,
            "prove_seconds_estimate": admission.estimates.get(s.circuit.circuit_id),
        }
        for s in served
    ]
    doc = {
        "hotkey": policy.hotkey_ss58,
        "workers": admission.workers,
        "queued": admission.queued,
        "proving": admission.proving,
        "circuits": circuits,
    }
    if len(circuits) == 1:  # one circuit: its fields at the top level as well
        doc.update({k: circuits[0][k] for k in ("circuit_id", "artifact_key", "inputs")})
    return doc
