"""The job runners slices prove with: a process pool and a real Dask LocalCluster, including
workers that die mid-job."""

import os
import sys
import time
from pathlib import Path

import pytest

from zkc.compiler.compute import runners as parallel
from zkc.compiler.errors import ToolError


def square_after(seconds: float, x: int) -> tuple[int, int, float, float]:
    """x², the worker's pid, and when the job slept (wall clock, comparable across processes)."""
    start = time.time()
    time.sleep(seconds)
    return x * x, os.getpid(), start, time.time()


def die_once(marker: str, x: int) -> int:
    """Kill the whole worker process the first time it runs (per marker file), then succeed."""
    path = Path(marker)
    if not path.exists():
        path.write_text("died")
        os._exit(17)
    return x + 1


def always_die(x: int) -> int:
    os._exit(17)


def peak_of(megabytes: int) -> tuple[int, float]:
    """Hold `megabytes` for a moment (after resetting the peak, as a prove job does)."""
    parallel.reset_peak_rss()
    block = bytearray(megabytes << 20)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    del block
    return os.getpid(), parallel.peak_rss_mb()


def test_pool_runs_jobs_concurrently_in_separate_processes():
    results = parallel.run_local(
        square_after, [(2.0, i) for i in range(2)], workers=2, peak_bytes=1
    )
    assert [r[0] for r in results] == [0, 1]
    assert len({r[1] for r in results}) == 2 and os.getpid() not in {r[1] for r in results}
    # Both slept at once: their intervals overlap (a load-independent check, unlike a wall time).
    (_, _, start_a, end_a), (_, _, start_b, end_b) = results
    assert max(start_a, start_b) < min(end_a, end_b)


@pytest.mark.parametrize("cores, expected", [(16, 8), (2, 1), (1, 1), (None, 1)])
def test_default_is_one_proof_per_two_cores(monkeypatch, cores, expected):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: cores)
    assert parallel.default_workers() == expected


@pytest.mark.parametrize(
    "workers, scheduler, jobs, expected",
    [(1, None, 7, 1), (1, None, 8, 4), (6, None, 8, 6), (1, "tcp://h:1", 99, 1)],
)
def test_one_core_jobs_spread_over_every_core_when_many(
    monkeypatch, workers, scheduler, jobs, expected
):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4)
    assert parallel.one_core_workers(workers, scheduler, jobs, threshold=8) == expected


def test_pool_size_is_bounded_by_memory(monkeypatch):
    monkeypatch.setattr(parallel, "available_memory", lambda: 10 * 2**30)
    assert parallel.pool_size(8, 8, 4 * 2**30) == 2
    assert parallel.pool_size(8, 8, 64 * 2**30) == 1  # always at least one
    assert parallel.pool_size(2, 8, 1) == 2


def test_pool_workers_serve_many_jobs_and_each_reports_its_own_peak():
    """Workers live across jobs (no start-up per job); a small job after a large one in the same
    process reports its own peak, not the process's."""
    jobs = [(400,), (400,), (8,), (8,), (8,), (8,)]
    results = parallel.run_local(peak_of, jobs, workers=2, peak_bytes=1)
    assert len({pid for pid, _ in results}) <= 2
    assert min(mb for _, mb in results[:2]) > 400
    assert max(mb for _, mb in results[2:]) < 300


def test_pool_reruns_the_job_of_a_worker_that_died(tmp_path):
    results = parallel.run_local(
        die_once, [(str(tmp_path / "m"), 1), (str(tmp_path / "n"), 2)], workers=2, peak_bytes=1
    )
    assert results == [2, 3]


def test_pool_gives_up_with_an_error_not_a_hang():
    with pytest.raises(ToolError, match="died 2 times"):
        parallel.run_local(always_die, [(1,)], workers=2, peak_bytes=1, retries=1)


@pytest.fixture(scope="module")
def cluster():
    """A real dask.distributed LocalCluster: separate worker processes under nannies."""
    import cloudpickle
    from distributed import LocalCluster

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local:
        yield local


@pytest.mark.slow
def test_dask_cluster_runs_jobs_on_its_workers(cluster):
    results = parallel.run_dask(
        square_after, [(0.2, i) for i in range(4)], cluster.scheduler_address
    )
    assert [r[0] for r in results] == [0, 1, 4, 9]
    assert os.getpid() not in {r[1] for r in results}


@pytest.mark.slow
def test_dask_reruns_a_job_whose_worker_died(cluster, tmp_path):
    start = time.perf_counter()
    results = parallel.run_dask(die_once, [(str(tmp_path / "m"), 41)], cluster.scheduler_address)
    assert results == [42] and (tmp_path / "m").read_text() == "died"
    assert time.perf_counter() - start < 120


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ToolError, match="cannot reach the Dask scheduler"):
        parallel.run_dask(square_after, [(0, 1)], "tcp://127.0.0.1:9")
