"""A model compiled as linked slices: the artifact, its inspection, and proving and verifying
it inline, in a pool, from the CLI and in fresh processes."""

import json

import numpy as np
import pytest

from tests.targets.ezkl.conftest import mlp_sample

pytestmark = pytest.mark.slow


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
    own = [c.calibrated_logrows for c in circuits]
    assert min(own) <= circuits[0].logrows <= max(own)
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
        compiled.run(mlp_sample(zoo_files, 0))["logits"]
    )


def test_default_workers_follow_the_cores(compiled, zoo_files, monkeypatch):
    from zkc.compiler.compute import runners as parallel

    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4)  # two proofs at a time
    result = compiled.prove(mlp_sample(zoo_files, 6))
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
    (tmp_path / "in.json").write_text(json.dumps({"x": mlp_sample(zoo_files, 2)["x"].tolist()}))
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
