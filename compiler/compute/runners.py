"""Run independent jobs (slice proofs) concurrently: a local process pool, or a Dask cluster.

Local (embedded, the default): a spawn-context process pool of `workers` processes (by
default one per two cores: one EZKL proof keeps about two cores busy), cut down so that the
jobs' estimated peak memory fits in the memory available now. A worker process that dies
(killed, out of memory) breaks the pool; the jobs it had not finished are run again in a
fresh pool, up to `retries` times, and then the run fails with an error naming them.

Cluster: `scheduler="tcp://HOST:PORT"` submits each job to a `dask.distributed` scheduler.
Workers read the artifact from a path they share with the client (the same filesystem, or
a copy at the same path) and only the witness paths and proof paths travel, or the jobs
name the files by registry URL and digest (zkc.targets.ezkl.remote). When a worker dies
mid-job the scheduler runs the job again on another worker (`retries` more times, then
KilledWorker); a timeout bounds the whole run so that it never hangs.
"""

import concurrent.futures
import os
import resource
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from zkc.compiler.artifacts.download import ShippedFiles
from zkc.compiler.compute.lifecycle import process_pool, stop_pool
from zkc.compiler.errors import ToolError, UserInputError
from zkc.compiler.limits import CORES_PER_WORKER

T = TypeVar("T")


@dataclass(frozen=True)
class ProveRunner:
    """Where a chain's proofs run: `workers` local processes (inline when one), or the Dask
    cluster at `scheduler`; with `shipped`, cluster workers fetch the circuit files by digest
    instead of reading them from a shared filesystem."""

    workers: int = 1
    scheduler: str | None = None
    shipped: ShippedFiles | None = None


def total_memory() -> int:
    """Bytes of memory this machine has (what a default plan must fit in)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable), or total memory when unknown."""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    # No procfs (not Linux): total memory, an upper bound.
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def reset_peak_rss() -> None:
    """Start this process's peak resident memory (VmHWM) afresh, so that a worker that runs
    one job after another reports each job's own peak (Linux: /proc/self/clear_refs). Where
    that is not possible the peak also covers the worker's earlier jobs, an overstatement."""
    clear_refs = Path("/proc/self/clear_refs")
    if clear_refs.exists():
        clear_refs.write_text("5")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: its own, unlike ru_maxrss, which Linux
    carries over from the parent across fork and exec)."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    # No procfs (not Linux): ru_maxrss, which may include the parent's peak.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# One EZKL proof keeps about two cores busy (EZKL_NOTES: ~180% CPU on a 2-core machine).


def default_workers() -> int:
    """Concurrent slice proofs when none is asked for: one per CORES_PER_WORKER cores."""
    return max(1, (os.cpu_count() or 1) // CORES_PER_WORKER)


def one_core_workers(workers: int, scheduler: str | None, jobs: int, threshold: int) -> int:
    """Local workers for jobs that keep one core busy each (witnesses, calibration), where a
    proof keeps two: one per core when there are at least `threshold` of them (fewer are not
    worth starting processes for), else `workers`; a cluster's own count is kept."""
    if scheduler or jobs < threshold:
        return workers
    return max(workers, os.cpu_count() or 1)


def pool_size(workers: int, jobs: int, peak_bytes: int) -> int:
    """Workers to start: at most `workers` and `jobs`, and as many as memory holds (at least 1)."""
    by_memory = max(1, available_memory() // max(peak_bytes, 1))
    return max(1, min(workers, jobs, by_memory))


def run_local(
    fn: Callable[..., T],
    jobs: Sequence[tuple[Any, ...]],
    workers: int,
    peak_bytes: int,
    retries: int = 2,
) -> list[T]:
    """fn(*job) for every job in a process pool; results in job order."""
    results: dict[int, T] = {}
    pending = list(range(len(jobs)))
    for _attempt in range(retries + 1):
        size = pool_size(workers, len(pending), peak_bytes)
        # Workers stay alive across jobs (a fresh process per job paid ~3 s of start-up and
        # imports each); a job resets its process's peak RSS (reset_peak_rss) to report its
        # own. The workers end with this process, however it ends.
        pool = process_pool(size)
        try:
            futures = {pool.submit(fn, *jobs[i]): i for i in pending}
            broken = []
            for future in concurrent.futures.as_completed(futures):
                try:
                    results[futures[future]] = future.result()
                except concurrent.futures.process.BrokenProcessPool:
                    broken.append(futures[future])
        finally:
            stop_pool(pool)
        pending = sorted(broken)
        if not pending:
            return [results[i] for i in range(len(jobs))]
    raise ToolError(f"jobs {pending} failed: their worker process died {retries + 1} times")


def run_dask(
    fn: Callable[..., T],
    jobs: Sequence[tuple[Any, ...]],
    scheduler: str,
    retries: int = 2,
    timeout: float = 3600,
) -> list[T]:
    """fn(*job) for every job on a Dask cluster; results in job order."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - a dependency of zkc
        raise ToolError("dask.distributed is not installed") from exc
    if not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise UserInputError(f"--scheduler {scheduler}: expected tcp://HOST:PORT")
    try:
        # distributed leaves Client.__init__ and Client.close unannotated
        client = Client(scheduler, timeout=10)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise ToolError(
            f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})"
        ) from exc
    try:
        futures = [client.submit(fn, *job, retries=retries, pure=False) for job in jobs]
        try:
            return (
                client.gather(futures, errors="raise", direct=False)
                if timeout is None
                else [f.result(timeout=timeout) for f in futures]
            )
        except TimeoutError as exc:
            raise ToolError(f"the cluster did not finish within {timeout:.0f} s") from exc
        except Exception as exc:  # KilledWorker and worker-side errors arrive as-is
            if type(exc).__name__ == "KilledWorker":
                raise ToolError(f"a job's workers died {retries + 1} times: {exc}") from exc
            raise
    finally:
        client.close()  # type: ignore[no-untyped-call]


def run_jobs(
    fn: Callable[..., T],
    jobs: Sequence[tuple[Any, ...]],
    workers: int = 1,
    scheduler: str | None = None,
    peak_bytes: int = 0,
    retries: int = 2,
) -> list[T]:
    """Dispatch to the cluster when a scheduler is given, else to a local pool (or inline for one worker)."""
    if scheduler:
        return run_dask(fn, jobs, scheduler, retries)
    if workers <= 1 or len(jobs) <= 1:
        return [fn(*job) for job in jobs]
    return run_local(fn, jobs, workers, peak_bytes, retries)
