"""The default plan when the user sets no budget: whole, or linked pieces when the cost model
projects them faster at no more memory, or when only they fit this machine's memory; the
user's own budget is never second-guessed."""

import numpy as np
from onnx import helper

from tests.graphs import save_xy_model
from zkc.compiler.config import CompileConfig
from zkc.compiler.ir.model_io import load_model
from zkc.compiler.planning.budget import PlanBudget
from zkc.compiler.planning.default_budget import default_budget
from zkc.compiler.target.chain import CircuitEstimate
from zkc.targets import make_target

GB = 10**9
NO_BUDGET = PlanBudget()


def _convs(path, channels: int, size: int, layers: int):
    nodes, consts, x = [], [], "x"
    rng = np.random.default_rng(0)
    for i in range(layers):
        w = rng.normal(size=(channels, channels, 3, 3)).astype(np.float32) * 0.1
        consts.append((f"w{i}", w))
        out = "y" if i == layers - 1 else f"h{i}"
        conv = helper.make_node("Conv", [x, f"w{i}"], [f"c{i}"], pads=[1, 1, 1, 1], name=f"conv{i}")
        nodes += [conv, helper.make_node("Relu", [f"c{i}"], [out], name=f"relu{i}")]
        x = out
    shape = [1, channels, size, size]
    return save_xy_model(path, nodes, shape, shape, consts)


def _estimate(whole_penalty_from: int):
    """Seconds double per logrow; from `whole_penalty_from` up, 4x more (memory bound)."""

    def estimate(k: int) -> CircuitEstimate:
        seconds = 2.0**k / 1e4 * (4 if k >= whole_penalty_from else 1)
        return CircuitEstimate(seconds, seconds, 1.8, 2**k * 1000)

    return estimate


def _choose(path, estimate, memory=64 * GB, budget=NO_BUDGET):
    costs = make_target("ezkl").circuit_costs(CompileConfig())
    return default_budget(
        path, load_model(path, infer_shapes=True), costs, budget, estimate, memory
    )


def test_a_small_model_stays_whole_without_a_word(tmp_path):
    choice = _choose(_convs(tmp_path / "m.onnx", 2, 8, 1), _estimate(99))
    assert choice.budget == PlanBudget() and choice.reason == ""


def test_cuts_are_chosen_only_when_projected_faster(tmp_path):
    path = _convs(tmp_path / "m.onnx", 16, 32, 3)
    # seconds proportional to capacity: the pieces' extra rows make cutting no faster
    same = _choose(path, _estimate(99))
    assert same.budget == PlanBudget() and "whole circuit" in same.reason
    # large circuits cost more than their capacity: a cut wins and says why
    chosen = _choose(path, _estimate(20))
    assert chosen.budget.max_logrows is not None and chosen.budget.max_logrows < 21
    assert "linked pieces, logrows 16 (projected prove " in chosen.reason
    # the whole circuit is weighed by its form: lowered convolutions prove slower per row
    cost = make_target("ezkl").circuit_costs(CompileConfig())[0]
    time_factor, memory_factor = cost.prove_factor(list(load_model(path).graph))
    seconds, gigabytes = 2**21 / 1e4 * 4 * time_factor, 2**21 * 1000 * memory_factor / GB
    assert f"against {seconds:,.0f} s at {gigabytes:.2f} GB whole" in chosen.reason


def test_a_whole_circuit_over_the_machines_memory_is_cut(tmp_path):
    path = _convs(tmp_path / "m.onnx", 16, 32, 3)
    chosen = _choose(path, _estimate(99), memory=2**19 * 1000)
    assert chosen.budget.max_logrows is not None and chosen.budget.max_logrows < 21
    assert "over this machine's 1 GB" in chosen.reason


def test_the_users_budget_stands(tmp_path):
    path = _convs(tmp_path / "m.onnx", 16, 32, 3)
    for budget in (PlanBudget(max_logrows=21), PlanBudget(slices=2)):
        choice = _choose(path, _estimate(20), budget=budget)
        assert choice.budget == budget and choice.reason == ""
