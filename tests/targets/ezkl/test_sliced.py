"""A model compiled as linked slices: the artifact, proving (pool and Dask), and verification
that refuses every way of breaking the chain."""

import copy
import json
import sys

import numpy as np
import pytest

from tests.conftest import FAST, _compile, dev_target, subdir
from zkc.compiler.artifacts.proof import ProofEnvelope
from zkc.compiler.errors import VerificationError
from zkc.targets import open_artifact

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sliced_mlp(zoo_files, srs_dir, module_tmp):
    """mlp_digits cut into 3 slices (one node each: a middle slice has links on both sides),
    linked by KZG commitments (the default)."""
    return _compile("mlp_digits", zoo_files, srs_dir, subdir(module_tmp, "sliced"), slices=3)


@pytest.fixture(scope="module")
def hashed_mlp(zoo_files, srs_dir, module_tmp):
    """mlp_digits cut into 2 slices linked by public Poseidon hashes."""
    return _compile(
        "mlp_digits", zoo_files, srs_dir, subdir(module_tmp, "hashed"), slices=2, link="hashed"
    )


@pytest.fixture(scope="module")
def compiled(sliced_mlp, srs_dir):
    return open_artifact(sliced_mlp.path, srs_dir)


def _sample(zoo_files, index):
    data = np.load(zoo_files["mlp_digits"][2])
    return {"x": data["x"][index].reshape(64).astype(np.float64)}


@pytest.fixture(scope="module")
def proofs(compiled, zoo_files):
    """Proofs of two different requests (A with 2 workers, B inline)."""
    a = compiled.prove(_sample(zoo_files, 0), workers=2)
    b = compiled.prove(_sample(zoo_files, 1))
    return a, b


def test_artifact_holds_one_circuit_per_slice_and_the_slice_graph(sliced_mlp):
    m = sliced_mlp.manifest
    chain = m.circuit
    assert chain.sliced and chain.link == "polycommit"
    pieces, circuits = chain.pieces, chain.circuits
    assert [p.index for p in pieces] == [p.circuit for p in pieces] == [0, 1, 2]
    assert [c.directory for c in circuits] == ["slices/00", "slices/01", "slices/02"]
    assert pieces[0].outputs == pieces[1].inputs and [p.tensor for p in pieces[0].inputs] == ["x"]
    assert pieces[1].outputs == pieces[2].inputs
    assert [p.tensor for p in pieces[2].outputs] == ["logits"]
    assert circuits[0].input_scales == circuits[0].output_scales == circuits[1].input_scales
    # Every link a part committed on both sides: one KZG point per tensor here.
    assert [(link.producer, link.consumer) for link in chain.links] == [(0, 1), (1, 2)]
    assert [(c.input_commitments, c.output_commitments) for c in circuits] == [
        ([0], [1]),
        ([1], [1]),
        ([1], [0]),
    ]
    # Polycommit links: every slice set up at one logrows (a commitment depends on it).
    assert len({c.logrows for c in circuits}) == 1
    assert max(c.calibrated_logrows for c in circuits) == circuits[0].logrows
    for i in range(3):
        for name in ("model.onnx", "settings.json", "model.compiled", "vk.key", "pk.key"):
            assert f"slices/{i:02d}/{name}" in m.files
    settings = [
        json.loads((sliced_mlp.path / f"slices/{i:02d}/settings.json").read_text())
        for i in range(3)
    ]
    assert settings[0]["run_args"]["output_visibility"] == "KZGCommit"
    assert settings[1]["run_args"]["input_visibility"] == "KZGCommit"
    assert settings[1]["run_args"]["output_visibility"] == "KZGCommit"
    assert m.fidelity.top1_agreement >= 0.99
    assert all(p.nodes for p in pieces)


def test_inspect_shows_the_slices(zkc, sliced_mlp):
    code, out, _ = zkc("inspect", sliced_mlp.path)
    assert code == 0 and "slices: 3 circuits" in out and "polycommit" in out
    code, out, _ = zkc("inspect", sliced_mlp.path, "--json")
    assert len(json.loads(out)["manifest"]["circuit"]["pieces"]) == 3


def test_proof_chain_verifies_and_outputs_match_the_model(compiled, proofs, zoo_files):
    a, _ = proofs
    compiled.verify(a.envelope)
    assert len(a.envelope.slices) == 3 and len(a.run["slice_seconds"]) == 3
    assert np.argmax(a.outputs["logits"]) == np.argmax(
        compiled.run(_sample(zoo_files, 0))["logits"]
    )


def _broken(envelope: ProofEnvelope, edit) -> ProofEnvelope:
    doc = copy.deepcopy(envelope.model_dump())
    edit(doc)
    return ProofEnvelope.model_validate(doc)


