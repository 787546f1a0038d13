"""`zkc plan`: the plan and its estimates without building; a node that cannot fit is one line
naming it, its rows and the smallest budget that works."""

import json

import numpy as np
from onnx import helper

from tests.cli.helpers import assert_one_error_line
from tests.graphs import save_xy_model
from zkc.targets.ezkl.evm.estimate import GAS_TABLE, evm_estimate


def _model(path, nodes, x_shape, y_shape, consts=()):
    return save_xy_model(path, nodes, x_shape, y_shape, consts)


def test_plan_shows_tiles_circuits_and_estimates(zkc, tmp_path):
    weight = np.random.default_rng(0).normal(size=(8, 4, 3, 3)).astype(np.float32)
    conv = helper.make_node(
        "Conv",
        ["x", "w"],
        ["c"],
        name="conv",
        kernel_shape=[3, 3],
        pads=[1, 1, 1, 1],
        strides=[1, 1],
    )
    relu = helper.make_node("Relu", ["c"], ["y"], name="relu")
    path = _model(
        tmp_path / "conv.onnx", [conv, relu], [1, 4, 32, 32], [1, 8, 32, 32], [("w", weight)]
    )
    code, out, err = zkc("plan", path, "--max-logrows", 15, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["pieces"] > 1 and report["slices"][0]["tiles"] > 1
    assert sum(s["tiles"] for s in report["slices"]) == report["pieces"]
    assert 1 < len(report["circuits"]) < report["pieces"]  # interior bands share a circuit
    assert all(c["logrows"] <= 15 for c in report["circuits"])
    assert report["piece_rows"] >= report["unsplit_rows"] * 0.9
    walls = report["projected_wall_seconds"]
    assert walls["1"] >= walls["4"] >= walls["16"] >= walls["64"] > 0
    code, out, _ = zkc("plan", path, "--max-logrows", 15)
    assert code == 0 and "tiles (conv:" in out and "projected proving wall time" in out
    assert f"~{evm_estimate(report['pieces']).transactions} transaction(s)" in out
    assert report["deployment"] == [evm_estimate(report["pieces"]).line()]
    assert not list(tmp_path.glob("*.zkc"))  # nothing built


def test_the_evm_estimate_packs_pieces_into_transactions_by_the_measured_gas():
    table = json.loads(GAS_TABLE.read_text())
    one = evm_estimate(1)
    assert one.transactions == 1 and min(table["verifier_gas"]) < one.gas < 2_000_000
    # a chain packed as zkc evm verify packs it: more pieces, more transactions
    many = evm_estimate(200)
    assert many.transactions > 1 and many.gas > 200 * min(table["verifier_gas"])
    assert evm_estimate(200, gas_limit=3_000_000).transactions > many.transactions


def test_a_node_that_cannot_fit_names_the_smallest_budget(zkc, tmp_path):
    """A Reshape has no split rule (a channel shuffle, a flatten): it commits all it reads."""
    shape = helper.make_node("Reshape", ["x", "s"], ["y"], name="flatten")
    path = _model(
        tmp_path / "r.onnx",
        [shape],
        [1, 1, 128, 128],
        [1, 16384],
        [("s", np.array([1, 16384], np.int64))],
    )
    code, _, err = zkc("plan", path, "--max-logrows", 13)
    assert code == 2
    assert_one_error_line(err)
    assert "node 'flatten' (Reshape)" in err and "rows" in err and "32,768 elements" in err
    assert "the smallest --max-logrows that fits is" in err


def test_a_reduction_too_big_for_tiles_is_split_with_a_summing_piece(zkc, tmp_path):
    gap = helper.make_node("GlobalAveragePool", ["x"], ["y"], name="gap")
    path = _model(tmp_path / "gap.onnx", [gap], [1, 1, 64, 64], [1, 1, 1, 1])
    code, out, err = zkc("plan", path, "--max-logrows", 13, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["slices"][-1]["first"].startswith("gap__sum")  # the summing piece
    assert all(c["logrows"] <= 13 for c in report["circuits"])
