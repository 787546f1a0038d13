"""Where `zkc serve` proves: never in the server's own process (an EZKL call holds the GIL for
seconds, which would stall the event loop and let signed requests go stale before they are
even read). A spawn-context pool of worker processes, each loading the circuits it is asked
for once and keeping them; or a Dask cluster (`--scheduler`), each request one task.
"""

import asyncio
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from zkc.compiler.compute.lifecycle import process_pool, stop_pool
from zkc.compiler.errors import ToolError, UserInputError

if TYPE_CHECKING:
    from distributed import Client


class ProverDied(ToolError):
    """A prover process died (killed, out of memory) with this request's proof; the pool was
    restarted, so the same request may be sent again."""


@dataclass(frozen=True)
class CircuitSource:
    """How a worker opens a circuit: its path, pk.key and SRS directory (all picklable)."""

    circuit_id: str
    path: str
    pk_path: str | None
    srs_dir: str | None


_LOADED: dict[str, object] = {}  # per worker process: circuit id -> ServedCircuit


def _circuit(source: CircuitSource):
    from zkc.targets.subnet.circuit import load_circuit

    if source.circuit_id not in _LOADED:
        pk = Path(source.pk_path) if source.pk_path else None
        srs = Path(source.srs_dir) if source.srs_dir else None
        _LOADED[source.circuit_id] = load_circuit(source.path, pk, srs, allow_sliced=True)
    return _LOADED[source.circuit_id]


def prove_job(source: CircuitSource, inputs: dict[str, list]) -> dict:
    """Prove one request in a worker: outputs, the proof envelope and the prove seconds."""
    circuit = _circuit(source)
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in inputs.items()}
    start = time.perf_counter()
    result = circuit.artifact.prove(arrays, workers=1)
    return {
        "outputs": {k: np.asarray(v).tolist() for k, v in result.outputs.items()},
        "envelope": result.envelope.model_dump(mode="json"),
        "prove_seconds": round(time.perf_counter() - start, 4),
    }


class ProverPool:
    """`workers` worker processes (or a Dask cluster) proving requests; awaitable."""

    def __init__(self, workers: int, scheduler: str | None = None):
        self.workers, self.scheduler = workers, scheduler
        self._pool: ProcessPoolExecutor | None = None
        self._client: Client | None = None
        self._waiters: ThreadPoolExecutor | None = None
        if scheduler:
            self._connect(scheduler)
        else:
            self._start()

    def _start(self) -> None:
        self._pool = process_pool(self.workers)

    def _connect(self, scheduler: str) -> None:
        from distributed import Client

        if not scheduler.startswith(("tcp://", "tls://", "inproc://")):
            raise UserInputError(f"--scheduler {scheduler}: expected tcp://HOST:PORT")
        try:
            self._client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as exc:
            raise ToolError(
                f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})"
            ) from exc
        # Waiting on a Dask future releases the GIL: a thread per in-flight request is enough.
        self._waiters = ThreadPoolExecutor(max_workers=max(4, 4 * self.workers))

    async def prove(self, source: CircuitSource, inputs: dict[str, list]) -> dict:
        """Prove in a worker; a worker that died is replaced and ProverDied raised."""
        loop = asyncio.get_running_loop()
        if self._client is not None:
            future = self._client.submit(prove_job, source, inputs, pure=False, retries=1)
            return await loop.run_in_executor(self._waiters, future.result)
        try:
            return await loop.run_in_executor(self._pool, prove_job, source, inputs)
        except BrokenProcessPool as exc:
            if self._pool is not None:  # always: only the process pool breaks
                stop_pool(self._pool)
            self._start()
            raise ProverDied("a prover process died mid-proof; it was replaced: retry") from exc

    def close(self) -> None:
        """Stop the provers for good (terminated, reaped) or leave the cluster."""
        if self._pool is not None:
            stop_pool(self._pool)
            self._pool = None
        if self._client is not None:
            self._client.close()
            if self._waiters is not None:  # always, with a client
                self._waiters.shutdown(wait=False)
