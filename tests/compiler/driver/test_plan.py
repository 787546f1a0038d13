"""`zkc plan`'s driver on a tiny conv model with the EZKL target's cost functions (no EZKL run):
the whole model without a budget, tiles within --max-logrows, slices on request."""

import numpy as np
import pytest
from onnx import helper

from tests.graphs import save_xy_model
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.plan import plan_model
from zkc.compiler.errors import UserInputError
from zkc.targets import make_target


@pytest.fixture(scope="module")
def conv_model(tmp_path_factory):
    """y = Relu(Conv3x3(x)), x of shape (batch, 2, 16, 16), 4 output channels."""
    weight = np.random.default_rng(0).normal(size=(4, 2, 3, 3)).astype(np.float32)
    conv = helper.make_node(
        "Conv", ["x", "w"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]
    )
    relu = helper.make_node("Relu", ["c"], ["y"], name="relu")
    path = tmp_path_factory.mktemp("plan") / "conv.onnx"
    return save_xy_model(path, [conv, relu], ["N", 2, 16, 16], ["N", 4, 16, 16], [("w", weight)])


def _plan(path, **config):
    return plan_model(path, CompileConfig(**config), make_target("ezkl"))


def test_without_a_budget_the_model_is_one_circuit(conv_model):
    report = _plan(conv_model)
    assert report.pieces == 1 and len(report.circuits) == 1
    (whole,) = report.slices
    assert (whole.first, whole.nodes, whole.tiles, whole.split) == ("conv", 2, 1, None)
    assert report.unsplit_rows > 2**14  # a 16x16 conv: tens of thousands of rows
    assert sorted(p.name for p in conv_model.parent.iterdir()) == ["conv.onnx"]  # nothing built


def test_without_a_budget_the_one_circuit_is_estimated(conv_model):
    report = _plan(conv_model)
    assert report.circuits[0].logrows is not None
    assert report.piece_rows >= report.unsplit_rows * 0.9
    assert report.projected_wall_seconds[1] > 0


def test_a_budget_cuts_the_conv_into_tiles_within_it(conv_model):
    report = _plan(conv_model, max_logrows=12)
    assert report.cost_key is not None
    (conv,) = report.slices
    assert conv.tiles == report.pieces > 1
    assert conv.split.startswith("conv: ")
    assert all(c.logrows is not None and c.logrows <= 12 for c in report.circuits)
    assert sum(c.pieces for c in report.circuits) == report.pieces
    assert len(report.circuits) < report.pieces  # interior tiles share one circuit
    assert report.capacity >= report.piece_rows >= report.unsplit_rows * 0.9
    walls = report.projected_wall_seconds
    assert walls[1] >= walls[4] >= walls[16] > 0


def test_slices_on_request(conv_model):
    report = _plan(conv_model, slices=2)
    assert [(s.first, s.tiles) for s in report.slices] == [("conv", 1), ("relu", 1)]
    assert report.pieces == 2 and len(report.circuits) == 2


def test_a_budget_below_the_smallest_circuit_is_refused(conv_model):
    with pytest.raises(
        UserInputError,
        match=r"--max-logrows 5: below the smallest circuit this target builds \(logrows \d+\)",
    ):
        _plan(conv_model, max_logrows=5)


def test_the_report_reads_for_humans(conv_model):
    lines = _plan(conv_model, max_logrows=12).lines()
    assert lines[0].startswith("plan: 1 slices (1 cut into tiles), ")
    assert any("projected proving wall time by workers: 1: " in line for line in lines)