def test_a_slice_proof_swapped_in_from_another_input_is_refused(compiled, proofs):
    a, b = proofs

    def swap(doc):
        doc["slices"][1] = b.envelope.model_dump()["slices"][1]

    with pytest.raises(VerificationError, match="link 0->1 broken"):
        compiled.verify(_broken(a.envelope, swap))

    def swap_last(doc):
        doc["slices"][2] = b.envelope.model_dump()["slices"][2]
        doc["outputs"] = b.envelope.outputs  # claims consistent with the swapped-in last proof

    with pytest.raises(VerificationError, match="link 1->2 broken"):
        compiled.verify(_broken(a.envelope, swap_last))


def test_a_slice_proved_on_a_different_intermediate_tensor_is_refused(
    compiled, proofs, srs_dir, tmp_path
):
    """A valid proof of slice 1, but of a tensor other than slice 0's committed output."""
    from zkc.targets.ezkl import proving
    from zkc.targets.ezkl.chain_prove import runnable
    from zkc.targets.ezkl.proving import prove
    from zkc.targets.ezkl.srs import srs_file
    from zkc.targets.ezkl.witness import witness_dag

    a, _ = proofs
    facts = compiled.facts
    directory = compiled.path / facts.circuits[1].directory
    # Slice 0's output felts, one of them changed by one unit: the prover's own tensor.
    inputs = {k: np.asarray(v) for k, v in a.envelope.inputs.items()}
    chain = witness_dag(runnable(compiled.path, facts), compiled.spec, inputs, tmp_path)
    tampered = [list(f) for f in chain[0].witness["outputs"]]
    tampered[0][0] = _plus_one(tampered[0][0])
    (tmp_path / "forged.json").write_text(json.dumps({"input_data": tampered}))
    import ezkl

    srs = srs_file(srs_dir, facts.circuits[1].srs.logrows)
    ezkl.gen_witness(
        str(tmp_path / "forged.json"),
        str(directory / "model.compiled"),
        str(tmp_path / "w.json"),
        vk_path=str(directory / "vk.key"),
        srs_path=str(srs),
    )
    forged = prove(
        tmp_path / "w.json",
        directory / "model.compiled",
        directory / "pk.key",
        tmp_path / "p.json",
        srs,
    )
    assert proving.verify(
        tmp_path / "p.json", directory / "settings.json", directory / "vk.key", srs
    )

    def replace(doc):
        doc["slices"][1]["proof"] = forged

    with pytest.raises(VerificationError, match="link 0->1 broken"):
        compiled.verify(_broken(a.envelope, replace))


def _plus_one(felt_hex: str) -> str:
    """A field element (little-endian hex) plus one."""
    value = int.from_bytes(bytes.fromhex(felt_hex), "little") + 1
    return value.to_bytes(32, "little").hex()


def test_a_dropped_slice_is_refused(compiled, proofs):
    a, _ = proofs
    with pytest.raises(VerificationError, match="2 slice proofs for 3 slices"):
        compiled.verify(_broken(a.envelope, lambda d: d["slices"].pop(0)))


def test_reordered_slices_are_refused(compiled, proofs):
    a, _ = proofs
    with pytest.raises(VerificationError, match="is not for slice 0"):
        compiled.verify(_broken(a.envelope, lambda d: d["slices"].reverse()))

    def relabel(doc):  # reordered and relabelled: each proof is then checked against the wrong vk
        doc["slices"].reverse()
        for i, s in enumerate(doc["slices"]):
            s["index"], s["vk_sha256"] = i, a.envelope.slices[i].vk_sha256

    with pytest.raises(VerificationError):
        compiled.verify(_broken(a.envelope, relabel))


def test_an_altered_output_is_refused(compiled, proofs):
    a, _ = proofs

    def alter(doc):
        doc["outputs"]["logits"][0][3] += 1.0

    with pytest.raises(VerificationError, match="output 'logits'"):
        compiled.verify(_broken(a.envelope, alter))


def test_another_request_or_a_tampered_proof_is_refused(compiled, proofs):
    a, b = proofs
    with pytest.raises(VerificationError, match="public inputs are not the request"):
        compiled.verify(_broken(a.envelope, lambda d: d.update(inputs=b.envelope.inputs)))

    def flip(doc):
        proof = doc["slices"][0]["proof"]
        proof["proof"][1000] = (proof["proof"][1000] + 1) % 256  # past the link commitments
        proof["hex_proof"] = "0x" + bytes(proof["proof"]).hex()  # consistent, else refused sooner

    with pytest.raises(VerificationError, match="does not verify"):
        compiled.verify(_broken(a.envelope, flip))


def test_default_workers_follow_the_cores(compiled, zoo_files, monkeypatch):
    from zkc.compiler.compute import runners as parallel

    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4)  # two proofs at a time
    result = compiled.prove(_sample(zoo_files, 6))
    assert result.run["workers"] == 2
    compiled.verify(result.envelope)


