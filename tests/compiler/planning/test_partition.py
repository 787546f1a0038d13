"""Partitioning on DAGs (generic: a cost function stands in for a target's): legal cuts,
residual connections, budgets, slice counts, and slice models that chain back to the model."""

import math
from dataclasses import dataclass

import numpy as np
import onnx
import onnx_ir as ir
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.errors import ToolError, UserInputError
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.ir.model_io import save_model
from zkc.compiler.pieces.build import plan_pieces
from zkc.compiler.pieces.runner import PieceRunner
from zkc.compiler.planning.partition import crossing_values, node_view
from zkc.compiler.planning.plan import choose_plan, plan_partition

RNG = np.random.default_rng(0)


@dataclass(frozen=True)
class UnitCost:
    """Round numbers so the expected plans can be worked out by hand: a convolution costs a
    row per multiply-accumulate, anything else 10 rows per output element, a link a row per
    committed element (beside the body); 2^k must exceed the rows plus 7."""

    key: str = "unit"
    uniform: bool = False
    min_logrows: int = 2
    margin: float = 1.0

    def node_rows(self, node: ir.Node) -> float:
        out = math.prod(node.outputs[0].shape)
        if node.op_type == "Conv":
            return out * math.prod(node.inputs[1].shape[1:])
        return 10.0 * out

    def circuit_size(self, body_rows, link_elements, link_tensors, end_elements, margin=True):
        scale = self.margin if margin else 1.0
        need = max(body_rows, link_elements) * scale + 7
        return max(body_rows, link_elements), max(self.min_logrows, math.ceil(math.log2(need)))


UNIT = UnitCost()


def whole_logrows(model: ir.Model) -> int:
    return UNIT.circuit_size(sum(UNIT.node_rows(n) for n in model.graph), 0, 0, 0)[1]


def residual_model(blocks: int = 3, channels: int = 4) -> ir.Model:
    """stem conv, then `blocks` residual blocks (conv-relu-conv + skip, relu), then a head conv."""
    nodes, inits = [], []

    def conv(src, dst, name):
        w = RNG.normal(scale=0.3, size=(channels, channels if src != "x" else 1, 3, 3)).astype(
            np.float32
        )
        inits.append((f"{name}.w", w))
        nodes.append(
            helper.make_node(
                "Conv",
                [src, f"{name}.w"],
                [dst],
                name=name,
                pads=[1, 1, 1, 1],
                strides=[1, 1],
                kernel_shape=[3, 3],
            )
        )

    conv("x", "h0", "stem")
    for b in range(blocks):
        h = f"h{b}"
        conv(h, f"b{b}a", f"block{b}.conv1")
        nodes.append(helper.make_node("Relu", [f"b{b}a"], [f"b{b}r"], name=f"block{b}.relu1"))
        conv(f"b{b}r", f"b{b}c", f"block{b}.conv2")
        nodes.append(helper.make_node("Add", [h, f"b{b}c"], [f"b{b}s"], name=f"block{b}.add"))
        nodes.append(helper.make_node("Relu", [f"b{b}s"], [f"h{b + 1}"], name=f"block{b}.relu2"))
    conv(f"h{blocks}", "y", "head")
    return make_model(nodes, [tensor("x", [1, 1, 6, 6])], [tensor("y", [1, channels, 6, 6])], inits)


def _with_shapes(model: ir.Model) -> ir.Model:
    proto = onnx.shape_inference.infer_shapes(ir.serde.serialize_model(model))
    return ir.serde.deserialize_model(proto)


def test_cuts_inside_a_residual_block_carry_both_tensors():
    model = _with_shapes(residual_model(blocks=1))
    nodes, dag = node_view(model.graph)
    assert dag.number_of_edges() == 7  # the skip edge stem -> add included
    cuts = crossing_values(nodes, model.graph)
    names = [n.name for n in nodes]
    inside = names.index("block0.relu1") + 1  # after relu1: the skip tensor h0 is still alive
    assert sorted(v.name for v in cuts[inside]) == ["b0r", "h0"]
    after_block = names.index("block0.relu2") + 1
    assert [v.name for v in cuts[after_block]] == ["h1"]
    assert cuts[0] == [] or cuts[0] is not None  # the ends are always boundaries


def test_plan_prefers_cuts_where_little_crosses():
    model = _with_shapes(residual_model(blocks=3))
    plan = plan_partition(model, UNIT, slices=2)
    assert len(plan.slices) == 2
    # Cutting between blocks sends one tensor; inside a block two would cross.
    assert len(plan.slices[0].outputs) == 1 and plan.slices[0].outputs == plan.slices[1].inputs
    assert plan.slices[0].inputs == ["x"] and plan.slices[-1].outputs == ["y"]


def test_max_logrows_bounds_every_slice_and_plans_are_deterministic():
    model = _with_shapes(residual_model(blocks=3))
    whole = whole_logrows(model)
    limit = whole - 1
    plan = plan_partition(model, UNIT, max_logrows=limit)
    assert plan.sliced and all(s.estimated_logrows <= limit for s in plan.slices)
    covered = [name for s in plan.slices for name in s.nodes]
    assert covered == [n.name for n in node_view(model.graph)[0]]  # every node once, in order
    again = plan_partition(_with_shapes(residual_model(blocks=3)), UNIT, max_logrows=limit)
    assert again.to_json()["slices"][0]["nodes"] == plan.to_json()["slices"][0]["nodes"]
    fits = plan_partition(model, UNIT, max_logrows=whole)
    assert not fits.sliced


