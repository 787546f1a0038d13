"""The pass runner and its instruments (timing, equivalence, IR dumps)."""

import numpy as np
import onnx_ir as ir
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.pipeline.base import PassOptions, ZkcPass
from zkc.compiler.pipeline.instruments import (
    EquivalenceInstrument,
    IRDumpInstrument,
    PassEquivalenceError,
)
from zkc.compiler.pipeline.runner import instantiate, run_pipeline
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


def test_equivalence_instrument_names_the_pass_that_changed_outputs():
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        [tensor("x", [1, 2])],
        [tensor("y", [1, 2])],
    )
    instrument = EquivalenceInstrument([{"x": np.array([[1.0, -2.0]], np.float32)}])
    with pytest.raises(PassEquivalenceError, match="pass 'breaking' changed the model's outputs"):
        run_pipeline(model, [_BreakingPass()], [instrument])


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


def test_a_pass_that_breaks_is_one_line_naming_it_and_the_way_around():
    from zkc.compiler.errors import UserInputError

    with pytest.raises(
        UserInputError,
        match="pass 'crashing' failed on this model .*KeyError.*--disable-pass crashing",
    ) as caught:
        run_pipeline(_model(), [_CrashingPass()])
    assert "\n" not in str(caught.value)


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
