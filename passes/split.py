"""SplitPass: Split becomes one Slice per output (EZKL 23 has no Split)."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.pass_base import ZkcPass
from zkc.passes._build import Rewrite, is_onnx, static_shape
from zkc.passes._graph import constant_array


class SplitPass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites Split (sizes given as a constant, or even parts) into Slices along its axis.

    torch's `chunk`/`split`, and fused q/k/v projections, export as Split; EZKL 23 refuses
    it. Needs a static input shape.
    """

    pass_name = "split"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if is_onnx(node, "Split"):
                modified |= _rewrite(model.graph, node)
        return ir.passes.PassResult(model, modified=modified)


def _sizes(node: ir.Node, length: int) -> list[int] | None:
    given = node.inputs[1] if len(node.inputs) > 1 else None
    if given is not None:
        sizes = constant_array(given)
        return None if sizes is None else [int(s) for s in sizes.reshape(-1)]
    if "split" in node.attributes:  # opset < 13
        return list(node.attributes["split"].value)
    parts = len(node.outputs)
    chunk = -(-length // parts)  # opset 18 num_outputs: the last part may be smaller
    return [min(chunk, length - i * chunk) for i in range(parts)]


def _rewrite(graph: ir.Graph, node: ir.Node) -> bool:
    shape = static_shape(node.inputs[0])
    if shape is None:
        return False
    axis = (node.attributes["axis"].value if "axis" in node.attributes else 0) % len(shape)
    sizes = _sizes(node, shape[axis])
    if sizes is None or sum(sizes) != shape[axis] or len(sizes) != len(node.outputs):
        return False
    rw = Rewrite(graph, node)
    axes = rw.const(np.array([axis]), "axes")
    results, start = [], 0
    for size in sizes:
        starts, ends = (
            rw.const(np.array([start]), "start"),
            rw.const(np.array([start + size]), "end"),
        )
        out_shape = (*shape[:axis], size, *shape[axis + 1 :])
        results.append(rw.op("Slice", [node.inputs[0], starts, ends, axes], out_shape))
        start += size
    graph.insert_before(node, rw.nodes)
    for old, new in zip(node.outputs, results, strict=True):
        name, was_output = old.name, old.is_graph_output()
        old.replace_all_uses_with(new, replace_graph_outputs=True)
        if was_output:
            new.name = name
    graph.remove(node, safe=True)
    return True
