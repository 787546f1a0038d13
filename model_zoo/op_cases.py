"""Tiny one-op models: the op tests behind `make ops` (docs/ops.md) and the rewrite tests.

Each case builds an ONNX model around one op (with the attributes that matter) and random
inputs for it. `native` cases are ops EZKL handles as they are; the others are what zkc's
rewrite passes exist for.
"""

from zkc.model_zoo.integer_cases import INTEGER_CASES
from zkc.model_zoo.op_case import (
    OpCase,
    gelu_model,
    one_op,
    random_weights,
)
from zkc.model_zoo.rewrite_cases import REWRITE_CASES

# Native: EZKL computes these as they are.
NATIVE_CASES: list[OpCase] = [
    OpCase(
        "gemm",
        "Gemm",
        one_op(
            "Gemm", (1, 8), [("W", random_weights(1, 4, 8)), ("b", random_weights(2, 4))], transB=1
        ),
        {"x": (1, 8)},
    ),
    OpCase(
        "conv2d",
        "Conv",
        one_op("Conv", (1, 2, 6, 6), [("W", random_weights(3, 3, 2, 3, 3))], pads=[1, 1, 1, 1]),
        {"x": (1, 2, 6, 6)},
    ),
    OpCase("relu", "Relu", one_op("Relu", (1, 16)), {"x": (1, 16)}),
    OpCase("sigmoid", "Sigmoid", one_op("Sigmoid", (1, 16)), {"x": (1, 16)}),
    OpCase("tanh", "Tanh", one_op("Tanh", (1, 16)), {"x": (1, 16)}),
    OpCase(
        "maxpool",
        "MaxPool",
        one_op("MaxPool", (1, 1, 6, 6), kernel_shape=[2, 2], strides=[2, 2]),
        {"x": (1, 1, 6, 6)},
    ),
    OpCase(
        "avgpool",
        "AveragePool",
        one_op("AveragePool", (1, 1, 6, 6), kernel_shape=[2, 2], strides=[2, 2]),
        {"x": (1, 1, 6, 6)},
    ),
    OpCase("softmax", "Softmax", one_op("Softmax", (1, 10), axis=-1), {"x": (1, 10)}, -3.0, 3.0),
    OpCase("erf", "Erf", one_op("Erf", (1, 16)), {"x": (1, 16)}, -2.0, 2.0),
    OpCase("gelu_erf", "Erf", gelu_model, {"x": (1, 16)}, -3.0, 3.0),
    OpCase(
        "layernorm",
        "LayerNormalization",
        one_op(
            "LayerNormalization",
            (1, 4, 8),
            [("g", 1 + random_weights(4, 8, scale=0.1)), ("b", random_weights(5, 8, scale=0.1))],
            axis=-1,
        ),
        {"x": (1, 4, 8)},
    ),
]

CASES: list[OpCase] = [*NATIVE_CASES, *REWRITE_CASES, *INTEGER_CASES]

BY_NAME = {case.name: case for case in CASES}
