"""Chaos bench, process faults: `zkc serve` stopped by SIGTERM (a proof in flight), SIGINT and
SIGKILL, a prover killed mid-proof, and a sliced `zkc prove` killed outright. Left behind: any
of their processes still running 15 s later."""

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from _faults_common import Model, children, left_after, row, zkc_popen
from _load import ALICE, BOB
from _serve import package_compiled, served
from bittensor import http_auth


def _post(url: str, i: int) -> httpx.Response:
    doc = {"x": [((k * 5 + i) % 16) / 16 for k in range(64)], "nonce": [0.5]}
    body = json.dumps({"inputs": doc}).encode()
    headers = http_auth.sign(
        ALICE, method="POST", path="/prove", body=body, receiver_ss58=BOB.ss58_address
    )
    return httpx.post(f"{url}/prove", content=body, headers=headers, timeout=300)


def _wait_proving(url: str) -> None:
    deadline = time.monotonic() + 60
    while httpx.get(f"{url}/health", timeout=2).json()["proving"] < 1:
        if time.monotonic() > deadline:
            raise SystemExit("the request never started proving")
        time.sleep(0.05)


def _provers(pid: int, count: int) -> list[int]:
    return [p for p in children(pid, count) if b"spawn_main" in _cmdline(p)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it ended: no command line
        return b""


def sigterm(package: Path, srs_dir: Path) -> dict:
    with served([package], srs_dir, "--workers", "1", "--no-warmup", "--grace", "60") as (
        url,
        proc,
        _,
    ):
        with ThreadPoolExecutor(1) as client:
            in_flight = client.submit(_post, url, 0)
            _wait_proving(url)
            provers = _provers(proc.pid, 1)
            start = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            refused = _post(url, 1)
            answered = in_flight.result().status_code
        code = proc.wait(timeout=90)
        seconds = round(time.perf_counter() - start, 2)
    left = left_after(provers + [proc.pid])
    outcome = (
        f"proof in flight answered {answered}; new request {refused.status_code} "
        f"(Retry-After {refused.headers.get('retry-after')}); server exit {code}"
    )
    ok = answered == 200 and refused.status_code == 503 and code == 0
    return row("zkc serve SIGTERM with a proof in flight", outcome, ok and not left, seconds, left)


def stopped(package: Path, srs_dir: Path, how: signal.Signals) -> dict:
    with served([package], srs_dir, "--workers", "2") as (url, proc, _):
        provers = _provers(proc.pid, 2)
        start = time.perf_counter()
        proc.send_signal(how)
        code = proc.wait(timeout=90)
    left = left_after(provers)
    seconds = round(time.perf_counter() - start, 2)  # until the server and its provers are gone
    outcome = f"server exit {code}; {len(provers)} warmed provers, {len(left)} alive 15 s later"
    return row(f"zkc serve {how.name} (2 warmed provers)", outcome, not left, seconds, left)


def prover_killed(package: Path, srs_dir: Path) -> dict:
    with served([package], srs_dir, "--workers", "1", "--no-warmup") as (url, proc, _):
        with ThreadPoolExecutor(1) as client:
            in_flight = client.submit(_post, url, 0)
            _wait_proving(url)
            (prover,) = _provers(proc.pid, 1)
            os.kill(prover, signal.SIGKILL)
            start = time.perf_counter()
            refused = in_flight.result()
        retried = _post(url, 1)
        seconds = round(time.perf_counter() - start, 2)
        replaced = prover not in children(proc.pid, 1)
    outcome = (
        f"its request {refused.status_code} ({refused.json().get('detail')}, Retry-After "
        f"{refused.headers.get('retry-after')}); next request {retried.status_code}"
    )
    ok = refused.status_code == 503 and retried.status_code == 200 and replaced
    return row("a prover SIGKILLed mid-proof in zkc serve", outcome, ok, seconds, [])


def prove_killed(model: Model) -> dict:
    sliced = model.compiled("mlp-sliced", "--slices", "2")
    proof = model.work / "killed-proof.json"
    proc = zkc_popen(
        "prove", sliced, model.input_json, "-o", proof, "--workers", "2", "--srs-dir", model.srs_dir
    )
    workers = [p for p in children(proc.pid, 2) if b"spawn_main" in _cmdline(p)]
    start = time.perf_counter()
    proc.kill()
    proc.wait(timeout=30)
    left = left_after(workers) + ([proof] if proof.exists() else [])
    seconds = round(time.perf_counter() - start, 2)  # until its workers are gone
    outcome = f"{len(workers)} prove workers running when killed; {len(left)} left 15 s later"
    return row(
        "zkc prove (sliced, 2 workers) SIGKILLed",
        outcome,
        bool(workers) and not left,
        seconds,
        left,
    )


def serve_faults(model: Model) -> list[dict]:
    package = package_compiled(
        model.compiled("mlp"), "mlp_digits", model.work, model.srs_dir
    ).package_dir
    rows = [sigterm(package, model.srs_dir)]
    rows += [stopped(package, model.srs_dir, how) for how in (signal.SIGINT, signal.SIGKILL)]
    return [*rows, prover_killed(package, model.srs_dir), prove_killed(model)]
