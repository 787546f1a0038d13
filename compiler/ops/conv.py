"""Conv: a tile computes a band of output rows for a group of output channels, reading the
band's receptive field (halo included) of the channels those outputs see, with explicit zero
padding where the field meets the input's edges and the weights of its output channels."""

from typing import Any

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import (
    Box,
    Shape,
    TileWriter,
    attrs,
    clipped,
    dim_of,
    input_name,
    int_attr,
    is_const,
    main_input,
    name_of,
)
from zkc.compiler.ops.windows import conv_window, kernel_rows


def _geometry(index: ModelIndex, node: ir.Node) -> tuple[dict[str, Any], int | None]:
    """The conv's attributes (with its output channel count) and its output channels per
    group (None when it is not grouped)."""
    found = attrs(node)
    weight = index.constants[name_of(node.inputs[1])]
    group = found.get("group", 1)
    found["out_channels"] = weight.shape[0]
    return found, weight.shape[0] // group if group > 1 else None


class ConvTiles:
    """Conv with constant weights (any kernel, stride, dilation, groups; 2-D)."""

    op_types = frozenset({"Conv"})

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        if len(out) == 4 and all(is_const(v) for v in node.inputs[1:]):
            return "conv"
        return None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        x = node.inputs[0]
        rows = kernel_rows(attrs(node), rows, dim_of(x, 2))
        group = int_attr(node, "group", 1)
        per_group = dim_of(node.outputs[0], 1) // group
        in_channels = dim_of(x, 1)
        channels = in_channels if group == 1 else -(-channels // per_group) * (in_channels // group)
        return clipped(node, rows, channels)

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        found, per_group = _geometry(index, node)
        return conv_window(found, index.shapes[name_of(node.inputs[0])], box, per_group)[0]

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        index = writer.index
        x = main_input(writer, node, self.input_box(index, node, box), current)
        found, per_group = _geometry(index, node)
        _, pads = conv_window(found, index.shapes[name_of(node.inputs[0])], box, per_group)
        if any(pads):
            x = writer.op("Pad", [x, writer.const(np.array(pads, np.int64))], mode="constant")
        c0, c1 = box[1]
        ins = [x, writer.weight(name_of(node.inputs[1]), slice(c0, c1))]
        if (bias := input_name(node, 2)) is not None:
            ins.append(writer.weight(bias, slice(c0, c1)))
        conv: dict[str, Any] = {
            k: found[k] for k in ("kernel_shape", "strides", "dilations") if k in found
        }
        conv["group"] = (c1 - c0) // per_group if per_group else 1
        return writer.op("Conv", ins, pads=[0, 0, 0, 0], **conv)
