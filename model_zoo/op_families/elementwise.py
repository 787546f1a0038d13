"""Element-wise op families: unary, binary and variadic."""

import numpy as np
from onnx import helper

from zkc.model_zoo.op_case import OpCase, random_weights
from zkc.model_zoo.op_families.builders import (
    X,
    binary,
    const_node,
    unary,
    with_consts,
)

ELEMENTWISE: list[OpCase] = [
    *[
        unary(op)
        for op in (
            "Abs",
            "Neg",
            "Sin",
            "Cos",
            "Atan",
            "Sign",
            "Softsign",
            "Identity",
            "Softplus",
            "Elu",
            "Selu",
            "HardSigmoid",
            "HardSwish",
            "Sinh",
            "Cosh",
            "Asinh",
        )
    ],
    unary("Exp", -2.0, 2.0),
    unary("Log", 0.1, 3.0),
    unary("Sqrt", 0.1, 3.0),
    unary("Reciprocal", 0.5, 2.0),
    unary("Tan", -1.0, 1.0),
    unary("Asin", -0.9, 0.9),
    unary("Acos", -0.9, 0.9),
    unary("Acosh", 1.1, 3.0),
    unary("Atanh", -0.9, 0.9),
    unary("Floor", -3.0, 3.0),
    unary("Ceil", -3.0, 3.0),
    unary("Round", -3.0, 3.0),
    unary("Celu", alpha=1.0),
    unary("LeakyRelu", alpha=0.1),
    unary("ThresholdedRelu", alpha=0.2),
    unary("Shrink", lambd=0.3, bias=0.1),
    unary("LogSoftmax", -3.0, 3.0, axis=-1),
    unary("Hardmax", axis=-1),
    with_consts(
        "clip",
        "Clip",
        lambda: (
            [
                const_node("lo", np.array(-0.5, np.float32)),
                const_node("hi", np.array(0.5, np.float32)),
                helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="clip0"),
            ],
            [],
        ),
    ),
    # binary and variadic
    *[binary(op) for op in ("Add", "Sub", "Mul", "Div", "Max", "Min")],
    with_consts(
        "sum3",
        "Sum",
        lambda: (
            [helper.make_node("Sum", ["x", "a", "b"], ["y"], name="sum0")],
            [("a", random_weights(28, *X)), ("b", random_weights(29, *X))],
        ),
    ),
    with_consts(
        "mean3",
        "Mean",
        lambda: (
            [helper.make_node("Mean", ["x", "a", "b"], ["y"], name="mean0")],
            [("a", random_weights(30, *X)), ("b", random_weights(31, *X))],
        ),
    ),
]
