"""Checks on a model's graph inputs and outputs at load, before anything runs it: what onnx's
checker lets through but onnxruntime, the passes or EZKL would crash on."""

from pathlib import Path

import onnx

from zkc.compiler.errors import UserInputError

# A tensor this large cannot become a circuit (EZKL's rows run out near 2^25) and would only
# exhaust memory in the reference run: refused at load.
MAX_ELEMENTS = 1 << 26

_T = onnx.TensorProto
# Input element types zkc feeds (data files hold them as numbers; EZKL quantizes floats and
# takes integers and booleans at scale 0).
INPUT_TYPES = {
    _T.FLOAT,
    _T.DOUBLE,
    _T.FLOAT16,
    _T.INT64,
    _T.INT32,
    _T.INT16,
    _T.INT8,
    _T.UINT8,
    _T.BOOL,
}


def check_graph_io(proto: onnx.ModelProto, path: Path) -> None:
    """UserInputError naming the file and the tensor when the model has no inputs or outputs,
    an input of an element type zkc cannot feed, a scalar input, or a negative or huge shape."""
    _check_opset(proto, path)
    _check_text_fields(proto, path)
    initializers = {t.name for t in proto.graph.initializer}
    inputs = [v for v in proto.graph.input if v.name not in initializers]
    if not inputs:
        raise UserInputError(
            f"{path}: the model has no graph inputs (its outputs are constants: "
            "there is nothing to prove)"
        )
    if not proto.graph.output:
        raise UserInputError(f"{path}: the model has no graph outputs")
    for value in inputs:
        _check_tensor(value, "input", path)
        elem = value.type.tensor_type.elem_type
        if elem not in INPUT_TYPES:
            name = onnx.TensorProto.DataType.Name(elem) if elem else "undefined"
            raise UserInputError(
                f"{path}: input '{value.name}' has element type {name}; zkc takes float, "
                "integer and boolean inputs"
            )
    for value in proto.graph.output:
        _check_tensor(value, "output", path)


def _check_text_fields(proto: onnx.ModelProto, path: Path) -> None:
    """protobuf hands back a string field that is not UTF-8 as bytes; onnx's checker reads
    names but not the model's own metadata."""
    fields = {
        "producer_name": proto.producer_name,
        "producer_version": proto.producer_version,
        "domain": proto.domain,
        "doc_string": proto.doc_string,
        "graph.name": proto.graph.name,
        "graph.doc_string": proto.graph.doc_string,
    }
    fields.update({f"metadata_props '{p.key!r}'": p.value for p in proto.metadata_props})
    for field, value in fields.items():
        if isinstance(value, bytes):
            raise UserInputError(f"{path}: field {field} is not UTF-8 text")


def _check_opset(proto: onnx.ModelProto, path: Path) -> None:
    newest = onnx.defs.onnx_opset_version()
    for opset in proto.opset_import:
        if opset.domain in ("", "ai.onnx") and opset.version > newest:
            raise UserInputError(
                f"{path}: opset {opset.version} is newer than the newest this onnx knows ({newest})"
            )


def _check_tensor(value: onnx.ValueInfoProto, role: str, path: Path) -> None:
    if not value.type.HasField("tensor_type"):
        raise UserInputError(f"{path}: {role} '{value.name}' is not a tensor")
    tensor = value.type.tensor_type
    if not tensor.HasField("shape"):
        return  # an unknown rank is reported where shapes are pinned
    dims = [d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim]
    if role == "input" and not dims:
        raise UserInputError(
            f"{path}: input '{value.name}' is a scalar (rank 0); give it shape [1]"
        )
    if any(d is not None and d < 0 for d in dims):
        raise UserInputError(f"{path}: {role} '{value.name}' has a negative dimension {dims}")
    if 0 in dims:
        raise UserInputError(f"{path}: {role} '{value.name}' is empty (shape {dims})")
    size = 1
    for d in dims:
        size *= d or 1
    if size > MAX_ELEMENTS:
        raise UserInputError(
            f"{path}: {role} '{value.name}' has {size:,} elements (shape {dims}); "
            f"zkc handles at most {MAX_ELEMENTS:,} per tensor"
        )
