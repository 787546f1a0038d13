"""Digest-checked downloads from a local HTTP server: kept only when exactly the expected bytes
arrive, nothing left behind otherwise."""

import hashlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from zkc.compiler.artifacts.download import (
    PASSWORD_ENV,
    USER_ENV,
    copy_verified,
    digest_of,
    download_checked,
    env_auth,
)
from zkc.compiler.errors import ArtifactError, ToolError

DATA = b"circuit bytes " * 1000
DIGEST = "sha256:" + hashlib.sha256(DATA).hexdigest()
OTHER = "sha256:" + "0" * 64


class _Handler(BaseHTTPRequestHandler):
    """/blob: DATA; /short: DATA announced one byte longer; /denied: 401; anything else: 404."""

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("Authorization")))
        if self.path in ("/blob", f"/v2/repo/blobs/{DIGEST}"):
            self._send(200, DATA, len(DATA))
        elif self.path == "/short":
            self._send(200, DATA, len(DATA) + 1)
        elif self.path == "/denied":
            self._send(401, b"", 0)
        else:
            self._send(404, b"", 0)

    def _send(self, code, body, length):
        self.send_response(code)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def _httpd():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def server(_httpd, monkeypatch):
    """The server; its `requests` list records (path, Authorization) per request of the test."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    _httpd.requests = []
    return _httpd


def _url(httpd, path):
    return f"http://127.0.0.1:{httpd.server_address[1]}{path}"


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir())


def test_matching_bytes_are_kept(server, tmp_path):
    dest = tmp_path / "sub" / "model.compiled"
    download_checked(_url(server, "/blob"), dest, DIGEST, len(DATA))
    assert dest.read_bytes() == DATA
    assert _leftovers(dest.parent) == ["model.compiled"]


def test_the_size_may_come_from_the_server(server, tmp_path):
    download_checked(_url(server, "/blob"), tmp_path / "f", DIGEST)
    assert (tmp_path / "f").read_bytes() == DATA


def test_a_digest_mismatch_is_refused_and_keeps_the_old_file(server, tmp_path):
    dest = tmp_path / "pk.key"
    dest.write_bytes(b"the old file")
    with pytest.raises(
        ArtifactError,
        match=r"/blob: content does not match its digest sha256:000000000000… "
        r"\(tampered or corrupted\)",
    ):
        download_checked(_url(server, "/blob"), dest, OTHER, len(DATA))
    assert dest.read_bytes() == b"the old file"
    assert _leftovers(tmp_path) == ["pk.key"]


def test_a_truncated_download_is_refused(server, tmp_path):
    with pytest.raises(
        ArtifactError,
        match=f"{len(DATA)} bytes arrived, {len(DATA) + 1} expected \\(truncated download\\)",
    ):
        download_checked(_url(server, "/blob"), tmp_path / "f", DIGEST, len(DATA) + 1)
    assert _leftovers(tmp_path) == []


def test_a_short_response_is_refused(server, tmp_path):
    """The server announces one byte more than it sends, then closes the connection."""
    with pytest.raises(
        ToolError, match=r"/short: download failed \(ChunkedEncodingError\); nothing was kept"
    ):
        download_checked(_url(server, "/short"), tmp_path / "f", DIGEST)
    assert _leftovers(tmp_path) == []


def test_a_registry_url_naming_another_blob_is_refused_before_any_byte_moves(server, tmp_path):
    url = _url(server, f"/v2/repo/blobs/{DIGEST}")
    with pytest.raises(ArtifactError, match=r"names blob sha256:[0-9a-f]{12}…, but sha256:0+… is"):
        download_checked(url, tmp_path / "f", OTHER)
    assert server.requests == [] and _leftovers(tmp_path) == []
    download_checked(url, tmp_path / "f", DIGEST)
    assert (tmp_path / "f").read_bytes() == DATA


def test_http_errors_name_the_status(server, tmp_path):
    with pytest.raises(ToolError, match=r"/missing: download failed \(HTTP 404\)"):
        download_checked(_url(server, "/missing"), tmp_path / "f", DIGEST)
    with pytest.raises(
        ToolError, match=r"access denied \(HTTP 401\); the registry needs credentials"
    ):
        download_checked(_url(server, "/denied"), tmp_path / "f", DIGEST)
    with pytest.raises(ToolError, match=r"access denied \(HTTP 401\); check the user and password"):
        download_checked(_url(server, "/denied"), tmp_path / "f", DIGEST, auth=("u", "p"))
    assert server.requests[-1][1].startswith("Basic ")
    assert _leftovers(tmp_path) == []


def test_an_unreachable_server_keeps_nothing(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ToolError, match=r"download failed \(ConnectionError\); nothing was kept"):
        download_checked(f"http://127.0.0.1:{port}/blob", tmp_path / "f", DIGEST)
    assert _leftovers(tmp_path) == []


def test_copy_verified_streams_chunks(tmp_path):
    chunks = [DATA[:100], DATA[100:5000], DATA[5000:]]
    copy_verified(iter(chunks), tmp_path / "out", DIGEST, len(DATA), "blob")
    assert (tmp_path / "out").read_bytes() == DATA


def test_copy_verified_cleans_up_when_the_source_fails(tmp_path):
    def broken():
        yield DATA[:10]
        raise OSError("connection reset")

    with pytest.raises(OSError, match="connection reset"):
        copy_verified(broken(), tmp_path / "out", DIGEST, len(DATA), "blob")
    assert _leftovers(tmp_path) == []


def test_digest_of_reads_registry_blob_urls_only():
    assert digest_of(f"https://reg.example:5000/v2/org/model/blobs/{DIGEST}") == DIGEST
    assert digest_of(f"http://reg/v2/m/blobs/{DIGEST}/extra") is None
    assert digest_of("https://example.com/model.compiled") is None
    assert digest_of("http://reg/v2/m/blobs/sha256:abc") is None


def test_env_auth(monkeypatch):
    monkeypatch.delenv(USER_ENV, raising=False)
    monkeypatch.setenv(PASSWORD_ENV, "secret")
    assert env_auth() is None
    monkeypatch.setenv(USER_ENV, "miner")
    assert env_auth() == ("miner", "secret")
    monkeypatch.delenv(PASSWORD_ENV)
    assert env_auth() == ("miner", "")
