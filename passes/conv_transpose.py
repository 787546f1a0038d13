"""ConvTransposePass: a transposed convolution becomes a convolution over a spread-out input."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import constant_array
from zkc.compiler.ir.rewrite import Rewrite, gather_axis, int_list, is_onnx, static_shape
from zkc.compiler.pipeline.base import ZkcPass
from zkc.passes.dilated_conv import dilate_kernel


class ConvTransposePass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites ConvTranspose (1-D, 2-D, 3-D; group 1) into Gather + Conv.

    EZKL 23 panics on 1-D and on `output_padding`. Along each spatial axis one Gather
    spreads the input s apart and pads it (positions without a source read an appended
    zero slice); a stride-1 Conv with the kernel flipped and its channel axes swapped then
    gives the transposed convolution. Needs constant weights and a static input shape.
    """

    pass_name = "conv_transpose"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if is_onnx(node, "ConvTranspose"):
                modified |= _rewrite(model.graph, node)
        return ir.passes.PassResult(model, modified=modified)


def _rewrite(graph: ir.Graph, node: ir.Node) -> bool:
    shape = static_shape(node.inputs[0])
    weight = constant_array(node.inputs[1])
    group = node.attributes["group"].value if "group" in node.attributes else 1
    if shape is None or weight is None or group != 1 or "output_shape" in node.attributes:
        return False
    auto = node.attributes.get("auto_pad")
    if auto is not None and auto.value not in ("NOTSET", b"NOTSET"):
        return False
    rank = weight.ndim - 2
    strides = int_list(node, "strides", [1] * rank)
    dilations = int_list(node, "dilations", [1] * rank)
    pads = int_list(node, "pads", [0] * 2 * rank)
    out_pad = int_list(node, "output_padding", [0] * rank)
    kernel = dilate_kernel(weight, dilations)  # (C_in, C_out, k...)
    conv_weight = np.flip(kernel, axis=tuple(range(2, kernel.ndim))).swapaxes(0, 1).copy()
    rw = Rewrite(graph, node)
    x, x_shape = node.inputs[0], shape
    for axis in range(rank):
        dim = axis + 2
        size, k = shape[dim], conv_weight.shape[dim]
        out = strides[axis] * (size - 1) + out_pad[axis] + k - pads[axis] - pads[axis + rank]
        lead = k - 1 - pads[axis]
        x_shape_z = (*x_shape[:dim], x_shape[dim] + 1, *x_shape[dim + 1 :])
        zeros_axis = rw.const(np.zeros((*x_shape[:dim], 1, *x_shape[dim + 1 :])), f"zeros{axis}")
        x = rw.op("Concat", [x, zeros_axis], x_shape_z, axis=dim)
        indices = []
        for p in range(out + k - 1):
            q, r = divmod(p - lead, strides[axis])
            indices.append(q if r == 0 and 0 <= q < size else size)
        x, x_shape = gather_axis(rw, x, x_shape_z, dim, indices)
    w = rw.const(conv_weight, "W_conv")
    bias = node.inputs[2] if len(node.inputs) > 2 else None
    out_shape = (
        shape[0],
        conv_weight.shape[0],
        *[x_shape[d + 2] - conv_weight.shape[d + 2] + 1 for d in range(rank)],
    )
    y = rw.op(
        "Conv",
        [x, w, bias] if bias is not None else [x, w],
        out_shape,
        strides=[1] * rank,
        pads=[0] * 2 * rank,
        dilations=[1] * rank,
    )
    rw.commit(y)
    return True
