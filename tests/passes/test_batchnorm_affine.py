import numpy as np
import pytest
from onnx import helper
from onnx_ir.passes.common import ShapeInferencePass

from tests.graphs import make_model, op_types, outputs_of, tensor
from zkc.passes.batchnorm_affine import BatchNormAffinePass

RNG = np.random.default_rng(3)


def _bn_model(shape, after=None):
    c = shape[1]
    inits = [
        ("gamma", RNG.uniform(0.5, 1.5, c).astype(np.float32)),
        ("beta", RNG.normal(size=c).astype(np.float32)),
        ("mean", RNG.normal(size=c).astype(np.float32)),
        ("var", RNG.uniform(0.5, 2.0, c).astype(np.float32)),
    ]
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),  # no Conv/Gemm to fold into
        helper.make_node(
            "BatchNormalization",
            ["r", "gamma", "beta", "mean", "var"],
            ["y"],
            name="bn",
            epsilon=1e-3,
        ),
    ]
    model = make_model(nodes, [tensor("x", list(shape))], [tensor("y", list(shape))], inits)
    return ShapeInferencePass()(model).model  # as loading a model does


@pytest.mark.parametrize("shape", [(1, 4, 5, 5), (1, 3, 7), (2, 6)])
def test_a_lone_batchnorm_becomes_a_per_channel_affine(shape):
    model = _bn_model(shape)
    x = RNG.normal(size=shape).astype(np.float32)
    before = outputs_of(model, {"x": x})
    result = BatchNormAffinePass()(model)
    assert result.modified
    assert op_types(result.model) == ["Relu", "Mul", "Add"]
    np.testing.assert_allclose(
        outputs_of(result.model, {"x": x})[0], before[0], rtol=1e-5, atol=1e-5
    )
    assert result.model.graph.outputs[0].name == "y"


def test_batchnorm_with_statistics_as_inputs_is_left_alone():
    model = _bn_model((1, 4, 5, 5))
    stats = model.graph.initializers["var"]
    model.graph.initializers.pop("var")
    model.graph.inputs.append(stats)  # the variance now comes from the request
    stats.const_value = None
    result = BatchNormAffinePass()(model)
    assert not result.modified
    assert "BatchNormalization" in op_types(result.model)
