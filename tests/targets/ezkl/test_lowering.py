"""The EZKL target's lowering of convolutions (patches times the kernel matrix): EZKL's witness
of the lowered form equals the direct form's within the quantization error, in fewer rows;
the choice follows the measured costs, per shape; a circuit with nothing to lower is left
byte for byte."""

import dataclasses

import numpy as np
import onnx
import onnx_ir as ir
import pytest
from onnx import helper

from tests.passes.test_conv_as_matmul import conv_model, model, samples
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.ir.model_io import save_model
from zkc.passes.conv_as_matmul import ConvAsMatMulPass, ConvShape
from zkc.passes.explicit_attributes import ExplicitAttributesPass
from zkc.targets.ezkl.bench_support.rows import circuit_rows
from zkc.targets.ezkl.bench_support.witness_check import witness_outputs
from zkc.targets.ezkl.circuit import MODEL_FILE
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.cost_model import CostModel, default_cost_model
from zkc.targets.ezkl.lowering import lower_circuit


def _direct(name: str) -> ir.Model:
    return ExplicitAttributesPass()(conv_model(name)).model  # EZKL wants explicit strides


@pytest.mark.slow
@pytest.mark.parametrize("name", ["3x3_pad_bias", "strided_pad", "1x1"])
def test_ezkl_computes_the_lowered_form_as_the_direct_one_in_fewer_rows(name, tmp_path):
    direct, lowered = tmp_path / "direct.onnx", tmp_path / "lowered.onnx"
    save_model(_direct(name), direct)
    save_model(ConvAsMatMulPass()(_direct(name)).model, lowered)
    data = samples(name)
    spec = io_spec(ir.load(direct))
    reference = ReferenceRunner(ir.load(direct)).run_batch(data, spec.input_shapes())["y"]
    config = EzklConfig(input_scale=10, param_scale=10)
    got = {p.stem: witness_outputs(p, data, spec, config)[0]["y"] for p in (direct, lowered)}
    bound = 0.01 * max(1.0, float(np.abs(reference).max()))
    for form, values in got.items():
        assert np.abs(values.reshape(reference.shape) - reference).max() <= bound, form
    rows = {p.stem: circuit_rows(p, 16384, 2, scale=7)[0] for p in (direct, lowered)}
    assert rows["lowered"] <= rows["direct"]  # a 1x1 kernel costs the same either way
    assert (rows["lowered"] < rows["direct"]) == (name != "1x1")


COST = CostModel(
    per_feature={"mac:Conv": 0.6, "mm:patches": 2.0, "mm:outputs": 30.0, "rescale": 26.0},
    default_elementwise=10.0,
    base_rows=100.0,
    hash_rows_per_element=41.0,
    hash_rows_per_tensor=2.0,
)


def test_the_choice_compares_the_measured_costs_of_both_forms():
    wide = ConvShape(1, 64, 64, (3, 3), (8, 8), 64 * 100)  # many MACs per patch element
    narrow = ConvShape(1, 1, 1, (3, 3), (8, 8), 100)  # one MAC per patch element
    assert COST.lowers(wide) and not COST.lowers(narrow)
    unmeasured = CostModel({"mac:Conv": 0.6}, 10.0, 100.0, 41.0, 2.0)
    assert not unmeasured.lowers(wide)  # costs not measured: never lowered


def test_fewer_rows_must_pay_for_a_freivalds_circuits_slower_rows():
    """bench/prove_cost.py: a lowered circuit proves ~1.7x slower per 2^logrows; a lowering
    that saves fewer rows than that is not worth it, and a circuit with one is weighed so."""
    cost = default_cost_model()
    assert cost.freivalds_prove_factor > 1.2 and cost.freivalds_memory_factor > 1.2
    shapes = [
        ConvShape(1, c, c, (3, 3), (s, s), c * (s + 2) ** 2)
        for c in (2, 4, 8, 16, 32, 64)
        for s in (4, 8, 16, 32)
    ]
    rows_only = dataclasses.replace(cost, freivalds_prove_factor=1.0)
    between = [s for s in shapes if rows_only.lowers(s) and not cost.lowers(s)]
    assert between  # some shapes save rows, but too few for the slower rows
    assert cost.prove_factor([conv_node(between[0])]) == (1.0, 1.0)
    lowered = next(s for s in shapes if cost.lowers(s))
    factors = (cost.freivalds_prove_factor, cost.freivalds_memory_factor)
    assert cost.prove_factor([conv_node(lowered)]) == factors


def conv_node(shape: ConvShape) -> ir.Node:
    """A 3x3 convolution of this shape (padded by one), shapes inferred."""
    side = shape.out_hw[0]
    weight = np.zeros((shape.out_channels, shape.channels, 3, 3), dtype=np.float32)
    node = helper.make_node("Conv", ["x", "W"], ["y"], name="conv0", pads=[1, 1, 1, 1])
    proto = model([node], {"x": (1, shape.channels, side, side)}, ["y"], [("W", weight)])
    graph = ir.serde.deserialize_model(onnx.shape_inference.infer_shapes(proto)).graph
    return next(iter(graph))


def test_a_circuit_is_lowered_only_where_chosen_and_otherwise_left_byte_for_byte(tmp_path):
    save_model(_direct("3x3"), tmp_path / MODEL_FILE)
    before = (tmp_path / MODEL_FILE).read_bytes()
    assert lower_circuit(tmp_path, EzklConfig(lowering="none")) == 0
    assert (tmp_path / MODEL_FILE).read_bytes() == before
    assert lower_circuit(tmp_path, EzklConfig(lowering="measured")) in (0, 1)  # as costs say
    lowered = ir.load(tmp_path / MODEL_FILE)
    assert any(n.op_type == "MatMul" for n in lowered.graph) == (
        (tmp_path / MODEL_FILE).read_bytes() != before
    )
