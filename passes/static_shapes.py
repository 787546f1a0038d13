"""StaticShapesPass: pin every symbolic input dimension, then re-infer all shapes."""

import onnx_ir as ir
from onnx_ir.passes.common import ShapeInferencePass

from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.input_shapes import pinned_input_shapes
from zkc.compiler.pipeline.base import ZkcPass


class StaticShapesPass(ir.passes.InPlacePass, ZkcPass):
    """Pins symbolic input dimensions (batch -> `batch_size`, others from `input_shapes`).

    Intermediate and output shapes are cleared and re-inferred from the pinned inputs, so
    every tensor has a static shape afterwards (EZKL circuits have fixed shapes).
    """

    pass_name = "static_shapes"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        shapes = pinned_input_shapes(model, self.options)
        modified = False
        for value in model.graph.inputs:
            if value.name in shapes and tuple(value.shape or ()) != shapes[value.name]:
                value.shape = ir.Shape(shapes[value.name])
                modified = True
        if not modified:
            return ir.passes.PassResult(model, modified=False)
        inputs = set(model.graph.inputs)
        for node in model.graph:
            for out in node.outputs:
                if out not in inputs:
                    out.shape = None
        ShapeInferencePass()(model)
        return ir.passes.PassResult(model, modified=True)

    def ensures(self, model: ir.Model) -> None:
        for value in (*model.graph.inputs, *model.graph.outputs):
            if value.shape is None or not all(isinstance(d, int) for d in value.shape):
                raise UserInputError(
                    f"tensor '{value.name}' still has a dynamic shape {value.shape} after "
                    "pinning inputs; give its input shapes with --input-shape"
                )
