"""What `zkc serve` answers: proofs, refusals, errors, and /health."""

from fastapi.responses import JSONResponse

from zkc.targets.subnet.admission import Refused
from zkc.targets.subnet.circuit import ServedCircuit
from zkc.targets.subnet.drain import RETRY_AFTER
from zkc.targets.subnet.metrics import ServeMetrics


def response(circuit: ServedCircuit, result: dict) -> dict:
    """The answer: outputs and the proof (subnet style `proof` + `public_signals` for one
    circuit; the whole zkc envelope always)."""
    envelope = result["envelope"]
    answer = {
        "circuit_id": circuit.circuit_id,
        "outputs": result["outputs"],
        "envelope": envelope,
        "prove_seconds": result["prove_seconds"],
    }
    if envelope.get("proof") is not None:
        answer["proof"] = envelope["proof"]
        answer["public_signals"] = envelope["proof"]["instances"]
    return answer


def answer(metrics: ServeMetrics, circuit: str, response: JSONResponse) -> JSONResponse:
    metrics.answered(circuit, response.status_code)
    return response


def refusal(refused: Refused) -> JSONResponse:
    return JSONResponse(
        status_code=refused.status,
        content={"detail": refused.reason},
        headers={"Retry-After": str(refused.retry_after)},
    )


def stopping() -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content={"detail": "the server is stopping: it takes no new proof requests"},
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def retry_later(detail: str) -> JSONResponse:
    """503 with Retry-After: the request was not proved, but may be sent again at once."""
    return JSONResponse(status_code=503, content={"detail": detail}, headers={"Retry-After": "1"})


def error(status: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail})
