"""Slices of a model: the artifact's directory per circuit, and the sub-model computing a
slice's outputs from its inputs (zkc.compiler.pieces.build writes the pieces; a model built
whole is a chain of one whose circuit model is the artifact's `model.onnx`)."""

import onnx
import onnx.utils

MODEL_FILE = "model.onnx"
SLICES_DIR = "slices"


def slice_dir(index: int) -> str:
    """A slice's directory inside the artifact."""
    return f"{SLICES_DIR}/{index:02d}"


def extract_submodel(
    model: onnx.ModelProto, inputs: list[str], outputs: list[str]
) -> onnx.ModelProto:
    """The sub-graph computing `outputs` from `inputs` (initializers it reads included).

    Shapes are inferred first so that every boundary tensor carries its type and shape.
    """
    known = {v.name for v in (*model.graph.value_info, *model.graph.input, *model.graph.output)}
    if not set(inputs) | set(outputs) <= known:
        model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    extractor = onnx.utils.Extractor(model)
    sub = extractor.extract_model(list(inputs), list(outputs))
    sub.graph.name = "zkc_slice"
    return sub
