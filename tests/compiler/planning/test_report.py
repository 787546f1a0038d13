"""What `zkc plan` prints (zkc.compiler.planning.report): per-slice and per-circuit lines, and
figures that add up over the pieces (rows, capacity, core-seconds: setup once per distinct
circuit, proving once per piece), with proving wall time projected on 1 to 64 workers."""

from dataclasses import dataclass, field

from onnx import helper

from tests.compiler.ops.tile_check import shaped_model
from tests.graphs import tensor
from zkc.compiler.planning.partition import PartitionPlan, SlicePlan
from zkc.compiler.planning.report import WORKERS, plan_report, projected_wall, whole_rows
from zkc.compiler.planning.units import TilePlan
from zkc.compiler.target.chain import CircuitEstimate


class FlatTarget:
    """Setup takes k seconds, proving 2^(k-8), on 2 cores; peak memory k MB."""

    def estimate(self, logrows: int) -> CircuitEstimate:
        return CircuitEstimate(float(logrows), 2.0 ** (logrows - 8), 2.0, logrows * 10**6)


def _plan():
    """A whole slice of two nodes (logrows 10) and a conv cut into 4 tiles (logrows 9)."""
    tiles = TilePlan("conv", {1: 4, 2: 2}, (1, 8, 4, 4))
    return PartitionPlan(
        [
            SlicePlan(0, 0, 2, ["a", "b"], ["x"], ["h"], 1000, 10),
            SlicePlan(1, 2, 3, ["conv"], ["h"], ["y"], 300, 9, tiles),
        ],
        "16384^2",
    )


# pieces in order: the whole slice, then the tiles (two edge circuits, the interior shared)
SLICES, CIRCUITS = [0, 1, 1, 1, 1], [0, 1, 2, 2, 3]


def test_the_figures_add_up_over_the_pieces():
    report = plan_report(_plan(), SLICES, CIRCUITS, FlatTarget(), 1000.0)
    assert report.pieces == 5
    assert report.piece_rows == 1000 + 4 * 300
    assert report.capacity == 2**10 + 4 * 2**9
    assert report.setup_core_seconds == (10 + 9 + 9 + 9) * 2.0  # once per distinct circuit
    assert report.prove_core_seconds == (4 + 4 * 2) * 2.0  # once per piece
    assert report.peak_worker_bytes == 10 * 10**6
    # proving jobs of 4, 2, 2, 2, 2 seconds
    assert report.projected_wall_seconds == {1: 12.0, 4: 4.0, 16: 4.0, 64: 4.0}
    assert list(report.projected_wall_seconds) == list(WORKERS)


def test_slices_and_circuits_lines():
    report = plan_report(_plan(), SLICES, CIRCUITS, FlatTarget(), 1000.0)
    whole, tiled = report.slices
    assert (whole.nodes, whole.first, whole.tiles, whole.split) == (2, "a", 1, None)
    assert (tiled.tiles, tiled.split) == (4, "conv: 4 channels x 2 rows")
    assert [(c.index, c.pieces, c.logrows) for c in report.circuits] == [
        (0, 1, 10),
        (1, 1, 9),
        (2, 2, 9),
        (3, 1, 9),
    ]
    assert report.circuits[0].estimated_rows == 1000 and report.circuits[2].estimated_rows == 300


def test_lines_for_humans_carry_the_figures():
    lines = plan_report(_plan(), SLICES, CIRCUITS, FlatTarget(), 1000.0).lines()
    assert lines[0] == (
        "plan: 2 slices (1 cut into tiles), 5 pieces, 4 distinct circuits (decomposition 16384^2)"
    )
    assert lines[1] == "  slice 0: 2 nodes from a; ~1000 rows, logrows 10"
    assert lines[2] == (
        "  slice 1: 1 nodes from conv, 4 tiles (conv: 4 channels x 2 rows); ~300 rows, logrows 9"
    )
    assert "rows: 2,200 over the pieces (2.20x the unsplit 1,000)" in lines[3]
    assert "capacity sum 2^k 3,072 (1.40x the rows)" in lines[3]
    assert "setup 74 core-s" in lines[4] and "proving 24 core-s" in lines[4]
    assert "peak 0.01 GB per worker" in lines[4]
    assert lines[5] == "  projected proving wall time by workers: 1: 12 s, 4: 4 s, 16: 4 s, 64: 4 s"


def test_a_whole_model_is_one_piece():
    plan = PartitionPlan([SlicePlan(0, 0, 2, ["a", "b"], ["x"], ["y"], 1000, 10)])
    report = plan_report(plan, [0], [0], FlatTarget(), 1000.0)
    assert (report.pieces, report.capacity, report.prove_core_seconds) == (1, 1024.0, 8.0)
    assert report.lines()[0].startswith("plan: 1 slices (0 cut into tiles), 1 pieces")


def test_projected_wall_puts_the_longest_job_first_on_the_least_loaded_worker():
    assert projected_wall([2, 3, 2, 3, 2], 2) == 7  # 3+2+2 | 3+2: greedy, not the optimum 6
    assert projected_wall([5, 1, 1, 1], 2) == 5
    assert projected_wall([1, 1, 1], 8) == 1
    assert projected_wall([], 4) == 0.0


@dataclass
class IoCost:
    asked: list = field(default_factory=list)

    def node_rows(self, node) -> float:
        return 10.0

    def circuit_size(self, body, link_elements, link_tensors, end_elements, margin=True):
        self.asked.append((body, link_elements, link_tensors, end_elements, margin))
        return body + end_elements, 0


def test_whole_rows_are_the_nodes_and_the_models_inputs_and_outputs():
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Sigmoid", ["r"], ["y"], name="sig"),
    ]
    model = shaped_model(nodes, [tensor("x", [1, 6])], [tensor("y", [1, 6])])
    cost = IoCost()
    assert whole_rows(model, cost) == 20 + 12
    assert cost.asked == [(20, 0, 0, 12, False)]  # the bare estimate: no margin
