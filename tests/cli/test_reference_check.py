"""Every compile checks its circuit against onnxruntime: integer arithmetic computes what ONNX
specifies, and a circuit that computes another function is refused in one line (exit 1),
whatever the budget, with nothing written."""

import json

import numpy as np
import onnx
import onnx_ir as ir
import pytest
from onnx import TensorProto, helper, numpy_helper

from zkc.compiler.pipeline.base import ZkcPass

pytestmark = pytest.mark.slow


def _int_division(path, out_type):
    """y = x // 3 (ONNX Div on int64: truncation), as int64 or cast to float."""
    nodes = [helper.make_node("Div", ["x", "d"], ["q"], name="div")]
    nodes.append(helper.make_node("Cast", ["q"], ["y"], name="cast", to=out_type))
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.INT64, [1, 8])],
        [helper.make_tensor_value_info("y", out_type, [1, 8])],
        [numpy_helper.from_array(np.array(3, np.int64), "d")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


@pytest.fixture
def compile_div(zkc, srs_dir, tmp_path):
    np.savez(tmp_path / "c.npz", x=np.random.default_rng(0).integers(-12, 12, (24, 1, 8)))

    def run(out_type, *flags):
        model, out = tmp_path / f"div{out_type}.onnx", tmp_path / f"div{out_type}.zkc"
        _int_division(model, out_type)
        args = ["--srs-dir", srs_dir, "--dev-srs", "--no-cache", "--quantize", "ezkl", *flags]
        return (*zkc("compile", model, "--calibration", tmp_path / "c.npz", "-o", out, *args), out)

    return run


def test_integer_division_compiles_to_exactly_onnxruntimes_values(compile_div):
    code, _, err, out = compile_div(TensorProto.FLOAT)
    assert code == 0, err
    fidelity = json.loads((out / "manifest.json").read_text())["fidelity"]
    assert fidelity["max_abs_error"] == 0.0 and fidelity["tolerance"] == 0.01
    assert fidelity["outputs"] == [
        {"name": "y", "dtype": "float", "max_abs_error": 0.0, "allowed": 0.04}
    ]


def test_a_circuit_of_another_function_is_refused_with_nothing_written(compile_div):
    code, _, err, out = compile_div(TensorProto.FLOAT, "--disable-pass", "integer_division")
    assert code == 1
    line = err.strip().splitlines()[-1]
    assert line.startswith("zkc: error: the circuit does not compute the model: output 'y'")
    assert "max |error| 0.66" in line and "allowed 0.04" in line
    assert not out.exists()


def test_the_tolerance_is_the_users_to_set_but_integers_stay_exact(compile_div):
    loose = ("--disable-pass", "integer_division", "--tolerance", "0.5")
    assert compile_div(TensorProto.FLOAT, *loose)[0] == 0
    code, _, err, _ = compile_div(TensorProto.INT64, *loose, "--max-error", "1")
    assert code == 1 and "output 'y' (int64)" in err and "must match exactly" in err


class _Crashing(ir.passes.InPlacePass, ZkcPass):
    """Test-only: a pass whose precondition does not hold on the model."""

    pass_name = "crashing"
    version = 1

    def call(self, model):
        raise ValueError("this pass cannot apply here")


def test_a_pass_that_cannot_apply_stands_aside_and_the_compile_goes_on(compile_div, monkeypatch):
    from zkc.targets.ezkl import pipelines

    default = pipelines.PIPELINES["ezkl-default"]
    monkeypatch.setitem(pipelines.PIPELINES, "ezkl-default", [_Crashing, *default])
    code, _, err, out = compile_div(TensorProto.FLOAT)
    assert code == 0, err
    assert "pass 'crashing' stood aside (ValueError: this pass cannot apply here)" in err
    log = json.loads((out / "manifest.json").read_text())["passes"]
    assert log[0]["name"] == "crashing" and log[0]["stood_aside"].startswith("ValueError")
    assert all(entry["stood_aside"] is None for entry in log[1:])