def test_bench_proves_every_slice_in_fresh_processes(zkc, sliced_mlp, srs_dir):
    code, out, err = zkc(
        "bench", sliced_mlp.path, "--repeat", 1, "--workers", 2, "--srs-dir", srs_dir, "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["circuits"] == 3 and len(report["logrows"]) == 3 and report["workers"] == 2
    pk = sum(e.size for p, e in sliced_mlp.manifest.files.items() if p.endswith("pk.key"))
    assert report["pk_bytes"] == pk and report["peak_rss_mb"] > 50


def test_cli_prove_and_verify_a_sliced_artifact(zkc, sliced_mlp, zoo_files, srs_dir, tmp_path):
    (tmp_path / "in.json").write_text(json.dumps({"x": _sample(zoo_files, 2)["x"].tolist()}))
    code, out, err = zkc(
        "prove",
        sliced_mlp.path,
        tmp_path / "in.json",
        "-o",
        tmp_path / "p.json",
        "--workers",
        2,
        "--srs-dir",
        srs_dir,
        "--json",
    )
    assert code == 0, err
    assert len(json.loads(out)["slices"]["slice_seconds"]) == 3
    assert zkc("verify", sliced_mlp.path, tmp_path / "p.json", "--srs-dir", srs_dir)[0] == 0
    doc = json.loads((tmp_path / "p.json").read_text())
    doc["slices"].pop()
    (tmp_path / "p.json").write_text(json.dumps(doc))
    code, _, err = zkc("verify", sliced_mlp.path, tmp_path / "p.json", "--srs-dir", srs_dir)
    assert code == 1 and "slice proofs" in err


def test_hashed_links_verify_and_refuse_a_swapped_slice(hashed_mlp, srs_dir, zoo_files):
    compiled = open_artifact(hashed_mlp.path, srs_dir)
    facts = hashed_mlp.manifest.circuit
    assert facts.link == "hashed"
    assert [(c.public_inputs, c.public_outputs) for c in facts.circuits] == [
        (64, 1),
        (1, 10),
    ]
    a = compiled.prove(_sample(zoo_files, 0))
    b = compiled.prove(_sample(zoo_files, 1))
    compiled.verify(a.envelope)

    def swap(doc):
        doc["slices"][1] = b.envelope.model_dump()["slices"][1]
        doc["outputs"] = b.envelope.outputs

    with pytest.raises(VerificationError, match="link 0->1 broken"):
        compiled.verify(_broken(a.envelope, swap))


def test_subnet_packaging_refuses_a_sliced_artifact(zkc, sliced_mlp, srs_dir, tmp_path):
    code, _, err = zkc(
        "package",
        sliced_mlp.path,
        "--target",
        "subnet",
        "-o",
        tmp_path / "d",
        "--name",
        "m",
        "--author",
        "a",
        "--pk-url-base",
        "https://h/c",
        "--allow-dev-srs",
        "--srs-dir",
        srs_dir,
    )
    assert code == 2 and "sliced artifact" in err and not (tmp_path / "d").exists()


def test_slices_prove_on_a_dask_cluster(compiled, zoo_files):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        result = compiled.prove(_sample(zoo_files, 3), scheduler=cluster.scheduler_address)
    compiled.verify(result.envelope)
    assert len(set(result.run["slice_seconds"])) == 3


def test_compile_on_a_dask_cluster_builds_the_same_artifact(
    sliced_mlp, zoo_files, srs_dir, tmp_path
):
    """Calibration and setup of the circuits, and the held-out witnesses, on a real cluster:
    byte for byte the artifact the inline compile built."""
    from distributed import Client, LocalCluster

    from zkc.compiler.compute.runners import ProveRunner
    from zkc.compiler.config import CompileConfig
    from zkc.compiler.driver.compile import CompileRequest, compile_model

    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        request = CompileRequest(
            model_path=onnx_path,
            calibration_path=calib,
            eval_path=holdout,
            output=tmp_path / "m.zkc",
            config=CompileConfig(**{**FAST, "slices": 3}),
            cache_dir=None,
            runner=ProveRunner(1, cluster.scheduler_address),
        )
        result = compile_model(request, dev_target(srs_dir))
        with Client(cluster) as client:
            ran = client.run_on_scheduler(
                lambda dask_scheduler: {
                    p: t.state_counts["forgotten"] for p, t in dask_scheduler.task_prefixes.items()
                }
            )
    assert ran.get("calibrate_job") == ran.get("setup_job") == 3, ran  # one per circuit
    assert ran.get("outputs_job", 0) > 0, ran  # the held-out witnesses
    assert result.manifest.key == sliced_mlp.manifest.key
    assert (result.path / "manifest.json").read_bytes() == (
        sliced_mlp.path / "manifest.json"
    ).read_bytes()


def test_impossible_slicing_requests_are_one_line_errors(zkc, zoo_files, srs_dir, tmp_path):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    base = [
        "compile",
        onnx_path,
        "--calibration",
        calib,
        "--eval",
        holdout,
        "--dev-srs",
        "--srs-dir",
        srs_dir,
        "--no-cache",
    ]
    code, _, err = zkc(*base, "-o", tmp_path / "a.zkc", "--slices", 9)
    assert code == 2 and "only 3 nodes" in err and not (tmp_path / "a.zkc").exists()
    code, _, err = zkc(*base, "-o", tmp_path / "b.zkc", "--max-logrows", 9)
    last = err.strip().splitlines()[-1]
    assert code == 2 and last.startswith("zkc: error: --max-logrows 9") and "11" in last


def test_a_skip_connection_spanning_a_slice_is_linked_to_its_producer(srs_dir, tmp_path):
    """A residual block cut twice: a slice reads the skip tensor from the slice that made it,
    two slices back (a link between non-neighbours), and the proofs verify."""
    from tests.compiler.planning.test_partition import residual_model
    from zkc.compiler.config import CompileConfig
    from zkc.compiler.driver.compile import CompileRequest, compile_model
    from zkc.compiler.ir.model_io import save_model

    save_model(residual_model(blocks=1), tmp_path / "res.onnx")
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "calib.npz", x=rng.normal(size=(16, 1, 6, 6)).astype(np.float32))
    result = compile_model(
        CompileRequest(
            model_path=tmp_path / "res.onnx",
            calibration_path=tmp_path / "calib.npz",
            output=tmp_path / "res.zkc",
            config=CompileConfig(slices=4, max_eval_samples=4),
            cache_dir=None,
        ),
        dev_target(srs_dir),
    )
    pieces = result.manifest.circuit.pieces
    made = {part.tensor: p.index for p in pieces for part in p.outputs}
    assert any(made.get(part.tensor, p.index) < p.index - 1 for p in pieces for part in p.inputs)
    compiled = open_artifact(result.path, srs_dir)
    proof = compiled.prove({"x": rng.normal(size=(1, 1, 6, 6))}, workers=2)
    compiled.verify(proof.envelope)


