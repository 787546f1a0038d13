"""Pieces run as a DAG with onnxruntime (zkc.compiler.pieces.runner): the outputs the pieces write,
pasted into the model's outputs; a check that fails loudly when they disagree with the model;
and each circuit's calibration inputs over its pieces and the samples."""

import numpy as np
import onnx
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.artifacts.facts import PartRef, PieceFacts
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.pieces.runner import MAX_CALIBRATION, PieceRunner

RNG = np.random.default_rng(15)
MODEL = make_model(  # y = -relu(x), on [1, 8]
    [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Neg", ["r"], ["y"], name="neg"),
    ],
    [tensor("x", [1, 8])],
    [tensor("y", [1, 8])],
)


def _circuit(nodes, inputs, width):
    graph = helper.make_graph(
        nodes, "c", [tensor(n, [1, 4]) for n in inputs], [tensor("out_0", [1, width])]
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto.SerializeToString()


RELU = _circuit([helper.make_node("Relu", ["in_0"], ["out_0"])], ["in_0"], 4)
JOIN_NEG = _circuit(
    [
        helper.make_node("Concat", ["in_0", "in_1"], ["j"], axis=1),
        helper.make_node("Neg", ["j"], ["out_0"]),
    ],
    ["in_0", "in_1"],
    8,
)


def _part(name, columns):
    return PartRef(tensor=name, box=[(0, 1), columns])


def _pieces(swap=False):
    """relu on each half of x (one shared circuit), then the halves joined and negated."""
    halves = [_part("r", (0, 4)), _part("r", (4, 8))]
    pieces = [
        ([_part("x", (0, 4))], [halves[0]], 0),
        ([_part("x", (4, 8))], [halves[1]], 0),
        (halves[::-1] if swap else halves, [_part("y", (0, 8))], 1),
    ]
    return [
        PieceFacts(
            index=k,
            circuit=c,
            slice=k // 2,
            nodes=[],
            inputs=ins,
            outputs=outs,
            estimated_rows=None,
            estimated_logrows=None,
        )
        for k, (ins, outs, c) in enumerate(pieces)
    ]


def _runner(swap=False):
    return PieceRunner([RELU, JOIN_NEG], _pieces(swap), io_spec(MODEL))


def test_pieces_run_in_order_and_write_the_models_outputs():
    x = RNG.normal(size=(1, 8)).astype(np.float32)
    fed, outputs = _runner().run({"x": x.reshape(-1)})  # reshaped to the input's shape
    np.testing.assert_array_equal(outputs["y"], -np.maximum(x, 0))
    assert [len(f) for f in fed] == [1, 1, 2]
    np.testing.assert_array_equal(fed[1][0], x[:, 4:])  # cut from the request
    np.testing.assert_array_equal(fed[2][1], np.maximum(x[:, 4:], 0))  # written by piece 1


def test_the_check_passes_on_pieces_that_compute_the_model_and_fails_loudly_otherwise():
    samples = [{"x": RNG.normal(size=(1, 8)).astype(np.float32)} for _ in range(3)]
    _runner().check(ReferenceRunner(MODEL), samples)
    with pytest.raises(ToolError, match=r"disagree with the model on output 'y' \(sample 0\)"):
        _runner(swap=True).check(ReferenceRunner(MODEL), samples)


def test_calibration_stacks_each_circuits_inputs_over_its_pieces_and_the_samples():
    x = RNG.normal(size=(5, 1, 8)).astype(np.float32)
    relu, join = _runner().calibration({"x": x})
    assert list(relu) == ["in_0"] and list(join) == ["in_0", "in_1"]
    assert relu["in_0"].shape == (10, 1, 4)  # 5 samples x 2 pieces
    np.testing.assert_array_equal(relu["in_0"][:2], [x[0, :, :4], x[0, :, 4:]])
    assert join["in_0"].shape == (5, 1, 4)
    np.testing.assert_array_equal(join["in_1"], np.maximum(x[:, :, 4:], 0))


def test_calibration_keeps_at_most_max_calibration_inputs_per_circuit():
    x = RNG.normal(size=(MAX_CALIBRATION + 20, 1, 8)).astype(np.float32)
    relu, join = _runner().calibration({"x": x})
    assert len(relu["in_0"]) == len(join["in_0"]) == MAX_CALIBRATION


def test_a_shared_circuits_calibration_sees_every_piece_that_runs_it():
    x = RNG.normal(size=(MAX_CALIBRATION, 1, 8)).astype(np.float32)
    x[:, :, 4:] += 100.0  # the second piece's inputs are far from the first's
    relu, _ = _runner().calibration({"x": x})
    assert (relu["in_0"] > 50).any() and (relu["in_0"] < 50).any()
