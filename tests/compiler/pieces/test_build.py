"""A plan's pieces (zkc.compiler.pieces.build): tensors laid out in parts cut at every tile's edge
and every window a tile reads, pieces in proving order sharing circuits by signature, checked
against the model (onnxruntime), and the circuit files and calibration inputs written."""

import numpy as np
import pytest
from onnx import helper

from tests.compiler.ops.tile_check import shaped_model
from tests.graphs import tensor
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.ir.model_io import model_from_bytes, save_model
from zkc.compiler.pieces.build import build_pieces, part_layouts, plan_pieces
from zkc.compiler.pieces.runner import PieceRunner
from zkc.compiler.pieces.slices import MODEL_FILE
from zkc.compiler.planning.partition import PartitionPlan, SlicePlan, whole_plan
from zkc.compiler.planning.units import TilePlan

RNG = np.random.default_rng(14)
W = RNG.normal(size=(4, 2, 3, 3)).astype(np.float32)


def _model():
    """x -> conv (pad 1) -> relu -> sigmoid: a tiled slice of two ops, then a whole one."""
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1] * 4),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Sigmoid", ["r"], ["y"], name="sig"),
    ]
    return shaped_model(nodes, [tensor("x", [1, 2, 8, 8])], [tensor("y", [1, 4, 8, 8])], [("w", W)])


def _plan():
    tiles = TilePlan("conv", {1: 4, 2: 2}, (1, 4, 8, 8))  # 4 bands of 2 rows
    return PartitionPlan(
        [
            SlicePlan(0, 0, 2, ["conv", "relu"], ["x"], ["r"], 100, 10, tiles),
            SlicePlan(1, 2, 3, ["sig"], ["r"], ["y"], 50, 9),
        ]
    )


@pytest.fixture
def model_path(tmp_path):
    save_model(_model(), tmp_path / MODEL_FILE)
    return tmp_path / MODEL_FILE


def _rows(boxes):
    return sorted({tuple(b[2]) for b in boxes})


def test_parts_are_cut_at_the_tiles_edges_and_the_windows_they_read():
    layouts = part_layouts(_plan(), ModelIndex.of(_model()))
    assert set(layouts) == {"x", "r"}  # y is whole
    assert _rows(layouts["r"]) == [(0, 2), (2, 4), (4, 6), (6, 8)]
    # bands read rows 0..3, 1..5, 3..7 and 5..8 of x: halos are parts of their own
    assert _rows(layouts["x"]) == [(0, 1), (1, 3), (3, 5), (5, 7), (7, 8)]
    assert all(tuple(b[1]) == (0, 2) and tuple(b[3]) == (0, 8) for b in layouts["x"])
    assert part_layouts(whole_plan(_model()), ModelIndex.of(_model())) == {}


def test_pieces_in_proving_order_share_circuits_and_compute_the_model(model_path):
    build = plan_pieces(_plan(), model_path)
    pieces = build.pieces
    assert [p.slice for p in pieces] == [0, 0, 0, 0, 1]
    assert [p.index for p in pieces] == list(range(5))
    # the top and bottom bands are circuits of their own; the two interior bands share one
    assert [p.circuit for p in pieces] == [0, 1, 1, 2, 3]
    assert len(build.makers) == 4
    assert [len(p.inputs) for p in pieces[:4]] == [2, 2, 2, 2]  # the parts of each window
    assert [tuple(p.outputs[0].box[2]) for p in pieces[:4]] == [(0, 2), (2, 4), (4, 6), (6, 8)]
    assert [p.tensor for p in pieces[4].inputs] == ["r"] * 4  # the whole slice reads r's parts
    assert pieces[4].outputs[0].box == [(0, 1), (0, 4), (0, 8), (0, 8)]
    model = _model()
    runner = PieceRunner(build.models(), pieces, io_spec(model))
    samples = [{"x": RNG.normal(size=(1, 2, 8, 8)).astype(np.float32)} for _ in range(2)]
    runner.check(ReferenceRunner(model), samples)


def test_pieces_are_the_same_bytes_every_time(model_path):
    first = plan_pieces(_plan(), model_path).models()
    assert first == plan_pieces(_plan(), model_path).models()


def _calibration(count):
    return {"x": RNG.normal(size=(count, 1, 2, 8, 8)).astype(np.float32)}


def test_a_whole_model_is_one_circuit_the_artifacts_model(tmp_path):
    model = _model()
    spec = io_spec(model)
    calibration = _calibration(3)
    circuits, pieces, files = build_pieces(tmp_path, whole_plan(model), calibration, spec, None, [])
    assert files == [MODEL_FILE] and not (tmp_path / "slices").exists()
    (circuit,) = circuits
    assert (circuit.relative, circuit.pieces, circuit.calibration) == (".", [0], calibration)
    (piece,) = pieces
    assert piece.nodes == ["conv", "relu", "sig"]
    assert [(p.tensor, p.box) for p in piece.inputs] == [("x", [(0, 1), (0, 2), (0, 8), (0, 8)])]


def test_circuit_files_and_calibration_are_written_per_circuit(tmp_path, model_path):
    model = _model()
    reference = ReferenceRunner(model)
    samples = [{"x": RNG.normal(size=(1, 2, 8, 8)).astype(np.float32)}]
    circuits, pieces, files = build_pieces(
        tmp_path, _plan(), _calibration(3), io_spec(model), reference, samples
    )
    assert files == [MODEL_FILE] + [f"slices/{c:02d}/{MODEL_FILE}" for c in range(4)]
    assert [c.pieces for c in circuits] == [[0], [1, 2], [3], [4]]
    for circuit in circuits:
        data = (circuit.directory / MODEL_FILE).read_bytes()
        names = [v.name for v in model_from_bytes(data).graph.inputs]
        assert list(circuit.calibration) == names == [t.name for t in circuit.spec.inputs]
        count = 3 * len(circuit.pieces)  # every sample, through every piece running it
        assert all(len(v) == count for v in circuit.calibration.values())
    assert len(pieces) == 5
