"""A node no tile of which fits is split along its reduction (partials and a summing piece):
compiled, proved and verified end to end."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.conftest import dev_target
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest, compile_model
from zkc.targets import open_artifact

pytestmark = pytest.mark.slow


def test_a_reduction_split_compiles_proves_and_verifies(srs_dir, tmp_path):
    """A Gemm over 512 inputs at --max-logrows 11: partials over halves of K and a summing
    piece, each its own circuit, linked; outputs within the fidelity of the whole model."""
    rng = np.random.default_rng(5)
    weight = (rng.normal(size=(2, 512)) / 16).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Gemm", ["x", "w"], ["g"], name="fc", transB=1),
            helper.make_node("Relu", ["g"], ["y"], name="relu"),
        ],
        "fc",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 512])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(weight, "w")],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    onnx.save(proto, str(tmp_path / "fc.onnx"))
    np.savez(tmp_path / "calib.npz", x=rng.normal(size=(16, 1, 512)).astype(np.float32))
    config = CompileConfig(max_logrows=11, max_calibration_samples=10, max_eval_samples=6)
    request = CompileRequest(
        model_path=tmp_path / "fc.onnx",
        calibration_path=tmp_path / "calib.npz",
        output=tmp_path / "fc.zkc",
        config=config,
        cache_dir=None,
    )
    result = compile_model(request, dev_target(srs_dir))
    facts = result.manifest.circuit
    assert len(facts.pieces) >= 3 and max(c.logrows for c in facts.circuits) <= 11
    assert result.manifest.fidelity.max_abs_error < 0.01
    artifact = open_artifact(result.path, srs_dir)
    x = rng.normal(size=(1, 512)).astype(np.float32)
    proved = artifact.prove({"x": x})
    outputs = artifact.verify(proved.envelope)
    expected = np.maximum(x @ weight.T, 0)
    assert np.allclose(np.asarray(outputs["y"]).reshape(-1), expected.reshape(-1), atol=0.01)