def test_impossible_budgets_name_the_node():
    model = _with_shapes(residual_model(blocks=1))
    with pytest.raises(UserInputError, match="Conv"):
        plan_partition(model, UNIT, max_logrows=3)
    with pytest.raises(UserInputError, match="only 7 nodes"):
        plan_partition(model, UNIT, slices=8)


def _pieces(model, plan, path):
    """The plan's pieces built from the saved model: (models, pieces, a runner over them)."""
    build = plan_pieces(plan, path)
    models = build.models()
    return models, build.pieces, PieceRunner(models, build.pieces, io_spec(model))


def _samples(count):
    return [{"x": RNG.normal(size=(1, 1, 6, 6)).astype(np.float32)} for _ in range(count)]


def test_slices_chain_back_to_the_model(tmp_path):
    model = _with_shapes(residual_model(blocks=2))
    save_model(model, tmp_path / "model.onnx")
    plan = plan_partition(model, UNIT, slices=3)
    _, pieces, runner = _pieces(model, plan, tmp_path / "model.onnx")
    runner.check(ReferenceRunner(model), _samples(4))
    assert [p.tensor for p in pieces[1].inputs] == plan.slices[1].inputs


def test_chain_check_fails_loudly_on_a_wrong_slice(tmp_path):
    model = _with_shapes(residual_model(blocks=1))
    save_model(model, tmp_path / "model.onnx")
    plan = plan_partition(model, UNIT, slices=2)
    models, pieces, _ = _pieces(model, plan, tmp_path / "model.onnx")
    proto = onnx.load_from_string(models[1])
    for init in proto.graph.initializer:  # corrupt the second slice's weights
        init.CopyFrom(onnx.numpy_helper.from_array(onnx.numpy_helper.to_array(init) * 2, init.name))
    models[1] = proto.SerializeToString()
    with pytest.raises(ToolError, match="disagree"):
        PieceRunner(models, pieces, io_spec(model)).check(ReferenceRunner(model), _samples(1))


def test_uniform_plans_minimise_slices_times_the_shared_power_of_two():
    model = _with_shapes(residual_model(blocks=3))
    whole = whole_logrows(model)
    free = plan_partition(model, UNIT, max_logrows=whole - 1)
    uniform = plan_partition(model, UnitCost(uniform=True), max_logrows=whole - 1)
    shared = max(s.estimated_logrows for s in uniform.slices)
    assert shared <= whole - 1
    # Every slice is set up at the shared logrows: the plan's cost is count x 2^shared, no more
    # than the free plan's slices would cost at their own largest logrows.
    assert len(uniform.slices) * 2**shared <= len(free.slices) * 2 ** max(
        s.estimated_logrows for s in free.slices
    )


def test_margin_only_makes_plans_more_careful():
    model = _with_shapes(residual_model(blocks=3))
    whole = whole_logrows(model)
    plain = plan_partition(model, UNIT, max_logrows=whole - 1)
    careful = plan_partition(model, UnitCost(margin=1.5), max_logrows=whole - 1)
    assert len(careful.slices) >= len(plain.slices)


def test_a_skip_tensor_spanning_a_slice_links_its_producer_to_its_consumer(tmp_path):
    """Cut a residual block twice: a slice reads the skip tensor from the slice that made it,
    two slices back (no slice copies it through), and the chain computes the model."""
    model = _with_shapes(residual_model(blocks=1))
    save_model(model, tmp_path / "model.onnx")
    plan = plan_partition(model, UNIT, slices=4)
    made = {t: s.index for s in plan.slices for t in s.outputs}
    skips = [
        (s.index, t) for s in plan.slices for t in s.inputs if t in made and made[t] < s.index - 1
    ]
    assert skips, [(s.inputs, s.outputs) for s in plan.slices]
    consumer, tensor = skips[0]
    assert tensor not in plan.slices[consumer - 1].outputs
    models, _, runner = _pieces(model, plan, tmp_path / "model.onnx")
    for data in models:  # nothing is carried through a slice
        assert "Identity" not in [n.op_type for n in onnx.load_from_string(data).graph.node]
    runner.check(ReferenceRunner(model), _samples(3))


def test_slice_models_are_byte_identical_across_runs(tmp_path):
    model = _with_shapes(residual_model(blocks=2))
    save_model(model, tmp_path / "model.onnx")
    runs = [
        plan_pieces(
            plan_partition(_with_shapes(residual_model(blocks=2)), UNIT, slices=3),
            tmp_path / "model.onnx",
        ).models()
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_choose_plan_builds_whole_unless_asked_and_keeps_the_cheapest_cost():
    model = _with_shapes(residual_model(blocks=3))
    assert not choose_plan(model, [UNIT], None, None).sliced
    whole = whole_logrows(model)
    assert not choose_plan(model, [UNIT], whole, None).sliced  # it fits: not cut
    # A way of building whose circuits come out 4x larger costs more: the cheaper plan wins,
    # whichever order the target lists them in.
    costly = UnitCost(key="costly", margin=4.0)
    for costs in ([costly, UNIT], [UNIT, costly]):
        plan = choose_plan(model, costs, whole - 1, None)
        assert plan.sliced and plan.cost_key == "unit"
    with pytest.raises(UserInputError, match="below the smallest circuit"):
        choose_plan(model, [UnitCost(min_logrows=whole + 5)], whole - 1, None)
