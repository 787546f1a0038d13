"""MaxPoolWindowsPass: padded or dilated MaxPool becomes what EZKL computes correctly."""

import itertools

import onnx_ir as ir

from zkc.compiler.ir.rewrite import Rewrite, gather_axis, int_list, is_onnx, static_shape
from zkc.compiler.pipeline.base import ZkcPass
from zkc.passes.pad_modes import pad_by_gather


class MaxPoolWindowsPass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites MaxPool with pads or dilations, which EZKL 23 mis-computes.

    Pads: EZKL pads with zeros, which wins the max over negative values. Edge padding
    (a Gather) is exact instead: with pads < kernel, every padded cell repeats a real cell
    of the same window. Dilations: EZKL ignores them; the pool becomes, per kernel tap, a
    Gather of the tapped positions along each spatial axis, and an elementwise Max of the
    taps. Skipped: ceil_mode, a used Indices output, dilation together with pads.
    """

    pass_name = "maxpool_windows"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if is_onnx(node, "MaxPool"):
                modified |= _rewrite(model.graph, node)
        return ir.passes.PassResult(model, modified=modified)


def _rewrite(graph: ir.Graph, node: ir.Node) -> bool:
    source, shape = node.inputs[0], static_shape(node.inputs[0])
    kernel = int_list(node, "kernel_shape", None)
    if source is None or shape is None or kernel is None:
        return False
    rank = len(kernel)
    pads = int_list(node, "pads", [0] * 2 * rank)
    dilations = int_list(node, "dilations", [1] * rank)
    strides = int_list(node, "strides", [1] * rank)
    ceil = node.attributes["ceil_mode"].value if "ceil_mode" in node.attributes else 0
    indices_used = len(node.outputs) > 1 and (
        node.outputs[1].uses() or node.outputs[1].is_graph_output()
    )
    padded, dilated = any(pads), any(d != 1 for d in dilations)
    if ceil or indices_used or not (padded or dilated) or (padded and dilated):
        return False
    rw = Rewrite(graph, node)
    if padded:
        full = [0, 0, *pads[:rank], 0, 0, *pads[rank:]]
        gathered = pad_by_gather(rw, source, shape, full, "edge")
        if gathered is None:
            return False
        x, x_shape = gathered
        pool = rw.op(
            "MaxPool",
            [x],
            None,
            kernel_shape=kernel,
            strides=strides,
            pads=[0] * 2 * rank,
            dilations=[1] * rank,
        )
        rw.commit(pool)
        return True
    outs = [
        (size - ((k - 1) * d + 1)) // s + 1
        for size, k, d, s in zip(shape[2:], kernel, dilations, strides, strict=True)
    ]
    result: ir.Value | None = None
    for taps in itertools.product(*(range(k) for k in kernel)):
        x, x_shape = source, shape
        for axis, (tap, out, d, s) in enumerate(zip(taps, outs, dilations, strides, strict=True)):
            x, x_shape = gather_axis(
                rw, x, x_shape, axis + 2, [i * s + tap * d for i in range(out)]
            )
        result = x if result is None else rw.op("Max", [result, x], x_shape)
    if result is None:
        return False
    rw.commit(result)
    return True
