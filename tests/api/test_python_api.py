"""The Python API a notebook user reaches for: `zkc.compile` on a torch module, an
onnx.ModelProto or a file; `zkc.load`; `artifact.run`, `.prove`, `.verify`; `zkc.plan`; typed
errors instead of exits; and the documented example, run as a user would."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

import zkc

ROOT = Path(__file__).resolve().parents[2]


def _net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))


@pytest.fixture(scope="module")
def samples() -> np.ndarray:
    return np.random.default_rng(0).random((16, 6), dtype=np.float32)


@pytest.fixture(scope="module")
def compiled(srs_dir, module_tmp, samples):
    net = _net()
    artifact = zkc.compile(
        net, samples, output=module_tmp / "net.zkc", srs_dir=srs_dir, dev_srs=True, cache_dir=None
    )
    return net, artifact


def test_a_torch_module_compiles_runs_proves_and_verifies(compiled, samples, srs_dir, tmp_path):
    net, artifact = compiled
    assert artifact.input_names == ["input"] and artifact.output_names == ["output"]
    x = samples[3]
    expected = net(torch.from_numpy(x[None])).detach().numpy()
    assert np.allclose(artifact.run(x)["output"], expected, atol=0.05)
    proof = artifact.prove({"input": x})
    assert np.allclose(proof.outputs["output"], expected, atol=0.05)
    assert artifact.verify(proof)
    path = proof.save(tmp_path / "proof.json")
    assert zkc.load(artifact.path, srs_dir=srs_dir).verify(path)
    # the CLI reads the same file
    cli = subprocess.run(
        [sys.executable, "-m", "zkc.cli", "verify", str(artifact.path), str(path)]
        + ["--srs-dir", str(srs_dir)],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stderr


def test_a_proof_of_another_output_or_input_does_not_verify(compiled, samples):
    _, artifact = compiled
    proof = artifact.prove(samples[5])
    for field in ("outputs", "inputs"):
        forged = zkc.Proof(proof.envelope.model_copy(deep=True))
        stated = getattr(forged.envelope, field)
        name = next(iter(stated))
        values = np.asarray(stated[name])
        values.flat[0] += 0.5
        stated[name] = values.tolist()
        assert not artifact.verify(forged)
        with pytest.raises(zkc.VerificationError):
            artifact.check(forged)


def test_an_onnx_model_proto_and_dict_samples_compile_into_the_cache(srs_dir, tmp_path, samples):
    weights = np.random.default_rng(1).normal(size=(6, 2)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(weights, "w")],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    cache = tmp_path / "cache"
    calibration = {"x": samples[:, None, :]}
    artifact = zkc.compile(proto, calibration, srs_dir=srs_dir, dev_srs=True, cache_dir=cache)
    assert cache in artifact.path.parents  # no output: the artifact stays in the cache
    again = zkc.compile(proto, calibration, srs_dir=srs_dir, dev_srs=True, cache_dir=cache)
    assert again.path == artifact.path and again.key == artifact.key  # taken from the cache
    assert np.allclose(artifact.run(samples[0])["y"], samples[0] @ weights, atol=0.05)


def test_mistakes_raise_typed_one_line_errors(compiled, samples, tmp_path):
    _, artifact = compiled
    with pytest.raises(zkc.UserInputError, match="model: expected a path, an onnx.ModelProto"):
        zkc.compile(object(), samples, output=tmp_path / "x.zkc")
    with pytest.raises(zkc.UserInputError, match="no such model file"):
        zkc.compile(tmp_path / "missing.onnx", samples, output=tmp_path / "x.zkc")
    with pytest.raises(zkc.UserInputError, match="output path or a cache_dir"):
        zkc.compile(_net(), samples, cache_dir=None)
    with pytest.raises(zkc.UserInputError, match="input 'input' has shape"):
        artifact.prove(np.zeros(5, dtype=np.float32))
    with pytest.raises(zkc.UserInputError, match="unknown input 'nope'"):
        artifact.run({"nope": samples[0]})
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(zkc.UserInputError, match="not a zkc proof file"):
        artifact.verify(tmp_path / "bad.json")
    with pytest.raises(zkc.ZkcError):
        zkc.load(tmp_path)
    assert not any(tmp_path.glob("x.zkc*"))  # nothing half-written


def test_plan_of_a_torch_module_without_setting_anything_up(samples):
    report = zkc.plan(_net(), example_inputs=samples[:1])
    assert report.pieces == 1 and report.circuits and report.setup_core_seconds > 0
    sliced = zkc.plan(_net(), example_inputs=samples[:1], slices=2)
    assert len(sliced.slices) == 2


def test_the_documented_example_runs(srs_dir, tmp_path):
    script = ROOT / "docs" / "examples" / "prove_a_torch_model.py"
    run = subprocess.run(
        [sys.executable, str(script), "--srs-dir", str(srs_dir), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "verified:" in run.stdout and "does not verify" in run.stdout
