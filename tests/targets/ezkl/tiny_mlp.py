"""A three-input, two-output MLP small enough to compile in seconds, for tests of what a proof
states (visibility) and of what a verifier needs (bundles)."""

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import zkc

X = np.array([0.53, 0.27, -0.91], dtype=np.float32)


def mlp(seed: int) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    weights = {"w1": rng.normal(size=(3, 4)), "w2": rng.normal(size=(4, 2))}
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "w1"], ["h"], name="mm1"),
            helper.make_node("Relu", ["h"], ["r"], name="relu"),
            helper.make_node("MatMul", ["r", "w2"], ["y"], name="mm2"),
        ],
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in weights.items()],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    return proto


def compile_mlp(srs_dir: Path, path: Path, seed: int = 0, **options) -> zkc.Artifact:
    calibration = np.random.default_rng(1).uniform(-1, 1, (12, 1, 3)).astype(np.float32)
    options = {"input_scale": 7, "param_scale": 7, **options}
    return zkc.compile(
        mlp(seed),
        calibration,
        output=path,
        srs_dir=srs_dir,
        dev_srs=True,
        cache_dir=None,
        **options,
    )
