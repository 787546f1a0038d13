"""Pass instruments called directly: timing, IR dumps, equivalence checks (test_runner.py runs
them inside pipelines)."""

import time

import numpy as np
import onnx_ir as ir
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.errors import ToolError, UserInputError
from zkc.compiler.pipeline.base import ZkcPass
from zkc.compiler.pipeline.instruments import (
    EquivalenceInstrument,
    IRDumpInstrument,
    PassEquivalenceError,
    TimingInstrument,
)

X = np.array([[1.0, -2.0, 3.0, -4.0]], np.float32)


class _Named(ir.passes.InPlacePass, ZkcPass):
    """Test-only: a pass as instruments see it (a name)."""

    version = 1

    def __init__(self, name):
        super().__init__()
        self.pass_name = name

    def call(self, model):
        raise AssertionError("instruments never run the pass")


def _model(op="Relu", y_shape=(1, 4), **attrs):
    node = helper.make_node(op, ["x"], ["y"], name="n", **attrs)
    return make_model([node], [tensor("x", [1, 4])], [tensor("y", list(y_shape))])


def _result(model, modified=True):
    return ir.passes.PassResult(model, modified=modified)


def _check(instrument, before, after, name="p", modified=True):
    pass_ = _Named(name)
    instrument.before(pass_, before)
    instrument.after(pass_, before, _result(after, modified))


def test_timing_records_each_pass_in_order():
    timing = TimingInstrument()
    for pause in (0.05, 0.0):
        timing.before(_Named("p"), None)
        time.sleep(pause)
        timing.after(_Named("p"), None, None)
    assert len(timing.seconds) == 2
    assert timing.seconds[0] >= 0.05 > timing.seconds[1] >= 0


def test_ir_dump_writes_the_input_once_then_each_result(tmp_path):
    dump = IRDumpInstrument(tmp_path / "dump" / "ir")  # created, parents too
    first, second = _model("Relu"), _model("Neg")
    _check(dump, first, second, "negate")
    _check(dump, second, second, "noop", modified=False)
    files = sorted(p.name for p in (tmp_path / "dump" / "ir").iterdir())
    assert files == ["000_input.onnx.txt", "001_negate.onnx.txt", "002_noop.onnx.txt"]
    assert "Relu" in (tmp_path / "dump/ir/000_input.onnx.txt").read_text()
    assert "Neg" in (tmp_path / "dump/ir/001_negate.onnx.txt").read_text()


def test_equivalence_checks_a_modified_pass_with_the_same_outputs():
    instrument = EquivalenceInstrument([{"x": X}])
    _check(instrument, _model("Relu"), _model("Relu"), "same")
    assert instrument.checked == ["same"]


def test_equivalence_skips_a_pass_that_modified_nothing():
    instrument = EquivalenceInstrument([{"x": X}])
    _check(instrument, _model("Relu"), _model("Neg"), "claims_nothing", modified=False)
    assert instrument.checked == []


def test_equivalence_compares_with_the_model_before_the_first_pass():
    """The reference is taken once: a later pass is compared with the source, not its input."""
    instrument = EquivalenceInstrument([{"x": X}])
    _check(instrument, _model("Relu"), _model("Relu"), "first")
    with pytest.raises(PassEquivalenceError, match="pass 'second' changed the model's outputs"):
        _check(instrument, _model("Neg"), _model("Neg"), "second")


def test_equivalence_reports_the_largest_difference_and_how_to_bisect():
    instrument = EquivalenceInstrument([{"x": X}])
    with pytest.raises(
        PassEquivalenceError,
        match=r"pass 'leaky' changed the model's outputs \(max diff 0\.4\d*\); "
        r"rerun with --disable-pass leaky to bisect",
    ) as info:
        _check(instrument, _model("Relu"), _model("LeakyRelu", alpha=0.1), "leaky")
    assert isinstance(info.value, ToolError)


def test_equivalence_within_tolerance_passes():
    instrument = EquivalenceInstrument([{"x": X}], rtol=0.0, atol=0.5)
    _check(instrument, _model("Relu"), _model("LeakyRelu", alpha=0.1), "close")
    assert instrument.checked == ["close"]


def test_equivalence_accepts_the_same_values_in_another_shape():
    instrument = EquivalenceInstrument([{"x": X}])
    flat = make_model(
        [helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Reshape", ["r", "s"], ["y"])],
        [tensor("x", [1, 4])],
        [tensor("y", [4])],
        [("s", np.array([4], np.int64))],
    )
    _check(instrument, _model("Relu"), flat, "reshaped")
    assert instrument.checked == ["reshaped"]


def test_equivalence_refuses_another_number_of_values():
    instrument = EquivalenceInstrument([{"x": X}])
    half = make_model(
        [helper.make_node("ReduceMax", ["x"], ["y"], keepdims=1)],
        [tensor("x", [1, 4])],
        [tensor("y", [1, 1])],
    )
    with pytest.raises(PassEquivalenceError, match=r"\(max diff shape\)"):
        _check(instrument, _model("Relu"), half, "reduce")


def test_equivalence_names_the_pass_whose_model_onnxruntime_cannot_run():
    instrument = EquivalenceInstrument([{"x": X}], source="model.onnx")
    broken = _model("Relu")
    broken.graph.node(0).op_type = "NoSuchOp"
    with pytest.raises(
        UserInputError,
        match=r"the model after pass 'bad' \(rerun with --disable-pass bad\): onnxruntime "
        r"cannot load it",
    ):
        _check(instrument, _model("Relu"), broken, "bad")


def test_equivalence_names_the_source_model_when_it_cannot_run():
    instrument = EquivalenceInstrument([{"x": X}], source="model.onnx")
    broken = _model("Relu")
    broken.graph.node(0).op_type = "NoSuchOp"
    with pytest.raises(UserInputError, match="^model.onnx: onnxruntime cannot load it"):
        instrument.before(_Named("first"), broken)
