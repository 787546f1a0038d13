"""Reduction splits: an op no tile of which fits becomes partials over groups of the axis it
reduces and a Sum; the planner then fits every piece, and the pieces compute the model."""

import numpy as np
import pytest
from onnx import helper

from tests.graphs import save_xy_model
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.pieces.build import plan_pieces
from zkc.compiler.pieces.runner import PieceRunner
from zkc.compiler.planning.plan import choose_plan
from zkc.compiler.planning.reduction_split import split_for_budget
from zkc.targets import make_target

RNG = np.random.default_rng(11)


def _model(path, node, x_shape, y_shape, consts=()):
    return save_xy_model(path, [node], x_shape, y_shape, consts)


CASES = {
    "conv": (
        12,
        lambda: helper.make_node(
            "Conv", ["x", "w", "b"], ["y"], name="op", pads=[1] * 4, kernel_shape=[3, 3]
        ),
        [1, 256, 8, 8],
        [1, 4, 8, 8],
        [
            ("w", RNG.normal(size=(4, 256, 3, 3)).astype(np.float32) / 48),
            ("b", RNG.normal(size=(4,)).astype(np.float32)),
        ],
    ),
    "gemm": (
        11,
        lambda: helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="op", transB=1),
        [1, 1024],
        [1, 2],
        [
            ("w", RNG.normal(size=(2, 1024)).astype(np.float32) / 32),
            ("b", RNG.normal(size=(2,)).astype(np.float32)),
        ],
    ),
    "matmul": (
        11,
        lambda: helper.make_node("MatMul", ["x", "w"], ["y"], name="op"),
        [1, 1024],
        [1, 3],
        [("w", RNG.normal(size=(1024, 3)).astype(np.float32) / 32)],
    ),
    "global_average_pool": (
        12,
        lambda: helper.make_node("GlobalAveragePool", ["x"], ["y"], name="op"),
        [1, 2, 64, 64],
        [1, 2, 1, 1],
        [],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_op_too_big_for_any_tile_is_split_and_still_computes_the_model(case, tmp_path):
    limit, make, x_shape, y_shape, consts = CASES[case]
    path = _model(tmp_path / "m.onnx", make(), x_shape, y_shape, consts)
    model = load_model(path, infer_shapes=True)
    costs = make_target("ezkl").circuit_costs(CompileConfig(max_logrows=limit))
    with pytest.raises(UserInputError, match="cannot partition"):
        choose_plan(model, costs, limit, None)  # unsplit, nothing fits
    assert split_for_budget(model, costs, limit) == ["op"]
    ops = [n.op_type for n in model.graph]
    assert ops[-1] == "Sum" and ops.count("Slice") >= 2
    save_model(model, tmp_path / "split.onnx")
    planned = load_model(tmp_path / "split.onnx", infer_shapes=True)
    plan = choose_plan(planned, costs, limit, None)
    build = plan_pieces(plan, tmp_path / "split.onnx")
    assert all(s.estimated_logrows <= limit for s in plan.slices)
    reference = ReferenceRunner(load_model(path))
    runner = PieceRunner(build.models(), build.pieces, io_spec(planned))
    samples = [{"x": RNG.normal(size=x_shape).astype(np.float32)} for _ in range(3)]
    runner.check(reference, samples)  # the partials and their Sum equal the op


def test_ops_that_fit_are_left_alone(tmp_path):
    _, make, x_shape, y_shape, consts = CASES["gemm"]
    model = load_model(
        _model(tmp_path / "m.onnx", make(), x_shape, y_shape, consts), infer_shapes=True
    )
    costs = make_target("ezkl").circuit_costs(CompileConfig(max_logrows=15))
    assert split_for_budget(model, costs, 15) == []
    assert [n.op_type for n in model.graph] == ["Gemm"]
