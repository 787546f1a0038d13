"""A real OCI registry for tests: Debian's docker-registry on 127.0.0.1, temporary config and storage."""

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

BINARY = shutil.which("docker-registry")
USER, PASSWORD = "zkc", "s3cret-pass"


@dataclass
class Registry:
    """A running registry: its host:port, storage directory and process."""

    host: str
    storage: Path
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_registry(root: Path, htpasswd: bool = False) -> Registry:
    """Start docker-registry on a free loopback port; fails the test (never skips) if it cannot."""
    if BINARY is None:
        pytest.fail(
            "docker-registry is not installed: `make test` installs it (Debian package docker-registry)"
        )
    port = _free_port()
    storage = root / "storage"
    storage.mkdir(parents=True, exist_ok=True)
    auth = ""
    if htpasswd:
        import bcrypt

        (root / "htpasswd").write_text(
            f"{USER}:{bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(5)).decode()}\n"
        )
        auth = f"auth:\n  htpasswd:\n    realm: zkc-test\n    path: {root / 'htpasswd'}\n"
    (root / "config.yml").write_text(
        f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {storage}\n"
        f"  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n{auth}"
    )
    process = subprocess.Popen(
        [BINARY, "serve", str(root / "config.yml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"docker-registry exited: {process.stderr.read().decode()[-500:]}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/v2/", timeout=1)
            return Registry(f"127.0.0.1:{port}", storage, process)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("docker-registry did not answer within 20 s")


@pytest.fixture
def registry(tmp_path_factory):
    """A fresh registry per test (tests tamper with its storage)."""
    root = tmp_path_factory.mktemp("registry")
    server = start_registry(root)
    yield server
    server.stop()
    shutil.rmtree(root)  # its blobs are a copy of an artifact per test


@pytest.fixture(scope="module")
def auth_registry(tmp_path_factory):
    root = tmp_path_factory.mktemp("auth-registry")
    server = start_registry(root, htpasswd=True)
    yield server
    server.stop()
    shutil.rmtree(root)
