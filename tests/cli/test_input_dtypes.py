"""Integer and boolean graph inputs flow through compile (passes checked against onnxruntime,
calibration, fidelity), run, prove and verify, with each input's element type in the IO spec."""

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

pytestmark = pytest.mark.slow


def _where_gather(path):
    """y = Gather(Where(c, x, z), i, axis=1): a bool mask and int64 indices as inputs."""
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        [
            helper.make_node("Where", ["c", "x", "z"], ["w"], name="where0"),
            helper.make_node("Gather", ["w", "i"], ["y"], name="gather0", axis=1),
        ],
        "dtypes",
        [
            vi("c", TensorProto.BOOL, [1, 8]),
            vi("x", TensorProto.FLOAT, [1, 8]),
            vi("i", TensorProto.INT64, [3]),
        ],
        [vi("y", TensorProto.FLOAT, [1, 3])],
        [numpy_helper.from_array(np.linspace(-1, 1, 8, dtype=np.float32).reshape(1, 8), "z")],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_int_and_bool_inputs_compile_prove_and_verify(zkc, srs_dir, tmp_path):
    model = tmp_path / "dtypes.onnx"
    _where_gather(model)
    rng = np.random.default_rng(0)
    np.savez(
        tmp_path / "calib.npz",
        c=rng.random((24, 1, 8)) > 0.5,
        x=rng.uniform(-1, 1, (24, 1, 8)).astype(np.float32),
        i=rng.integers(0, 8, (24, 3)),
    )
    artifact = tmp_path / "dtypes.zkc"
    flags = ["--srs-dir", srs_dir, "--dev-srs", "--cache-dir", tmp_path / "cache"]
    code, _, err = zkc(
        "compile", model, "--calibration", tmp_path / "calib.npz", "-o", artifact, *flags
    )
    assert code == 0, err
    assert "one circuit: ~" in err and "rows estimated (logrows ~" in err  # before EZKL starts
    io = json.loads((artifact / "manifest.json").read_text())["io"]["inputs"]
    assert [(t["name"], t["dtype"]) for t in io] == [("c", "bool"), ("x", "float"), ("i", "int64")]

    request = {"c": [True, False] * 4, "x": [0.5] * 8, "i": [7, 0, 3]}
    (tmp_path / "in.json").write_text(json.dumps(request))
    proof = tmp_path / "proof.json"
    code, out, err = zkc("prove", artifact, tmp_path / "in.json", "-o", proof, "--srs-dir", srs_dir)
    assert code == 0, err
    expected = ort.InferenceSession(str(model)).run(
        None,
        {
            "c": np.array([request["c"]]),
            "x": np.array([request["x"]], np.float32),
            "i": np.array(request["i"], np.int64),
        },
    )[0]
    proved = np.array(json.loads(proof.read_text())["outputs"]["y"])
    np.testing.assert_allclose(proved, expected, atol=1e-2)
    assert zkc("verify", artifact, proof, "--srs-dir", srs_dir)[0] == 0

    doc = json.loads(proof.read_text())
    doc["inputs"]["i"] = [6, 0, 3]  # another index: not the request the proof is of
    (tmp_path / "other.json").write_text(json.dumps(doc))
    code, _, err = zkc("verify", artifact, tmp_path / "other.json", "--srs-dir", srs_dir)
    assert code == 1 and "public inputs are not the request's inputs" in err
