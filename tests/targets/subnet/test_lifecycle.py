"""Nothing left behind: `zkc serve` stopped by SIGTERM or SIGINT drains (503 with Retry-After
for new requests, the proof in flight answered) and stops its provers; killed outright, its
provers notice and exit on their own."""

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.targets.subnet.serving import serve_process, signed_post
from zkc.compiler.compute.lifecycle import alive, descendants

pytestmark = pytest.mark.slow
GONE_WITHIN = 15.0  # seconds


def _doc(i: int) -> dict:
    return {"inputs": {"x": [((k * 5 + i) % 16) / 16 for k in range(64)], "nonce": [0.5]}}


def _gone(pids: list[int], within: float = GONE_WITHIN) -> list[int]:
    """The pids still alive after `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if alive(p)]


def _provers(pid: int, count: int, within: float = 60.0) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = descendants(pid)
        if len(found) >= count:
            return found
        time.sleep(0.2)
    pytest.fail(f"no {count} prover processes under {pid}")


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it ended: no command line
        return b""


def _wait_proving(url: str) -> None:
    for _ in range(600):
        if httpx.get(f"{url}/health", timeout=2).json()["proving"] >= 1:
            return
        time.sleep(0.05)
    pytest.fail("the request never started proving")


def test_sigterm_drains_answers_the_proof_in_flight_and_stops_the_provers(mlp_package, srs_dir):
    options = ("--workers", 1, "--no-warmup", "--grace", 60)
    with serve_process([mlp_package.package_dir], srs_dir, *options) as (url, proc):
        with ThreadPoolExecutor(1) as client:
            in_flight = client.submit(signed_post, url, "/prove", _doc(0))
            _wait_proving(url)
            provers = _provers(proc.pid, 1)
            proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            refused = signed_post(url, "/prove", _doc(1))
            assert in_flight.result().status_code == 200
        assert refused.status_code == 503 and int(refused.headers["retry-after"]) >= 1
        assert "stopping" in refused.json()["detail"]
        assert proc.wait(timeout=60) == 0
    assert _gone(provers) == []


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_a_stopped_or_killed_server_leaves_no_prover(mlp_package, srs_dir, how):
    with serve_process([mlp_package.package_dir], srs_dir, "--workers", 2) as (url, proc):
        provers = _provers(proc.pid, 2)  # warmed up: both provers hold the keys
        proc.send_signal(how)
        proc.wait(timeout=60)
    assert _gone(provers) == [], f"after {how.name}"


def test_a_prover_killed_mid_proof_is_replaced_and_its_request_refused_to_retry(
    mlp_package, srs_dir
):
    options = ("--workers", 1, "--no-warmup")
    with serve_process([mlp_package.package_dir], srs_dir, *options) as (url, proc):
        with ThreadPoolExecutor(1) as client:
            in_flight = client.submit(signed_post, url, "/prove", _doc(0))
            _wait_proving(url)
            (prover,) = [p for p in _provers(proc.pid, 1) if b"spawn_main" in _cmdline(p)]
            os.kill(prover, signal.SIGKILL)
            refused = in_flight.result()
        assert refused.status_code == 503 and int(refused.headers["retry-after"]) >= 1
        assert "prover process died" in refused.json()["detail"]
        assert signed_post(url, "/prove", _doc(1)).status_code == 200  # a new prover answers
        assert prover not in descendants(proc.pid)
