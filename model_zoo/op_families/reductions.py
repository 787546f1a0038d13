"""Reduction op families (and ArgMax/ArgMin, CumSum)."""

from onnx import helper

from zkc.model_zoo.op_case import OpCase
from zkc.model_zoo.op_families.builders import (
    arg_case,
    const_node,
    i64,
    reduction,
    with_consts,
)

REDUCTIONS: list[OpCase] = [
    reduction("ReduceSum", axes_input=True),
    reduction("ReduceMean"),
    reduction("ReduceMax"),
    reduction("ReduceMin"),
    reduction("ReduceProd", 0.5, 1.5),
    reduction("ReduceL1"),
    reduction("ReduceL2"),
    reduction("ReduceSumSquare"),
    reduction("ReduceLogSum", 0.5, 2.0),
    reduction("ReduceLogSumExp"),
    arg_case("ArgMax"),
    arg_case("ArgMin"),
    with_consts(
        "cumsum",
        "CumSum",
        lambda: (
            [
                const_node("a", i64(1)),
                helper.make_node("CumSum", ["x", "a"], ["y"], name="cumsum0"),
            ],
            [],
        ),
    ),
]
