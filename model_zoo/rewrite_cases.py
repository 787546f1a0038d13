"""The op cases zkc's rewrite passes exist for: forms EZKL 23 refuses or mis-computes as they
are (zkc.model_zoo.op_cases)."""

import numpy as np
from onnx import helper, numpy_helper

from zkc.model_zoo.op_case import (
    OpCase,
    const_input,
    int_const_input,
    model,
    one_op,
    random_weights,
    rnn_model,
    split_model,
)

REWRITE_CASES: list[OpCase] = [
    OpCase(
        "conv1d_dilated",
        "Conv",
        one_op("Conv", (1, 2, 12), [("W", random_weights(6, 3, 2, 3))], dilations=[2]),
        {"x": (1, 2, 12)},
    ),
    OpCase(
        "conv2d_dilated",
        "Conv",
        one_op(
            "Conv",
            (1, 2, 8, 8),
            [("W", random_weights(7, 2, 2, 3, 3))],
            dilations=[2, 2],
            pads=[2, 2, 2, 2],
        ),
        {"x": (1, 2, 8, 8)},
    ),
    OpCase(
        "conv3d_dilated",
        "Conv",
        one_op(
            "Conv", (1, 1, 6, 6, 6), [("W", random_weights(8, 2, 1, 2, 2, 2))], dilations=[2, 2, 2]
        ),
        {"x": (1, 1, 6, 6, 6)},
    ),
    OpCase(
        "convtranspose2d",
        "ConvTranspose",
        one_op(
            "ConvTranspose",
            (1, 2, 4, 4),
            [("W", random_weights(9, 2, 3, 3, 3))],
            strides=[2, 2],
            pads=[1, 1, 1, 1],
        ),
        {"x": (1, 2, 4, 4)},
    ),
    OpCase(
        "convtranspose1d",
        "ConvTranspose",
        one_op(
            "ConvTranspose",
            (1, 2, 5),
            [("W", random_weights(10, 2, 2, 4))],
            strides=[2],
            output_padding=[1],
        ),
        {"x": (1, 2, 5)},
    ),
    OpCase(
        "pad_reflect",
        "Pad",
        int_const_input(
            "Pad", (1, 1, 4, 4), np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64), mode="reflect"
        ),
        {"x": (1, 1, 4, 4)},
    ),
    OpCase(
        "pad_edge",
        "Pad",
        int_const_input(
            "Pad", (1, 1, 4, 4), np.array([0, 0, 2, 1, 0, 0, 1, 2], np.int64), mode="edge"
        ),
        {"x": (1, 1, 4, 4)},
    ),
    OpCase(
        "pad_constant_value",
        "Pad",
        lambda: model(
            [
                helper.make_node(
                    "Constant",
                    [],
                    ["p"],
                    value=numpy_helper.from_array(
                        np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64), "p"
                    ),
                ),
                helper.make_node("Pad", ["x", "p", "v"], ["y"], name="pad0", mode="constant"),
            ],
            {"x": (1, 1, 4, 4)},
            ["y"],
            [("v", np.array(0.75))],
        ),
        {"x": (1, 1, 4, 4)},
    ),
    OpCase(
        "pad_constant",
        "Pad",
        int_const_input(
            "Pad", (1, 1, 4, 4), np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), mode="constant"
        ),
        {"x": (1, 1, 4, 4)},
    ),
    OpCase(
        "prelu_channel",
        "PRelu",
        const_input("PRelu", (1, 3, 4, 4), np.array([0.1, 0.25, 0.5]).reshape(3, 1, 1)),
        {"x": (1, 3, 4, 4)},
    ),
    OpCase(
        "expand",
        "Expand",
        int_const_input("Expand", (1, 1, 4), np.array([1, 3, 4], np.int64)),
        {"x": (1, 1, 4)},
    ),
    OpCase("pow2", "Pow", const_input("Pow", (1, 8), np.array(2.0)), {"x": (1, 8)}),
    OpCase("pow3", "Pow", const_input("Pow", (1, 8), np.array(3.0)), {"x": (1, 8)}),
    OpCase(
        "tile",
        "Tile",
        int_const_input("Tile", (1, 2, 3), np.array([1, 2, 2], np.int64)),
        {"x": (1, 2, 3)},
    ),
    OpCase(
        "maxpool_pads",
        "MaxPool",
        one_op("MaxPool", (1, 1, 5, 5), kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        {"x": (1, 1, 5, 5)},
    ),
    OpCase(
        "maxpool_dilated",
        "MaxPool",
        one_op("MaxPool", (1, 1, 7, 7), kernel_shape=[2, 2], dilations=[2, 2]),
        {"x": (1, 1, 7, 7)},
    ),
    OpCase(
        "convtranspose2d_outpad",
        "ConvTranspose",
        one_op(
            "ConvTranspose",
            (1, 2, 3, 3),
            [("W", random_weights(14, 2, 2, 3, 3))],
            strides=[2, 2],
            output_padding=[1, 1],
        ),
        {"x": (1, 2, 3, 3)},
    ),
    OpCase(
        "prelu_2d",
        "PRelu",
        const_input("PRelu", (1, 4), np.array([0.1, 0.2, 0.3, 0.4])),
        {"x": (1, 4)},
    ),
    OpCase("pow_sqrt", "Pow", const_input("Pow", (1, 8), np.array(0.5)), {"x": (1, 8)}, 0.1, 2.0),
    OpCase(
        "pow_tensor",
        "Pow",
        lambda: model(
            [helper.make_node("Pow", ["x", "e"], ["y"], name="pow0")],
            {"x": (1, 4), "e": (1, 4)},
            ["y"],
        ),
        {"x": (1, 4), "e": (1, 4)},
        0.5,
        1.5,
    ),
    OpCase(
        "expand_4d",
        "Expand",
        int_const_input("Expand", (1, 2, 1, 3), np.array([2, 2, 3, 3], np.int64)),
        {"x": (1, 2, 1, 3)},
    ),
    OpCase(
        "maxpool_dilated_strided",
        "MaxPool",
        one_op("MaxPool", (1, 1, 7, 7), kernel_shape=[2, 2], dilations=[2, 2], strides=[1, 1]),
        {"x": (1, 1, 7, 7)},
    ),
    OpCase(
        "conv2d_strided",
        "Conv",
        one_op(
            "Conv",
            (1, 2, 6, 6),
            [("W", random_weights(3, 3, 2, 3, 3))],
            pads=[1, 1, 1, 1],
            strides=[2, 2],
        ),
        {"x": (1, 2, 6, 6)},
    ),
    OpCase(
        "softmax_axis1",
        "Softmax",
        one_op("Softmax", (1, 4, 5), axis=1),
        {"x": (1, 4, 5)},
        -3.0,
        3.0,
    ),
    OpCase("split", "Split", split_model, {"x": (1, 6, 3)}),
    OpCase("lstm", "LSTM", rnn_model("LSTM", 4), {"x": (4, 1, 3)}),
    OpCase("gru", "GRU", rnn_model("GRU", 3), {"x": (4, 1, 3)}),
]
