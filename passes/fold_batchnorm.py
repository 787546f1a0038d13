"""FoldBatchNormPass: fold an inference BatchNormalization into the Conv or Gemm before it."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import add_initializer, bypass_node, constant_array
from zkc.compiler.pipeline.base import ZkcPass


class FoldBatchNormPass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites Conv/Gemm -> BatchNormalization into one Conv/Gemm with scaled weights.

    y = gamma * (W x + b - mean) / sqrt(var + eps) + beta becomes W' x + b' with
    W' = W * s and b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps), per output
    channel. Applies only when the producer's output feeds the BatchNormalization alone and
    all weights and statistics are constants.
    """

    pass_name = "fold_batchnorm"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if node.op_type != "BatchNormalization" or node.domain not in ("", "ai.onnx"):
                continue
            modified |= _fold(model.graph, node)
        return ir.passes.PassResult(model, modified=modified)


def _fold(graph: ir.Graph, bn: ir.Node) -> bool:
    x = bn.inputs[0]
    if x is None:
        return False
    producer = x.producer()
    if producer is None or producer.op_type not in ("Conv", "Gemm"):
        return False
    if len(x.uses()) != 1 or x.is_graph_output() or len(bn.outputs) > 1 and bn.outputs[1].uses():
        return False
    stats = [s for v in bn.inputs[1:5] if (s := constant_array(v)) is not None]
    weight = constant_array(producer.inputs[1])
    if len(stats) != 4 or weight is None:
        return False
    gamma, beta, mean, var = (s.astype(np.float64) for s in stats)
    eps = bn.attributes["epsilon"].value if "epsilon" in bn.attributes else 1e-5
    scale = gamma / np.sqrt(var + eps)
    bias_in = producer.inputs[2] if len(producer.inputs) > 2 else None
    bias = constant_array(bias_in)
    if bias_in is not None and bias is None:
        return False
    bias = np.zeros_like(mean) if bias is None else bias.astype(np.float64)
    new_weight = _scale_weight(producer, weight.astype(np.float64), scale)
    if new_weight is None or bias.shape != mean.shape:
        return False
    new_bias = (bias - mean) * scale + beta
    w_value = add_initializer(graph, f"{producer.name}_W_bnfold", new_weight.astype(np.float32))
    b_value = add_initializer(graph, f"{producer.name}_B_bnfold", new_bias.astype(np.float32))
    if len(producer.inputs) < 3:
        producer.resize_inputs(3)
    producer.replace_input_with(1, w_value)
    producer.replace_input_with(2, b_value)
    return bypass_node(graph, bn, x, bn.outputs[0])


def _scale_weight(producer: ir.Node, weight: np.ndarray, scale: np.ndarray) -> np.ndarray | None:
    """Scale the producer's weights along its output-channel axis, or None if unsupported."""
    if producer.op_type == "Conv":
        if weight.shape[0] != scale.shape[0]:
            return None
        return weight * scale.reshape((-1,) + (1,) * (weight.ndim - 1))
    attrs = producer.attributes
    alpha = attrs["alpha"].value if "alpha" in attrs else 1.0
    beta = attrs["beta"].value if "beta" in attrs else 1.0
    if alpha != 1.0 or beta != 1.0 or weight.ndim != 2:
        return None
    trans_b = attrs["transB"].value if "transB" in attrs else 0
    if trans_b:
        return weight * scale[:, None] if weight.shape[0] == scale.shape[0] else None
    return weight * scale[None, :] if weight.shape[1] == scale.shape[0] else None
