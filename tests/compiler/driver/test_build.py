"""The build steps that run without EZKL: lowering (inputs passes add, equivalence samples),
the fidelity budget's final check, the source record, the size note before a long build."""

import dataclasses
import math

import numpy as np
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.fidelity import FidelityReport
from zkc.compiler.data.samples import samples_digest
from zkc.compiler.driver.build import announce_size, check_budget, lower, source_record
from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.model_io import save_model
from zkc.compiler.limits import LARGE_LOGROWS
from zkc.compiler.pieces.slices import MODEL_FILE
from zkc.compiler.progress import Reporter
from zkc.targets.ezkl.pipelines import pipeline_passes


class _Notes(Reporter):
    def __init__(self):
        self.lines = []

    def info(self, message):
        self.lines.append(message)


@dataclasses.dataclass
class _Inputs:
    model_path: str
    model: object
    calibration: dict
    evaluation: dict
    model_sha256: str = "m" * 64
    eval_source: str = "the --eval file"


def _inputs(samples=5):
    nodes = [
        helper.make_node("Identity", ["x"], ["a"], name="id"),
        helper.make_node("Relu", ["a"], ["y"], name="relu"),
    ]
    model = make_model(nodes, [tensor("x", ["N", 3])], [tensor("y", ["N", 3])])
    rng = np.random.default_rng(0)
    calibration = {"x": rng.normal(size=(samples, 1, 3)).astype(np.float32)}
    return _Inputs("m.onnx", model, calibration, {"x": calibration["x"][:2] + 1})


def test_lower_adds_the_inputs_passes_declare_as_data():
    inputs = _inputs()
    low = lower(
        inputs, CompileConfig(pipeline="ezkl-subnet"), pipeline_passes("ezkl-subnet"), Reporter()
    )
    nonce_cal, nonce_eval = low.calibration["nonce"], low.evaluation["nonce"]
    assert nonce_cal.shape == (5, 1) and nonce_eval.shape == (2, 1)
    assert np.all((0 <= nonce_cal) & (nonce_cal < 1))
    assert not np.array_equal(nonce_cal[:2], nonce_eval)  # its own seed per set
    again = lower(
        inputs, CompileConfig(pipeline="ezkl-subnet"), pipeline_passes("ezkl-subnet"), Reporter()
    )
    np.testing.assert_array_equal(again.calibration["nonce"], nonce_cal)  # reproducible
    assert "nonce" in [v.name for v in low.model.graph.inputs]
    assert [n.op_type for n in low.model.graph] == ["Relu"]


def test_lower_checks_equivalence_on_the_first_samples():
    inputs = _inputs(samples=5)
    config = CompileConfig(pipeline="ezkl-default", equivalence_samples=3)
    low = lower(inputs, config, pipeline_passes("ezkl-default"), Reporter())
    assert len(low.eq_samples) == 3
    np.testing.assert_array_equal(low.eq_samples[2]["x"], inputs.calibration["x"][2])
    modified = [r.name for r in low.pass_log if r.modified]
    assert low.checked_after == modified and "static_shapes" in modified
    config = CompileConfig(pipeline="ezkl-default", equivalence_samples=50)
    assert len(lower(inputs, config, pipeline_passes("ezkl-default"), Reporter()).eq_samples) == 5


def _report(err, top1=None):
    return FidelityReport(
        samples=40, source="t", max_abs_error=err, mean_abs_error=err / 2, top1_agreement=top1
    )


def test_a_met_budget_passes_and_a_missed_one_is_one_line():
    check_budget(CompileConfig(max_error=0.1), _report(0.05))
    with pytest.raises(
        UserInputError,
        match=r"fidelity budget max \|error\| <= 0.1: met on the search samples but not on all "
        r"40 held-out samples \(40 held-out samples \(t\): max \|err\| 0.2.*loosen the budget",
    ):
        check_budget(CompileConfig(max_error=0.1), _report(0.2))
    with pytest.raises(UserInputError, match="top-1 agreement >= 99.00%"):
        check_budget(CompileConfig(min_top1=0.99), _report(0.0, top1=0.9))


def test_the_source_record_names_the_model_and_sample_digests():
    inputs = _inputs()
    assert source_record(inputs) == {
        "model_sha256": "m" * 64,
        "calibration_sha256": samples_digest(inputs.calibration),
        "eval_sha256": samples_digest(inputs.evaluation),
        "eval_source": "the --eval file",
    }


class _Cost:
    """Test-only cost: `rows` per output element of a node, logrows from the total."""

    def __init__(self, rows):
        self.rows = rows

    def node_rows(self, node):
        return self.rows * math.prod(node.outputs[0].shape)  # needs the shapes

    def circuit_size(self, body, links, tensors, ends, margin=True):
        total = body + ends
        return total, max(1, math.ceil(math.log2(total)))


def test_the_size_note_hints_at_slicing_a_large_circuit(tmp_path):
    nodes = [
        helper.make_node("Identity", ["x"], ["a"], name="id"),
        helper.make_node("Relu", ["a"], ["y"], name="relu"),
    ]
    model = make_model(nodes, [tensor("x", [1, 3])], [tensor("y", [1, 3])])
    save_model(model, tmp_path / MODEL_FILE)
    model.graph.node(0).outputs[0].shape = None  # read back from the file with inference
    notes = _Notes()
    announce_size(tmp_path, model, _Cost(rows=100), notes)
    announce_size(tmp_path, model, _Cost(rows=2.0**LARGE_LOGROWS), notes)
    assert notes.lines[0] == "one circuit: ~606 rows estimated (logrows ~10)"
    assert notes.lines[1].endswith(
        f"; that is slow and memory-hungry, --max-logrows {LARGE_LOGROWS} slices it"
    )
