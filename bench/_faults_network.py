"""Chaos bench, network faults on loopback: a registry (Debian's docker-registry) cut mid-pull
and mid-push by a proxy that dies as a killed registry would, a registry that is down, a Dask
worker SIGKILLed mid-prove, and a scheduler that is unreachable."""

import os
import signal
import time
from pathlib import Path

import psutil
from _cutting_proxy import CuttingProxy
from _faults_common import Model, files_under, last_line, left_after, row, zkc, zkc_popen
from registry import start_registry


def _pull(ref: str, out: Path, cache: Path):
    return zkc("pull", ref, "-o", out, "--cache-dir", cache)


def registry_faults(model: Model, work: Path) -> list[dict]:
    (work / "registry").mkdir()
    process, host = start_registry(work / "registry")
    try:
        artifact = model.compiled("mlp")
        rows = [cut_pull(artifact, host, work), cut_push(artifact, host, work)]
    finally:
        process.terminate()
        process.wait(timeout=30)
    rows.append(registry_down(work))
    return rows


def cut_pull(artifact: Path, host: str, work: Path) -> dict:
    zkc("publish", artifact, f"oci://{host}/zkc/cut:1")
    proxy = CuttingProxy(host, cut_after=256 * 1024, direction="down")
    out, cache = work / "pulled", work / "pull-cache"
    cut, seconds = _pull(f"oci://{proxy.host}/zkc/cut:1", out, cache)
    left = files_under(out) + files_under(cache)
    again, recover = _pull(f"oci://{host}/zkc/cut:1", out, cache)
    outcome = f"exit {cut.returncode} after {seconds} s: {last_line(cut.stderr)}; pull again: exit {again.returncode}"
    ok = proxy.cut.is_set() and cut.returncode != 0 and again.returncode == 0
    return row("registry dies mid-pull (after 256 KiB)", outcome, ok and not left, recover, left)


def cut_push(artifact: Path, host: str, work: Path) -> dict:
    proxy = CuttingProxy(host, cut_after=512 * 1024, direction="up")
    cut, seconds = zkc("publish", artifact, f"oci://{proxy.host}/zkc/half:1")
    tagged, _ = _pull(f"oci://{host}/zkc/half:1", work / "half", work / "half-cache")
    again, recover = zkc("publish", artifact, f"oci://{host}/zkc/half:1")
    outcome = (
        f"exit {cut.returncode} after {seconds} s: {last_line(cut.stderr)}; tag pulled before "
        f"republishing: exit {tagged.returncode}; publish again: exit {again.returncode}"
    )
    ok = (
        proxy.cut.is_set()
        and cut.returncode != 0
        and tagged.returncode != 0
        and again.returncode == 0
    )
    left = files_under(work / "half") + files_under(work / "half-cache")
    return row("registry dies mid-publish (after 512 KiB)", outcome, ok and not left, recover, left)


def registry_down(work: Path) -> dict:
    out, cache = work / "down", work / "down-cache"
    run, seconds = _pull("oci://127.0.0.1:9/zkc/none:1", out, cache)
    left = files_under(out) + files_under(cache)
    outcome = f"exit {run.returncode} after {seconds} s: {last_line(run.stderr)}"
    return row(
        "registry down (nothing listening)",
        outcome,
        run.returncode != 0 and not left,
        seconds,
        left,
    )


def _busy(pids: list[int], threshold: float = 50.0) -> int | None:
    """A pid among `pids` using at least `threshold`% of a core over 0.3 s, if any."""
    procs = [psutil.Process(p) for p in pids if psutil.pid_exists(p)]
    for p in procs:
        p.cpu_percent(None)
    time.sleep(0.3)
    return next((p.pid for p in procs if p.is_running() and p.cpu_percent(None) >= threshold), None)


def dask_worker_killed(model: Model, work: Path) -> dict:
    from distributed import Client, LocalCluster

    sliced = model.compiled("mlp-sliced", "--slices", "2")
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        with Client(cluster) as client:
            workers = list(client.run(os.getpid).values())
        proof = work / "dask-proof.json"
        prove = zkc_popen(
            "prove",
            sliced,
            model.input_json,
            "-o",
            proof,
            "--scheduler",
            cluster.scheduler_address,
            "--srs-dir",
            model.srs_dir,
        )
        start, victim = time.perf_counter(), None
        while victim is None and prove.poll() is None:
            victim = _busy(workers)
        if victim is not None:
            os.kill(victim, signal.SIGKILL)
        code = prove.wait(timeout=900)
        seconds = round(time.perf_counter() - start, 2)
        stderr = prove.stderr.read().decode()
    verified, _ = zkc("verify", sliced, proof, "--srs-dir", model.srs_dir)
    left = left_after(workers)
    outcome = (
        f"{'a busy worker SIGKILLed mid-proof' if victim else 'NO worker caught proving'}; "
        f"prove exit {code}{': ' + last_line(stderr) if code else ''}; verify exit {verified.returncode}"
    )
    ok = victim is not None and code == 0 and verified.returncode == 0
    return row(
        "Dask worker killed mid-prove (sliced mlp, 2 workers)",
        outcome,
        ok and not left,
        seconds,
        left,
    )


def scheduler_unreachable(model: Model, work: Path) -> dict:
    sliced = model.compiled("mlp-sliced", "--slices", "2")
    run, seconds = zkc(
        "prove",
        sliced,
        model.input_json,
        "-o",
        work / "none.json",
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--srs-dir",
        model.srs_dir,
    )
    left = [work / "none.json"] if (work / "none.json").exists() else []
    outcome = f"exit {run.returncode} after {seconds} s: {last_line(run.stderr)}"
    return row(
        "Dask scheduler unreachable", outcome, run.returncode != 0 and not left, seconds, left
    )


def network_faults(model: Model, work: Path) -> list[dict]:
    return [
        *registry_faults(model, work),
        dask_worker_killed(model, work),
        scheduler_unreachable(model, work),
    ]
