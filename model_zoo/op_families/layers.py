"""Linear algebra, normalisation, pooling and recurrent op families."""

from onnx import helper

from zkc.model_zoo.op_case import OpCase, random_weights
from zkc.model_zoo.op_families.builders import (
    normalization,
    rnn_case,
    shape_case,
    with_consts,
)

LAYERS: list[OpCase] = [
    with_consts(
        "matmul",
        "MatMul",
        lambda: (
            [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul0")],
            [("w", random_weights(33, 16, 4))],
        ),
    ),
    with_consts(
        "einsum",
        "Einsum",
        lambda: (
            [helper.make_node("Einsum", ["x", "w"], ["y"], name="einsum0", equation="ij,jk->ik")],
            [("w", random_weights(34, 16, 4))],
        ),
    ),
    normalization("BatchNormalization"),
    normalization("InstanceNormalization"),
    shape_case(
        "global_avgpool",
        "GlobalAveragePool",
        (1, 2, 4, 4),
        lambda: [helper.make_node("GlobalAveragePool", ["x"], ["y"], name="gap0")],
    ),
    shape_case(
        "global_maxpool",
        "GlobalMaxPool",
        (1, 2, 4, 4),
        lambda: [helper.make_node("GlobalMaxPool", ["x"], ["y"], name="gmp0")],
    ),
    shape_case(
        "lrn",
        "LRN",
        (1, 4, 3, 3),
        lambda: [helper.make_node("LRN", ["x"], ["y"], name="lrn0", size=3)],
    ),
    rnn_case(),
]
