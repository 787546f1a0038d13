"""The plan a compile builds (zkc.compiler.planning.plan): the whole model unless a budget asks
for cuts (or it fits), every circuit within --max-logrows, exactly --slices circuits, tiles
for an op over the budget, and errors that name what does not fit; on a hand-made cost and on
the EZKL target's."""

import math
from dataclasses import dataclass

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import shaped_model
from tests.graphs import tensor
from zkc.compiler.config import CompileConfig
from zkc.compiler.errors import UserInputError
from zkc.compiler.planning.plan import choose_plan, plan_partition, search_space
from zkc.targets import make_target

RNG = np.random.default_rng(12)


@dataclass(frozen=True)
class RowCost:
    """100 rows a node (a conv: one a multiply-accumulate); a circuit's rows are its body and
    what it links; logrows the power of two above them."""

    key: str = "rows"
    uniform: bool = False
    min_logrows: int = 1
    softmax_rows: float = 100.0

    def node_rows(self, node) -> float:
        if node.op_type == "Conv":
            return math.prod(node.outputs[0].shape) * math.prod(node.inputs[1].shape[1:])
        return self.softmax_rows if node.op_type == "Softmax" else 100.0

    def circuit_size(self, body, link_elements, link_tensors, end_elements, margin=True):
        rows = body + link_elements
        return rows, max(self.min_logrows, math.ceil(math.log2(rows + 1)))


def _softmaxes(count=6, skip=False):
    """A chain of Softmax nodes on [1, 8] (no tile op knows Softmax: plans are cuts only);
    `skip`: the last node adds the model input back."""
    nodes = [
        helper.make_node("Softmax", ["x" if i == 0 else f"s{i}"], [f"s{i + 1}"], name=f"sm{i}")
        for i in range(count)
    ]
    nodes[-1].output[0] = "y"
    if skip:
        nodes[-1].output[0] = "last"
        nodes.append(helper.make_node("Add", ["last", "x"], ["y"], name="add"))
    return shaped_model(nodes, [tensor("x", [1, 8])], [tensor("y", [1, 8])])


def _conv():
    node = helper.make_node(
        "Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[3, 3], pads=[1] * 4
    )
    w = RNG.normal(size=(8, 4, 3, 3)).astype(np.float32)
    return shaped_model(
        [node], [tensor("x", [1, 4, 8, 8])], [tensor("y", [1, 8, 8, 8])], [("w", w)]
    )


def test_without_a_budget_the_model_is_built_whole():
    plan = choose_plan(_softmaxes(), [RowCost()], None, None)
    assert not plan.sliced and plan.cost_key is None
    (whole,) = plan.slices
    assert whole.nodes == [f"sm{i}" for i in range(6)]
    assert (whole.inputs, whole.outputs) == (["x"], ["y"])
    assert whole.estimated_logrows is None and whole.tiles is None  # not estimated


def test_a_model_that_fits_the_budget_is_built_whole():
    # 600 rows: logrows 10
    assert plan_partition(_softmaxes(), RowCost()).slices[0].estimated_logrows == 10
    plan = choose_plan(_softmaxes(), [RowCost()], 10, None)
    assert not plan.sliced and plan.slices[0].estimated_logrows is None


def test_a_budget_below_the_model_cuts_it_into_the_cheapest_circuits_within():
    model = _softmaxes()
    plan = choose_plan(model, [RowCost()], 9, None)
    assert plan.cost_key == "rows" and all(s.estimated_logrows <= 9 for s in plan.slices)
    assert [n for s in plan.slices for n in s.nodes] == [n.name for n in model.graph]
    for before, after in zip(plan.slices, plan.slices[1:], strict=False):
        assert after.inputs == before.outputs  # a chain: each reads what the one before wrote
    # 5 nodes (500 rows + 8 linked: 2^9) and 1 (108: 2^7) cost 640, less than any other cut
    assert sorted(len(s.nodes) for s in plan.slices) == [1, 5]
    assert sum(2**s.estimated_logrows for s in plan.slices) == 640


