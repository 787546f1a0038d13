"""Comparison and logic op families (boolean intermediates)."""

import numpy as np
from onnx import TensorProto, helper

from zkc.model_zoo.op_case import OpCase
from zkc.model_zoo.op_families.builders import (
    compare,
    const_node,
    logic,
    with_consts,
)

LOGIC: list[OpCase] = [
    *[compare(op) for op in ("Greater", "Less", "Equal", "GreaterOrEqual", "LessOrEqual")],
    *[logic(op) for op in ("And", "Or", "Xor")],
    with_consts(
        "not_logic",
        "Not",
        lambda: (
            [
                const_node("zero", np.zeros(1, np.float32)),
                helper.make_node("Greater", ["x", "zero"], ["a"]),
                helper.make_node("Not", ["a"], ["b"], name="not0"),
                helper.make_node("Cast", ["b"], ["y"], to=TensorProto.FLOAT),
            ],
            [],
        ),
    ),
]
