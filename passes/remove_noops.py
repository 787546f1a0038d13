"""RemoveNoOpsPass: drop nodes that compute nothing at inference time (Identity, Dropout)."""

import onnx_ir as ir

from zkc.compiler.ir.graph import bypass_node
from zkc.compiler.pipeline.base import ZkcPass

NO_OP_TYPES = frozenset({"Identity", "Dropout"})


class RemoveNoOpsPass(ir.passes.InPlacePass, ZkcPass):
    """Removes Identity nodes and inference-mode Dropout (whose mask output is unused).

    Users of the removed node's output read its input instead; graph output names are kept.
    """

    pass_name = "remove_noops"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if node.domain not in ("", "ai.onnx") or node.op_type not in NO_OP_TYPES:
                continue
            if node.op_type == "Dropout" and not _is_inference_dropout(node):
                continue
            source, result = node.inputs[0], node.outputs[0]
            if source is None:
                continue
            modified |= bypass_node(model.graph, node, source, result)
        return ir.passes.PassResult(model, modified=modified)


def _is_inference_dropout(node: ir.Node) -> bool:
    """Dropout is a no-op when its mask is unused and training_mode is absent or constant false."""
    if len(node.outputs) > 1 and (node.outputs[1].uses() or node.outputs[1].is_graph_output()):
        return False
    if len(node.inputs) > 2 and node.inputs[2] is not None:
        mode = node.inputs[2].const_value
        return mode is not None and not bool(mode.numpy())
    return True