def test_slices_asks_for_exactly_that_many_circuits_and_never_tiles():
    model = _conv()
    assert search_space(model, RowCost(), slices=None)[3] is not None  # the splitter
    assert search_space(model, RowCost(), slices=2)[3] is None
    plan = choose_plan(_softmaxes(), [RowCost()], None, 3)
    assert len(plan.slices) == 3 and all(s.tiles is None for s in plan.slices)
    with pytest.raises(UserInputError, match="only 6 nodes"):
        choose_plan(_softmaxes(), [RowCost()], None, 7)


def test_an_op_over_the_budget_is_cut_into_tiles_that_fit():
    model = _conv()  # 512 outputs x 36 multiply-accumulates: logrows 15
    plan = choose_plan(model, [RowCost()], 12, None)
    (tiled,) = plan.slices
    assert tiled.tiles is not None and tiled.tiles.kind == "conv"
    assert plan.sliced and plan.pieces == tiled.tiles.count > 1
    assert tiled.estimated_logrows <= 12


def test_a_circuit_never_reads_both_the_request_and_another_circuits_tensors():
    model = _softmaxes(3, skip=True)  # the last node reads x again: every cut would mix
    with pytest.raises(UserInputError, match="cannot partition within 2 slices"):
        choose_plan(model, [RowCost()], None, 2)
    assert not choose_plan(_softmaxes(3, skip=True), [RowCost()], None, 1).sliced


def test_errors_name_what_does_not_fit():
    with pytest.raises(UserInputError, match="below the smallest circuit this target builds"):
        choose_plan(_softmaxes(), [RowCost(min_logrows=8), RowCost(min_logrows=9)], 7, None)
    big = RowCost(softmax_rows=5000.0)  # one node alone needs 2^13
    with pytest.raises(UserInputError) as error:
        choose_plan(_softmaxes(), [big], 9, None)
    message = str(error.value)
    assert "cannot partition within logrows 9: node 'sm0' (Softmax) needs ~5000 rows" in message
    assert "the smallest --max-logrows that fits is 13" in message
    empty = shaped_model([], [tensor("x", [1, 8])], [tensor("x", [1, 8])])
    with pytest.raises(UserInputError, match="no nodes to partition"):
        plan_partition(empty, RowCost(), 9)


@pytest.fixture(scope="module")
def ezkl_costs():
    return make_target("ezkl").circuit_costs(CompileConfig())


def _two_convs():
    nodes, inits, src = [], [], "x"
    for i in range(2):
        inits.append((f"w{i}", RNG.normal(size=(4, 1 if i == 0 else 4, 3, 3)).astype(np.float32)))
        conv = helper.make_node(
            "Conv", [src, f"w{i}"], [f"c{i}"], name=f"conv{i}", kernel_shape=[3, 3], pads=[1] * 4
        )
        nodes += [conv, helper.make_node("Relu", [f"c{i}"], [f"r{i}"], name=f"relu{i}")]
        src = f"r{i}"
    nodes[-1].output[0] = "y"
    return shaped_model(nodes, [tensor("x", [1, 1, 8, 8])], [tensor("y", [1, 4, 8, 8])], inits)


def test_the_ezkl_targets_costs_keep_the_budget(ezkl_costs):
    model = _two_convs()  # logrows 15 whole, under either decomposition
    assert not choose_plan(model, ezkl_costs, 16, None).sliced
    plan = choose_plan(model, ezkl_costs, 14, None)
    assert plan.sliced and plan.cost_key == "1024^3"  # 16384^2 builds nothing under 15
    assert all(11 <= s.estimated_logrows <= 14 for s in plan.slices)
    assert [n for s in plan.slices for n in s.nodes] == [n.name for n in model.graph]
    with pytest.raises(UserInputError, match=r"below the smallest circuit .* \(logrows 11\)"):
        choose_plan(model, ezkl_costs, 10, None)
