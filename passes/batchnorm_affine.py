"""BatchNormAffinePass: an inference BatchNormalization that no Conv/Gemm absorbs becomes a
per-channel Mul and Add (EZKL's op table has no BatchNormalization)."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import constant_array
from zkc.compiler.ir.rewrite import Rewrite, is_onnx, static_shape
from zkc.compiler.pipeline.base import ZkcPass


class BatchNormAffinePass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites a BatchNormalization that no Conv/Gemm absorbs into a per-channel Mul and Add.

    x * s + t with s = gamma / sqrt(var + eps) and t = beta - mean * s, shaped (C, 1, ..., 1)
    to broadcast over the channel axis. Runs after fold_batchnorm (which absorbs a BN into the Conv or
    Gemm before it); needs constant statistics, a static input shape and one output (the
    inference form). Both ops are element-wise, so the planner can tile them.
    """

    pass_name = "batchnorm_affine"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if not is_onnx(node, "BatchNormalization") or len(node.outputs) != 1:
                continue
            shape = static_shape(node.inputs[0])
            stats = [s for v in node.inputs[1:5] if (s := constant_array(v)) is not None]
            if shape is None or len(shape) < 2 or len(stats) != 4:
                continue
            gamma, beta, mean, var = (s.astype(np.float64).reshape(-1) for s in stats)
            eps = node.attributes["epsilon"].value if "epsilon" in node.attributes else 1e-5
            scale = gamma / np.sqrt(var + eps)
            broadcast = (shape[1],) + (1,) * (len(shape) - 2)
            rw = Rewrite(model.graph, node)
            scaled = rw.op(
                "Mul", [node.inputs[0], rw.const(scale.reshape(broadcast), "scale")], shape
            )
            rw.commit(
                rw.op(
                    "Add",
                    [scaled, rw.const((beta - mean * scale).reshape(broadcast), "shift")],
                    shape,
                )
            )
            modified = True
        return ir.passes.PassResult(model, modified=modified)
