"""ConstantFoldingPass: evaluate every sub-graph whose inputs are all constants."""

import onnx_ir as ir
from onnx_ir.passes.common import RemoveUnusedNodesPass
from onnxscript.optimizer import fold_constants

from zkc.compiler.pipeline.base import ZkcPass


class ConstantFoldingPass(ir.passes.InPlacePass, ZkcPass):
    """Folds constant sub-graphs into initializers (onnxscript's folder), then drops dead nodes.

    Shape arithmetic (Shape -> Gather -> Concat -> Reshape) left by exporters becomes
    constants, which EZKL would otherwise have to carry as circuit ops.
    """

    pass_name = "constant_folding"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        folded = fold_constants(model).modified
        removed = RemoveUnusedNodesPass()(model).modified
        return ir.passes.PassResult(model, modified=bool(folded or removed))
