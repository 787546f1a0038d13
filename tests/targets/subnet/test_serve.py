"""`zkc serve` on 127.0.0.1: btauth/1-signed requests with dev keys (//Alice calls, //Bob serves)."""

import json
import time

import httpx
import pytest
from bittensor import http_auth

from tests.targets.subnet.serving import ALICE, BOB, CHARLIE, serving
from zkc.targets.subnet.circuit import load_circuit

GOOD = {"inputs": {"x": [((i * 3) % 16) / 16 for i in range(64)], "nonce": [0.75]}}
MAX_BODY = 20_000


@pytest.fixture(scope="module")
def server(mlp_package, srs_dir):
    with serving(
        [mlp_package.package_dir],
        srs_dir,
        "--allow-hotkey",
        ALICE.ss58_address,
        "--max-body-bytes",
        MAX_BODY,
        "--no-warmup",
    ) as url:
        yield url


def _post(url, doc, signer=ALICE, receiver=BOB, nonce_ns=None, body=None, headers=None):
    body = json.dumps(doc).encode() if body is None else body
    signed = http_auth.sign(
        signer,
        method="POST",
        path="/prove",
        body=body,
        receiver_ss58=receiver.ss58_address,
        nonce_ns=nonce_ns,
    )
    return httpx.post(f"{url}/prove", content=body, headers=headers or signed, timeout=120)


def test_signed_request_gets_a_proof_that_verifies(server, mlp_package, srs_dir):
    health = httpx.get(f"{server}/health").json()
    assert health["circuit_id"] == mlp_package.circuit_id
    reply = _post(server, GOOD)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["public_signals"] == body["proof"]["instances"]
    circuit = load_circuit(mlp_package.package_dir, srs_dir=srs_dir)
    proved = circuit.verify(body["proof"], GOOD["inputs"])
    assert proved["logits"].tolist() == body["outputs"]["logits"]


def test_unsigned_stale_and_replayed_requests_get_401(server):
    unsigned = httpx.post(f"{server}/prove", json=GOOD, timeout=10)
    assert unsigned.status_code == 401 and "MalformedAuth" in unsigned.json()["detail"]
    stale = _post(server, GOOD, nonce_ns=time.time_ns() - 60 * 10**9)
    assert stale.status_code == 401 and "StaleRequest" in stale.json()["detail"]
    body = json.dumps(
        {"inputs": {"x": [2.0] * 64, "nonce": [0.5]}}
    ).encode()  # 422 once auth passes
    headers = http_auth.sign(
        ALICE, method="POST", path="/prove", body=body, receiver_ss58=BOB.ss58_address
    )
    first = httpx.post(f"{server}/prove", content=body, headers=headers, timeout=10)
    assert first.status_code == 422
    replay = httpx.post(f"{server}/prove", content=body, headers=headers, timeout=10)
    assert replay.status_code == 401 and "ReplayedRequest" in replay.json()["detail"]
    forged = dict(headers, **{http_auth.HEADER_NONCE: str(time.time_ns())})
    bad = httpx.post(f"{server}/prove", content=body, headers=forged, timeout=10)
    assert bad.status_code == 401 and "BadSignature" in bad.json()["detail"]


def test_wrong_receiver_or_signer_gets_403(server):
    assert _post(server, GOOD, receiver=CHARLIE).status_code == 403
    reply = _post(server, GOOD, signer=CHARLIE)
    assert reply.status_code == 403 and CHARLIE.ss58_address in reply.json()["detail"]


def test_oversized_body_gets_413(server):
    big = {"inputs": {"x": [0.5] * 64, "nonce": [0.5]}, "pad": "x" * MAX_BODY}
    reply = _post(server, big)
    assert reply.status_code == 413 and str(MAX_BODY) in reply.json()["detail"]


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ({"inputs": {"x": [0.5] * 63, "nonce": [0.5]}}, "input 'x' has shape (63,)"),
        ({"inputs": {"x": [0.5] * 64}}, "missing input 'nonce'"),
        ({"inputs": {"x": [0.5] * 64, "nonce": [0.5], "y": [1]}}, "unknown input 'y'"),
        ({"inputs": {"x": [3.0] * 64, "nonce": [0.5]}}, "input 'x' value 3.0 outside"),
        ({"x": [0.5] * 64}, 'body must be {"inputs"'),
    ],
)
def test_invalid_input_gets_422_with_the_reason(server, doc, reason):
    reply = _post(server, doc)
    assert reply.status_code == 422 and reason in reply.json()["detail"]


def test_non_json_body_gets_422(server):
    reply = _post(server, None, body=b"\xff not json")
    assert reply.status_code == 422 and reply.json()["detail"] == "body is not JSON"
