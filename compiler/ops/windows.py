"""The receptive field of a convolution or pool tile: the input box it reads, and the padding
it needs where that box meets the input's edges."""

from typing import Any

from zkc.compiler.ops.base import Box


def conv_window(
    attrs: dict[str, Any], in_shape: tuple[int, ...], out_box: Box, out_per_group: int | None
) -> tuple[Box, list[int]]:
    """The input box a conv (or pool) tile reads for its output box, and the padding (ONNX
    order: begins then ends, over all four axes) it needs at the input's edges.
    `out_per_group`: output channels per group of a grouped conv, or per channel of a pool
    (None: a conv that is not grouped, reading every input channel)."""
    kh = attrs["kernel_shape"][0]
    sh = attrs.get("strides", [1, 1])[0]
    dh = attrs.get("dilations", [1, 1])[0]
    pt, pl, _, pr = attrs.get("pads", [0, 0, 0, 0])
    (o0, o1), (c0, c1) = out_box[2], out_box[1]
    start, end = o0 * sh - pt, (o1 - 1) * sh - pt + (kh - 1) * dh + 1
    rows = (max(start, 0), min(end, in_shape[2]))
    channels = (0, in_shape[1])
    if out_per_group is not None:
        in_per_group = in_shape[1] // (attrs.get("out_channels", in_shape[1]) // out_per_group)
        channels = (c0 // out_per_group * in_per_group, c1 // out_per_group * in_per_group)
    pads = [0, 0, max(0, -start), pl, 0, 0, max(0, end - in_shape[2]), pr]
    return [(0, 1), channels, rows, (0, in_shape[3])], pads


def kernel_rows(attrs: dict[str, Any], rows: int, in_rows: int) -> int:
    """Input rows a kernel reads for `rows` output rows (clipped to the input's)."""
    if "kernel_shape" not in attrs:
        return rows
    kernel: int = attrs["kernel_shape"][0]
    stride: int = attrs["strides"][0] if "strides" in attrs else 1
    dilation: int = attrs["dilations"][0] if "dilations" in attrs else 1
    return min(in_rows, (rows - 1) * stride + (kernel - 1) * dilation + 1)
