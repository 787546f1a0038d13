"""The CIFAR-size zoo model: a standard ResNet-8 on 3x32x32 inputs, learned, planned within
logrows 17 into linked tiles, and its pieces equal to the whole model under onnxruntime (the
compile, proof and measurements are bench/scale.py's: too long for CI)."""

import tempfile
from pathlib import Path

import numpy as np
import onnx
import pytest

from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.build import lower
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.pieces.build import plan_pieces
from zkc.compiler.pieces.runner import PieceRunner
from zkc.compiler.planning.plan import choose_plan
from zkc.compiler.progress import Reporter
from zkc.model_zoo.export import export_zoo_model
from zkc.targets import make_target

pytestmark = pytest.mark.slow
MAX_LOGROWS = 17


@pytest.fixture(scope="module")
def resnet8(tmp_path_factory):
    root = tmp_path_factory.mktemp("resnet8")
    return export_zoo_model("resnet8_digits32", root / "r8.onnx", root / "c.npz", root / "h.npz")


def test_resnet8_is_the_cifar_layout_and_learns(resnet8):
    proto = onnx.load(str(resnet8.onnx_path))
    assert resnet8.holdout_score >= 0.95
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_value for d in dims[1:]] == [3, 32, 32]
    params = sum(int(np.prod(t.dims)) for t in proto.graph.initializer if len(t.dims) > 1)
    assert 70_000 < params < 85_000
    ops = [n.op_type for n in proto.graph.node]
    assert ops.count("Conv") == 9 and ops.count("Add") == 3  # stem, 3x2 body, 2 strided skips


class _Inputs:
    def __init__(self, path: Path, model, calibration: dict):
        self.model_path, self.model = path, model
        self.calibration = self.evaluation = calibration


def test_resnet8_tiles_within_the_budget_and_compute_the_model(resnet8):
    model = load_model(resnet8.onnx_path)
    with np.load(resnet8.holdout_path) as data:
        samples = {"x": data["x"][:3].reshape(3, 1, 3, 32, 32)}  # (samples, *batch-1 input)
    config = CompileConfig(max_logrows=MAX_LOGROWS)
    target = make_target("ezkl")
    low = lower(
        _Inputs(resnet8.onnx_path, model, samples),
        config,
        target.pipeline(config.pipeline, config.disabled_passes),
        Reporter(),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        save_model(low.model, path)
        planned = load_model(path, infer_shapes=True)
        plan = choose_plan(planned, target.circuit_costs(config), MAX_LOGROWS, None)
        build = plan_pieces(plan, path)
        models = build.models()
        spec = io_spec(planned)
    assert plan.sliced and any(s.tiles is not None for s in plan.slices)
    assert all(p.estimated_logrows <= MAX_LOGROWS for p in build.pieces)
    assert len(models) < len(build.pieces) / 2  # tiles share circuits
    runner = PieceRunner(models, build.pieces, spec)
    runner.check(low.reference, [{"x": x} for x in samples["x"]])
    for piece in build.pieces:  # every input is the model's or an earlier piece's output
        earlier = {(o.tensor, tuple(o.box)) for p in build.pieces[: piece.index] for o in p.outputs}
        assert all(i.tensor == "x" or (i.tensor, tuple(i.box)) in earlier for i in piece.inputs)