def test_a_fidelity_budget_searches_the_slices_shared_scale(zkc, zoo_files, srs_dir, tmp_path):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    code, out, err = zkc(
        "compile",
        onnx_path,
        "--calibration",
        calib,
        "--eval",
        holdout,
        "--dev-srs",
        "--srs-dir",
        srs_dir,
        "--no-cache",
        "-o",
        tmp_path / "b.zkc",
        "--slices",
        2,
        "--min-top1",
        0.99,
        "--max-error",
        0.02,
    )
    assert code == 0, err
    result = open_artifact(tmp_path / "b.zkc", srs_dir)
    circuit, fidelity = result.manifest.circuit, result.manifest.fidelity
    assert (
        f"sliced: 2 linked circuits (logrows {circuit.logrows}, {circuit.logrows}), "
        "links polycommit" in out
    )
    assert "quantization: zkc search for" in out and "shared by every slice" in out
    code, out, _ = zkc("inspect", tmp_path / "b.zkc")
    assert code == 0 and "shared by every slice" in out
    search = circuit.quantization
    assert search.method == "zkc-search-sliced"
    assert search.budget == {"max_error": 0.02, "min_top1": 0.99}
    scale = search.chosen.scale
    assert all(
        c.input_scales == [scale] * len(c.input_scales) and c.param_scale == scale
        for c in circuit.circuits
    )
    meets = {
        c.scale: c.error is None and c.top1_agreement >= 0.99 and c.max_abs_error <= 0.02
        for c in search.candidates
    }
    smallest = min(s for s, ok in meets.items() if ok)
    assert meets[scale] and not meets.get(smallest - 1, False)
    assert fidelity.top1_agreement >= 0.99 and fidelity.max_abs_error <= 0.02  # all held-out
    result.verify(result.prove(_sample(zoo_files, 5)).envelope)


def test_an_unreachable_budget_for_slices_is_a_one_line_error(zkc, zoo_files, srs_dir, tmp_path):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    code, _, err = zkc(
        "compile",
        onnx_path,
        "--calibration",
        calib,
        "--eval",
        holdout,
        "--dev-srs",
        "--srs-dir",
        srs_dir,
        "--no-cache",
        "-o",
        tmp_path / "u.zkc",
        "--slices",
        2,
        "--max-error",
        1e-9,
    )
    last = err.strip().splitlines()[-1]
    assert code == 2 and "cannot be met" in last and "best found max |error|" in last
    assert not (tmp_path / "u.zkc").exists() and not list(tmp_path.glob(".u.zkc*"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
