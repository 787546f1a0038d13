"""The pass runner and its instruments (timing, equivalence, IR dumps)."""

import numpy as np
import onnx_ir as ir
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.ir.model_io import model_digest
from zkc.compiler.pipeline.base import PassOptions, ZkcPass
from zkc.compiler.pipeline.instruments import (
    EquivalenceInstrument,
    IRDumpInstrument,
    PassEquivalenceError,
)
from zkc.compiler.pipeline.runner import instantiate, run_pipeline, stood_aside
from zkc.targets.ezkl.pipelines import pipeline_passes


def _model():
    nodes = [
        helper.make_node("Identity", ["x"], ["a"], name="id"),
        helper.make_node("Relu", ["a"], ["y"], name="relu"),
    ]
    return make_model(nodes, [tensor("x", ["batch", 4])], [tensor("y", ["batch", 4])])


def test_pass_log_records_each_pass_with_digest_and_modified():
    passes = instantiate(pipeline_passes("ezkl-default"), PassOptions())
    x = np.ones((1, 4), np.float32)
    model, log = run_pipeline(_model(), passes, [EquivalenceInstrument([{"x": x}])])
    assert [r.name for r in log] == [p.pass_name for p in passes]
    by_name = {r.name: r for r in log}
    assert by_name["static_shapes"].modified is True
    assert by_name["fold_batchnorm"].modified is False
    assert all(len(r.digest) == 64 and r.seconds >= 0 for r in log)
    assert [n.op_type for n in model.graph] == ["Relu"]


class _BreakingPass(ir.passes.InPlacePass, ZkcPass):
    """Test-only: turns Relu into Neg (a miscompile)."""

    pass_name = "breaking"
    version = 1

    def call(self, model):
        for node in model.graph:
            if node.op_type == "Relu":
                node.op_type = "Neg"
        return ir.passes.PassResult(model, modified=True)


def test_a_pass_that_changes_outputs_stands_aside_and_the_model_goes_on_unchanged():
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        [tensor("x", [1, 2])],
        [tensor("y", [1, 2])],
    )
    instrument = EquivalenceInstrument([{"x": np.array([[1.0, -2.0]], np.float32)}])
    instrument.before(_BreakingPass(), model)
    with pytest.raises(PassEquivalenceError, match="pass 'breaking' changed the model's outputs"):
        instrument.after(_BreakingPass(), model, _BreakingPass()(model))
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        [tensor("x", [1, 2])],
        [tensor("y", [1, 2])],
    )
    after, log = run_pipeline(model, [_BreakingPass()], [instrument])
    assert [n.op_type for n in after.graph] == ["Relu"]  # restored: not the broken Neg
    assert log[0].stood_aside.startswith("PassEquivalenceError: pass 'breaking' changed")
    assert log[0].modified is False
    assert stood_aside(log) == [
        f"pass 'breaking' stood aside ({log[0].stood_aside}); the model went on without it"
    ]


def test_ir_dump_writes_one_file_per_pass(tmp_path):
    passes = instantiate(pipeline_passes("ezkl-default"), PassOptions())
    run_pipeline(_model(), passes, [IRDumpInstrument(tmp_path)])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[0] == "000_input.onnx.txt"
    assert names[1:] == [f"{i + 1:03d}_{p.pass_name}.onnx.txt" for i, p in enumerate(passes)]


class _CrashingPass(ir.passes.InPlacePass, ZkcPass):
    """Test-only: a pass that breaks on the model it is given."""

    pass_name = "crashing"
    version = 1

    def call(self, model):
        raise KeyError("a value this pass expected is missing")


def test_a_pass_that_breaks_stands_aside_and_later_passes_still_run():
    passes = instantiate(pipeline_passes("ezkl-default"), PassOptions())
    model, log = run_pipeline(_model(), [_CrashingPass(), *passes])
    assert log[0].stood_aside == "KeyError: 'a value this pass expected is missing'"
    assert all(r.stood_aside is None for r in log[1:])
    assert [n.op_type for n in model.graph] == ["Relu"]  # the pipeline after it ran


class _HalfDonePass(ir.passes.InPlacePass, ZkcPass):
    """Test-only: edits the model in place, then breaks."""

    pass_name = "half_done"
    version = 1

    def call(self, model):
        model.graph.remove(list(model.graph)[0], safe=False)
        raise ValueError("broke half way")


def test_a_pass_that_breaks_half_way_leaves_no_trace():
    before = _model()
    after, log = run_pipeline(_model(), [_HalfDonePass()])
    assert [n.op_type for n in after.graph] == [n.op_type for n in before.graph]
    assert log[0].stood_aside == "ValueError: broke half way"
    assert log[0].digest == model_digest(before)


class _RenamingPass(ir.passes.InPlacePass, ZkcPass):
    """Test-only: modifies the model without changing what it computes."""

    pass_name = "renaming"
    version = 1

    def call(self, model):
        model.graph.name = "renamed"
        return ir.passes.PassResult(model, modified=True)


def test_nan_where_the_source_gives_nan_is_not_a_change():
    """log of a negative calibration value is NaN before and after: not a miscompile."""
    model = make_model(
        [helper.make_node("Log", ["x"], ["y"], name="log")],
        [tensor("x", [1, 2])],
        [tensor("y", [1, 2])],
    )
    instrument = EquivalenceInstrument([{"x": np.array([[1.0, -2.0]], np.float32)}])
    run_pipeline(model, [_RenamingPass()], [instrument])
    assert instrument.checked == ["renaming"]
