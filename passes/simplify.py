"""SimplifyPass: onnxsim's graph simplification (shape folding, dead-node removal)."""

import onnx_ir as ir
import onnxsim

from zkc.compiler.errors import ToolError
from zkc.compiler.ir.graph import graph_signature
from zkc.compiler.pipeline.base import ZkcPass


class SimplifyPass(ir.passes.FunctionalPass, ZkcPass):
    """Runs onnxsim and returns a new model.

    BatchNormalization fusion is left to FoldBatchNormPass (skip_fuse_bn) so that rewrite
    is ours, versioned and tested. `modified` compares graph signatures (ops, wiring,
    weights), not metadata onnxsim rewrites on every run.
    """

    pass_name = "simplify"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        proto = ir.serde.serialize_model(model)
        try:
            simplified, ok = onnxsim.simplify(proto, skip_fuse_bn=True)
        except Exception as exc:  # onnxsim raises plain RuntimeError/ValueError from C++
            raise ToolError(f"onnxsim failed: {str(exc).splitlines()[0]}") from exc
        if not ok:
            raise ToolError("onnxsim produced a model that does not match the original")
        new_model = ir.serde.deserialize_model(simplified)
        modified = graph_signature(new_model) != graph_signature(model)
        return ir.passes.PassResult(new_model, modified=modified)
