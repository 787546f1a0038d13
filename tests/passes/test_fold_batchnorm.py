import numpy as np
from onnx import helper

from tests.graphs import make_model, op_types, outputs_of, tensor
from zkc.passes.fold_batchnorm import FoldBatchNormPass

RNG = np.random.default_rng(0)


def _bn_inits(c):
    return [
        ("gamma", RNG.uniform(0.5, 1.5, c).astype(np.float32)),
        ("beta", RNG.normal(size=c).astype(np.float32)),
        ("mean", RNG.normal(size=c).astype(np.float32)),
        ("var", RNG.uniform(0.5, 2.0, c).astype(np.float32)),
    ]


def _conv_bn(with_bias=True):
    inits = [("W", RNG.normal(size=(4, 2, 3, 3)).astype(np.float32))] + _bn_inits(4)
    conv_inputs = ["x", "W"]
    if with_bias:
        inits.append(("B", RNG.normal(size=4).astype(np.float32)))
        conv_inputs.append("B")
    nodes = [
        helper.make_node("Conv", conv_inputs, ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node(
            "BatchNormalization",
            ["c", "gamma", "beta", "mean", "var"],
            ["y"],
            name="bn",
            epsilon=1e-3,
        ),
        helper.make_node("Relu", ["y"], ["z"], name="relu"),
    ]
    return make_model(nodes, [tensor("x", [1, 2, 5, 5])], [tensor("z", [1, 4, 5, 5])], inits)


def test_conv_bn_folds_and_keeps_outputs():
    for with_bias in (True, False):
        model = _conv_bn(with_bias)
        x = RNG.normal(size=(1, 2, 5, 5)).astype(np.float32)
        before = outputs_of(model, {"x": x})
        result = FoldBatchNormPass()(model)
        assert result.modified
        assert op_types(result.model) == ["Conv", "Relu"]
        np.testing.assert_allclose(
            outputs_of(result.model, {"x": x})[0], before[0], rtol=1e-4, atol=1e-4
        )


def test_gemm_bn_folds_with_transposed_weight():
    inits = [
        ("W", RNG.normal(size=(3, 6)).astype(np.float32)),
        ("B", RNG.normal(size=3).astype(np.float32)),
    ]
    inits += _bn_inits(3)
    nodes = [
        helper.make_node("Gemm", ["x", "W", "B"], ["g"], name="gemm", transB=1),
        helper.make_node(
            "BatchNormalization", ["g", "gamma", "beta", "mean", "var"], ["y"], name="bn"
        ),
    ]
    model = make_model(nodes, [tensor("x", [2, 6])], [tensor("y", [2, 3])], inits)
    x = RNG.normal(size=(2, 6)).astype(np.float32)
    before = outputs_of(model, {"x": x})[0]
    result = FoldBatchNormPass()(model)
    assert result.modified and op_types(result.model) == ["Gemm"]
    assert [v.name for v in result.model.graph.outputs] == ["y"]
    np.testing.assert_allclose(outputs_of(result.model, {"x": x})[0], before, rtol=1e-4, atol=1e-4)


def test_not_modified_without_batchnorm_or_when_conv_output_is_shared():
    plain = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        [tensor("x", [1, 4])],
        [tensor("y", [1, 4])],
    )
    assert FoldBatchNormPass()(plain).modified is False

    inits = [("W", RNG.normal(size=(4, 2, 1, 1)).astype(np.float32))] + _bn_inits(4)
    nodes = [
        helper.make_node("Conv", ["x", "W"], ["c"], name="conv"),
        helper.make_node(
            "BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["y"], name="bn"
        ),
        helper.make_node("Add", ["y", "c"], ["z"], name="add"),
    ]
    shared = make_model(nodes, [tensor("x", [1, 2, 3, 3])], [tensor("z", [1, 4, 3, 3])], inits)
    result = FoldBatchNormPass()(shared)
    assert result.modified is False
    assert "BatchNormalization" in op_types(result.model)
