import numpy as np
import onnx_ir as ir
import pytest
from onnx import helper

from tests.graphs import make_model, tensor
from zkc.compiler.errors import UnsupportedOpError
from zkc.targets.ezkl.ops import check_ops


def test_an_op_the_table_does_not_vouch_for_is_tried_not_refused():
    model = make_model(
        [helper.make_node("LpNormalization", ["x"], ["y"], name="my_lpnorm")],
        [tensor("x", [1, 4])],
        [tensor("y", [1, 4])],
    )
    (trial,) = check_ops(model, "m.onnx")
    assert (trial.op, trial.nodes) == ("LpNormalization", ["my_lpnorm"])
    assert trial.why.startswith("no op case measured it on EZKL")


def test_attribute_limits_are_tried_with_their_reason():
    pad = make_model(
        [helper.make_node("Pad", ["x", "p"], ["y"], name="pad1", mode="reflect")],
        [tensor("x", [1, 4]), helper.make_tensor_value_info("p", 7, [4])],
        [tensor("y", [1, 6])],
    )
    assert "Pad mode 'reflect' needs constant pads" in check_ops(pad, "m.onnx")[0].why
    conv = make_model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="dil", dilations=[2, 2], strides=[1, 1])],
        [tensor("x", [1, 1, 6, 6]), tensor("W", [1, 1, 3, 3])],
        [tensor("y", [1, 1, 2, 2])],
    )
    assert "dilated convolution" in check_ops(conv, "m.onnx")[0].why
    no_strides = make_model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="c")],
        [tensor("x", [1, 1, 6, 6])],
        [tensor("y", [1, 1, 4, 4])],
        [("W", np.ones((1, 1, 3, 3), np.float32))],
    )
    assert check_ops(no_strides, "m.onnx")[0].why.startswith("no explicit strides")
    tile = make_model(
        [
            helper.make_node("Tile", ["x", "r"], ["y"], name="t1"),
            helper.make_node("Tile", ["y", "r"], ["z"], name="t2"),
        ],
        [tensor("x", [1, 4]), helper.make_tensor_value_info("r", 7, [2])],
        [tensor("z", [1, 16])],
    )
    (trial,) = check_ops(tile, "m.onnx")  # one trial per op and reason, every node named
    assert trial.nodes == ["t1", "t2"] and trial.why.startswith("only Tile with constant repeats")


def test_what_can_never_be_a_circuit_is_refused_naming_the_node():
    body = helper.make_graph([], "body", [], [])
    loop = make_model(
        [helper.make_node("If", ["c"], ["y"], name="branch", then_branch=body, else_branch=body)],
        [helper.make_tensor_value_info("c", 9, [1])],
        [tensor("y", [1])],
    )
    with pytest.raises(UnsupportedOpError, match=r"m.onnx: node 'branch' \(If\): control flow"):
        check_ops(loop, "m.onnx")


def test_a_supported_graph_has_nothing_to_try():
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        [tensor("x", [1, 4])],
        [tensor("y", [1, 4])],
    )
    assert check_ops(model, "m.onnx") == []


def test_the_op_table_is_the_measurement_of_the_installed_ezkl():
    """op_table.json is what `make ops` measured, on the EZKL zkc runs: regenerate it (make ops)
    when EZKL changes. Every op it accepts rests on an op case EZKL computed."""
    import json

    from zkc.compiler.versions import tool_versions
    from zkc.model_zoo.op_cases import CASES
    from zkc.model_zoo.op_families import FAMILY_CASES
    from zkc.targets.ezkl import ops

    table = json.loads(ops.TABLE_FILE.read_text())
    assert table["ezkl"] == tool_versions()["ezkl"] == ops.MEASURED_WITH
    assert set(table["cases"]) == {c.name for c in CASES + FAMILY_CASES}
    assert "ok" in table["cases"].values()
    assert ops.SUPPORTED_OPS == frozenset(table["computed"])
    assert not set(table["not_computed"]) & ops.SUPPORTED_OPS


def test_the_table_derives_from_results():
    from zkc.targets.ezkl.bench_support.op_coverage import derive_table

    def result(case, op, status, after, err=0.0):
        return {
            "case": case,
            "op": op,
            "ops_after": after,
            "zkc": {"status": status, "max_abs_error": err, "detail": "EZKL: boom"},
        }

    table = derive_table(
        [
            result("pow2", "Pow", "ok", ["Pow"]),
            result("pow_tensor", "Pow", "fails", ["Pow"]),
            result("lrn", "LRN", "fails", ["LRN"]),
            result("selu", "Selu", "wrong", ["Selu"], 0.5),
            result("gt", "Greater", "ok", ["Greater", "Neg", "Where"]),
        ],
        "23.0.5",
    )
    assert table["computed"] == ["Greater", "Neg", "Pow", "Where"]
    assert set(table["not_computed"]) == {"LRN", "Selu"}
    assert "computes it wrong (max abs error 0.5 in op case selu)" in table["not_computed"]["Selu"]
    assert table["cases"]["pow_tensor"] == "fails"


def _domain_model(domain: str) -> ir.Model:
    graph = helper.make_graph(
        [helper.make_node("ArrayFeatureExtractor", ["x", "i"], ["y"], name="afe", domain=domain)],
        "g",
        [tensor("x", [3, 4]), helper.make_tensor_value_info("i", 7, [2])],
        [tensor("y", [3, 2])],
    )
    proto = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(domain, 1)],
    )
    proto.ir_version = 8
    return ir.serde.deserialize_model(proto)


def test_an_onnx_ml_op_is_tried_and_a_custom_domain_refused():
    """EZKL computes some ONNX-ML ops (the node corpus's ArrayFeatureExtractor): tried on the
    user's model like an unmeasured op. A truly custom domain stays refused."""
    (trial,) = check_ops(_domain_model("ai.onnx.ml"), "m.onnx")
    assert (trial.op, trial.nodes) == ("ai.onnx.ml::ArrayFeatureExtractor", ["afe"])
    with pytest.raises(UnsupportedOpError, match="custom-domain"):
        check_ops(_domain_model("com.example"), "m.onnx")


def test_scan_is_tried_not_refused():
    """A Scan runs a number of times fixed by static shapes, and EZKL unrolls it (the node
    corpus's scan9 cases): tried on the user's model; If and Loop stay refused."""
    body = helper.make_graph(
        [
            helper.make_node("Add", ["s_in", "x_t"], ["s_out"]),
            helper.make_node("Identity", ["s_out"], ["y_t"]),
        ],
        "body",
        [tensor("s_in", [2]), tensor("x_t", [2])],
        [tensor("s_out", [2]), tensor("y_t", [2])],
    )
    scan = helper.make_node(
        "Scan", ["s", "x"], ["s_end", "ys"], name="sum", body=body, num_scan_inputs=1
    )
    model = make_model(
        [scan],
        [tensor("s", [2]), tensor("x", [3, 2])],
        [tensor("s_end", [2]), tensor("ys", [3, 2])],
    )
    (trial,) = check_ops(model, "m.onnx")
    assert (trial.op, trial.nodes) == ("Scan", ["sum"])
