"""Start `zkc serve` on loopback for a test (dev keys: //Bob serves), and sign requests."""

import json
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx
import pytest
from bittensor import http_auth
from bittensor.keyfiles import Keypair

ALICE, BOB, CHARLIE = (Keypair.create_from_uri(u) for u in ("//Alice", "//Bob", "//Charlie"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(paths, srs_dir, *options, ready: float = 90.0):
    """`zkc serve PATHS... OPTIONS` as a child process: yields its URL once /health answers
    (and, with warm-up, once every circuit has a prove-time estimate)."""
    with serve_process(paths, srs_dir, *options, ready=ready) as (url, _):
        yield url


@contextmanager
def serve_process(paths, srs_dir, *options, ready: float = 90.0):
    """As `serving`, yielding (url, the server's Popen) so a test can signal it."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "zkc.cli",
        "serve",
        *map(str, paths),
        "--port",
        str(port),
        "--hotkey-uri",
        "//Bob",
        "--srs-dir",
        str(srs_dir),
        *map(str, options),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url, warm = f"http://127.0.0.1:{port}", "--no-warmup" not in options
    deadline = time.monotonic() + ready
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"zkc serve exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                health = httpx.get(f"{url}/health", timeout=1).json()
                if not warm or all(c["prove_seconds_estimate"] for c in health["circuits"]):
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail(f"zkc serve was not ready within {ready} s")
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=60)


def signed_post(url, path, doc, signer=ALICE, receiver=BOB, timeout=180):
    body = json.dumps(doc).encode()
    headers = http_auth.sign(
        signer, method="POST", path=path, body=body, receiver_ss58=receiver.ss58_address
    )
    return httpx.post(f"{url}{path}", content=body, headers=headers, timeout=timeout)
