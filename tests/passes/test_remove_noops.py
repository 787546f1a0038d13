import numpy as np
from onnx import helper

from tests.graphs import make_model, op_types, outputs_of, tensor
from zkc.passes.remove_noops import RemoveNoOpsPass


def test_identity_and_dropout_removed_and_output_name_kept():
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="relu"),
        helper.make_node("Identity", ["a"], ["b"], name="id"),
        helper.make_node("Dropout", ["b"], ["c"], name="drop"),
        helper.make_node("Neg", ["c"], ["d"], name="neg"),
        helper.make_node("Identity", ["d"], ["y"], name="id_out"),
    ]
    model = make_model(nodes, [tensor("x", [1, 3])], [tensor("y", [1, 3])])
    x = np.array([[-1.0, 0.5, 2.0]], dtype=np.float32)
    before = outputs_of(model, {"x": x})[0]
    result = RemoveNoOpsPass()(model)
    assert result.modified
    assert op_types(result.model) == ["Relu", "Neg"]
    assert [v.name for v in result.model.graph.outputs] == ["y"]
    np.testing.assert_array_equal(outputs_of(result.model, {"x": x})[0], before)


def test_not_modified_when_nothing_to_remove_or_identity_links_input_to_output():
    plain = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")], [tensor("x", [2])], [tensor("y", [2])]
    )
    assert RemoveNoOpsPass()(plain).modified is False
    passthrough = make_model(
        [helper.make_node("Identity", ["x"], ["y"], name="id")],
        [tensor("x", [2])],
        [tensor("y", [2])],
    )
    result = RemoveNoOpsPass()(passthrough)
    assert result.modified is False and op_types(result.model) == ["Identity"]


def test_dropout_with_used_mask_is_kept():
    nodes = [
        helper.make_node("Dropout", ["x"], ["y", "mask"], name="drop"),
    ]
    model = make_model(
        nodes, [tensor("x", [2])], [tensor("y", [2]), helper.make_tensor_value_info("mask", 9, [2])]
    )
    assert RemoveNoOpsPass()(model).modified is False
