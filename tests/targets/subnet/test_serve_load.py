"""`zkc serve` under load: requests authenticated on arrival while provers are busy, a bounded
queue and deadlines answered at once with 503 + Retry-After, many circuits (a sliced artifact
among them) in one server, /metrics; and `zkc query` verifying answers as a validator does."""

import copy
import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pytest

from tests.conftest import _compile, subdir
from tests.targets.subnet.serving import serving, signed_post
from zkc.compiler.errors import VerificationError
from zkc.targets.subnet.circuit import load_circuit
from zkc.targets.subnet.query import check_answer

pytestmark = pytest.mark.slow


def _doc(i: int) -> dict:
    return {"inputs": {"x": [((k * 3 + i) % 16) / 16 for k in range(64)], "nonce": [0.25]}}


def _at_once(url, path, docs):
    with ThreadPoolExecutor(len(docs)) as pool:
        return list(pool.map(lambda d: signed_post(url, path, d), docs))


@pytest.fixture(scope="module")
def sliced_mlp(zoo_files, srs_dir, module_tmp):
    return _compile("mlp_digits", zoo_files, srs_dir, subdir(module_tmp, "sliced"), slices=2)


def test_requests_are_authenticated_on_arrival_while_a_proof_runs(mlp_package, srs_dir):
    """Four requests at once, one prover, signatures fresh for 1.5 s (a proof takes longer):
    every one is proved; none goes stale waiting; /health answers while proving."""
    with serving(
        [mlp_package.package_dir], srs_dir, "--workers", 1, "--max-age", 1.5, "--no-warmup"
    ) as url:
        with ThreadPoolExecutor(1) as poll:
            health = poll.submit(
                lambda: (time.sleep(1.0), httpx.get(f"{url}/health", timeout=2))[1]
            )
            replies = _at_once(url, "/prove", [_doc(i) for i in range(4)])
            assert health.result().json()["proving"] == 1  # answered mid-proof
        metrics = httpx.get(f"{url}/metrics").text
    assert [r.status_code for r in replies] == [200] * 4, [r.text[:200] for r in replies]
    assert f'zkc_requests_total{{circuit="{mlp_package.circuit_id}",status="200"}} 4.0' in metrics
    assert "zkc_prove_seconds_bucket" in metrics and "zkc_queue_depth" in metrics


def test_a_full_queue_gets_503_with_retry_after_at_once(mlp_package, srs_dir):
    with serving([mlp_package.package_dir], srs_dir, "--workers", 1, "--max-queue", 0) as url:
        replies = _at_once(url, "/prove", [_doc(i) for i in range(3)])
    codes = sorted(r.status_code for r in replies)
    assert codes == [200, 503, 503], [r.text[:200] for r in replies]
    refused = [r for r in replies if r.status_code == 503]
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    assert all("queue is full" in r.json()["detail"] for r in refused)
    assert all(r.elapsed.total_seconds() < 2.0 for r in refused)  # not after a proof


def test_a_deadline_shorter_than_a_proof_is_refused_at_once(mlp_package, srs_dir):
    """With a measured prove time (warm-up) above the deadline, no request is accepted only
    to be answered late."""
    with serving([mlp_package.package_dir], srs_dir, "--workers", 1, "--deadline", 1) as url:
        reply = signed_post(url, "/prove", _doc(0))
    assert reply.status_code == 503 and "exceeds the request's deadline" in reply.json()["detail"]
    assert int(reply.headers["retry-after"]) >= 1


def test_a_request_whose_deadline_passes_in_the_queue_is_not_proved(mlp_package, srs_dir):
    """No estimate yet (no warm-up): both are admitted; the second waits past its 1 s
    deadline behind the first proof (seconds long) and is dropped unproved."""
    with serving(
        [mlp_package.package_dir], srs_dir, "--workers", 1, "--deadline", 1, "--no-warmup"
    ) as url:
        replies = _at_once(url, "/prove", [_doc(0), _doc(1)])
    dropped = [r for r in replies if r.status_code == 503]
    assert len(dropped) == 1 and "passed while it was queued" in dropped[0].json()["detail"]
    assert sorted(r.status_code for r in replies) == [200, 503]


def test_two_circuits_one_of_them_sliced_in_one_server(mlp_package, sliced_mlp, srs_dir):
    pieces = load_circuit(sliced_mlp.path, srs_dir=srs_dir, allow_sliced=True)
    whole = load_circuit(mlp_package.package_dir, srs_dir=srs_dir)
    with serving([mlp_package.package_dir, sliced_mlp.path], srs_dir, "--workers", 2) as url:
        health = httpx.get(f"{url}/health").json()
        unnamed = signed_post(url, "/prove", _doc(0))
        x = {"inputs": {"x": _doc(1)["inputs"]["x"]}}
        answers = _at_once(url, f"/prove/{pieces.circuit_id}", [x]) + _at_once(
            url, f"/prove/{whole.circuit_id}", [_doc(2)]
        )
    assert {c["circuit_id"]: c["sliced"] for c in health["circuits"]} == {
        pieces.circuit_id: True,
        whole.circuit_id: False,
    }
    assert unnamed.status_code == 404 and pieces.circuit_id in unnamed.json()["detail"]
    assert [a.status_code for a in answers] == [200, 200], [a.text[:200] for a in answers]
    arrays = pieces.inputs(x["inputs"])
    proved = check_answer(pieces, arrays, answers[0].json())
    assert len(answers[0].json()["envelope"]["slices"]) == len(pieces.artifact.facts.pieces)
    assert np.allclose(proved["logits"], pieces.artifact.run(arrays)["logits"])
    check_answer(whole, whole.inputs(_doc(2)["inputs"]), answers[1].json())
    with pytest.raises(VerificationError):  # another circuit's answer
        check_answer(whole, whole.inputs(_doc(2)["inputs"]), answers[0].json())


def test_query_verifies_the_answer_and_refuses_a_tampered_one(zkc, mlp_package, srs_dir, tmp_path):
    (tmp_path / "in.json").write_text(json.dumps(_doc(3)))
    package = str(mlp_package.package_dir)
    with serving([mlp_package.package_dir], srs_dir, "--workers", 1) as url:
        code, out, err = zkc(
            "query",
            url,
            tmp_path / "in.json",
            "--package",
            package,
            "--hotkey-uri",
            "//Alice",
            "--srs-dir",
            srs_dir,
            "--json",
        )
        answer = signed_post(url, f"/prove/{mlp_package.circuit_id}", _doc(3)).json()
        code_other, _, err_other = zkc(
            "query",
            url,
            tmp_path / "in.json",
            "--package",
            package,
            "--circuit",
            "ab" * 32,
            "--hotkey-uri",
            "//Alice",
            "--srs-dir",
            srs_dir,
        )
    assert code == 0, err
    assert json.loads(out)["verified"] is True
    assert code_other == 1 and "is not the circuit whose keys were given" in err_other
    circuit = load_circuit(mlp_package.package_dir, srs_dir=srs_dir, verify_only=True)
    inputs = circuit.inputs(_doc(3)["inputs"])
    check_answer(circuit, inputs, answer)
    changed = copy.deepcopy(answer)
    changed["outputs"]["logits"][0][0] += 1.0
    bad_proof = copy.deepcopy(answer)
    bad_proof["proof"]["proof"][40] ^= 1
    other_input = circuit.inputs(_doc(4)["inputs"])
    for doc, ins in ((changed, inputs), (bad_proof, inputs), (answer, other_input)):
        with pytest.raises(VerificationError):
            check_answer(circuit, ins, doc)
