"""The logrows polycommit-linked circuits share: the one proving costs least (cells: column
blocks × 2^k over the pieces), never below a circuit's largest table; and a chain whose one
circuit calibrates above the others is set up at the lower logrows, that circuit laid out in
more columns, and proves and verifies."""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import zkc
from zkc.targets.ezkl.shared_logrows import (
    capacity_logrows,
    column_blocks,
    shared_logrows,
    table_floor,
)

RANGE_15 = [[-1, 1], [0, 16383]]  # decomposition base 16384: a 2^14 range-check table


def settings(logrows: int, rows: int, checks=RANGE_15) -> dict:
    return {"run_args": {"logrows": logrows}, "num_rows": rows, "required_range_checks": checks}


def test_one_large_circuit_is_wrapped_rather_than_every_circuit_doubled():
    chain = [settings(16, 60_000)] * 5 + [settings(17, 70_000)]
    assert shared_logrows(chain, list(range(6))) == 16
    assert column_blocks(70_000, 16) == 2 and capacity_logrows(70_000, 16) == 17


def test_equal_cells_take_the_larger_logrows_and_tables_set_a_floor():
    # 58k rows fill two columns at 15 or one at 16: the same cells, fewer columns at 16
    assert shared_logrows([settings(16, 58_000)] * 6, list(range(6))) == 16
    assert shared_logrows([settings(16, 65_000), settings(17, 131_000)], [0, 1]) == 16
    assert table_floor(settings(15, 10)) == 15
    assert shared_logrows([settings(15, 100), settings(17, 120_000)], [0] * 9 + [1]) == 15
    # a lookup table of 2^16 entries cannot go below 17
    wide = settings(17, 100) | {"required_lookups": ["ReLU"]}
    wide["run_args"] = {"logrows": 17, "lookup_range": [-32768, 32767]}
    assert table_floor(wide) == 17 and shared_logrows([wide, settings(16, 100)], [0, 1]) == 17


@pytest.mark.slow
def test_a_chain_sets_up_its_larger_circuit_in_more_columns_and_proves(srs_dir, tmp_path):
    rng = np.random.default_rng(5)
    w1 = (rng.normal(size=(512, 8)) / 16).astype(np.float32)
    w2 = rng.normal(size=(8, 2)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "w1"], ["h"], name="wide"),
            helper.make_node("Relu", ["h"], ["r"], name="relu"),
            helper.make_node("MatMul", ["r", "w2"], ["y"], name="narrow"),
        ],
        "uneven",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 512])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    artifact = zkc.compile(
        proto,
        rng.normal(size=(12, 1, 512)).astype(np.float32),
        output=tmp_path / "u.zkc",
        srs_dir=srs_dir,
        dev_srs=True,
        cache_dir=None,
        slices=2,
        decomp_base=1024,
        decomp_legs=3,
        input_scale=10,
        param_scale=10,
    )
    wide, narrow = artifact.manifest.circuit.circuits
    # the wide slice alone needs logrows 13; both are set up at 11, the wide one in columns
    assert narrow.calibrated_logrows == wide.logrows == narrow.logrows == 11
    assert wide.calibrated_logrows == 13 and column_blocks(wide.num_rows, 11) == 3
    x = rng.normal(size=(1, 512)).astype(np.float32)
    proof = artifact.prove(x)
    assert artifact.verify(proof)
    expected = np.maximum(x @ w1, 0) @ w2
    assert np.allclose(proof.outputs["y"], expected, atol=0.05)
    # a link between the two pieces is still checked: piece 1 of another input is refused
    other = artifact.prove(-x)
    mixed = proof.envelope.model_copy(deep=True)
    mixed.slices[1].proof = other.envelope.slices[1].proof
    assert not artifact.verify(mixed)
