"""Load ONNX files into onnx-ir and serialise them back, with one-line errors for bad files."""

import hashlib
import re
from pathlib import Path

import onnx
import onnx.version_converter
import onnx_ir as ir
from google.protobuf.message import DecodeError

from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.checks import check_graph_io


def load_model(path: Path, infer_shapes: bool = False) -> ir.Model:
    """Read and check an ONNX file; return it as an `ir.Model` (with every intermediate
    tensor's shape inferred when `infer_shapes`).

    Raises UserInputError naming the file when it is missing, not ONNX, truncated or invalid.
    """
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"{path}: no such file")
    data = path.read_bytes()
    if not data:
        raise UserInputError(f"{path}: empty file, not an ONNX model")
    try:
        proto = onnx.ModelProto.FromString(data)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise UserInputError(
            f"{path}: not an ONNX model or truncated ({_first_line(exc)})"
        ) from exc
    if not proto.graph.node and not proto.graph.output:
        raise UserInputError(f"{path}: not an ONNX model (no graph found)")
    _list_initializers(proto)
    try:
        onnx.checker.check_model(proto)
    except (onnx.checker.ValidationError, UnicodeDecodeError) as exc:
        raise UserInputError(f"{path}: invalid ONNX model: {_checker_message(exc)}") from exc
    check_graph_io(proto, path)
    proto = upgraded(proto, path)
    if infer_shapes:
        proto = onnx.shape_inference.infer_shapes(proto)
    return ir.serde.deserialize_model(proto)


# Passes, onnxruntime and EZKL see models at this opset at least (older ones are converted).
MIN_OPSET = 13
TARGET_OPSET = 17


def _list_initializers(proto: onnx.ModelProto) -> None:
    """Before IR 4 every initializer had to be a graph input too; old files often omit them
    (which the checker and onnxsim refuse): list them, as their IR requires."""
    if proto.ir_version >= 4:
        return
    listed = {i.name for i in proto.graph.input}
    proto.graph.input.extend(
        onnx.helper.make_tensor_value_info(t.name, t.data_type, list(t.dims))
        for t in proto.graph.initializer
        if t.name not in listed
    )


def upgraded(proto: onnx.ModelProto, path: Path) -> onnx.ModelProto:
    """The model at opset TARGET_OPSET when its default-domain opset is older than MIN_OPSET
    (onnx's version converter); UserInputError naming the file when it cannot be converted."""
    version = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), None)
    if version is None or version >= MIN_OPSET:
        return proto
    try:
        converted = onnx.version_converter.convert_version(proto, TARGET_OPSET)
        # the converter keeps the old IR version; the opset it wrote needs a newer one (and an
        # IR-3 file would need the initializers it added listed as inputs)
        converted.ir_version = max(
            converted.ir_version, onnx.helper.find_min_ir_version_for(converted.opset_import)
        )
        onnx.checker.check_model(converted)
    except (
        RuntimeError,
        ValueError,
        IndexError,
        onnx.checker.ValidationError,
        onnx.version_converter.ConvertError,
    ) as exc:
        raise UserInputError(
            f"{path}: opset {version} cannot be upgraded to {TARGET_OPSET}: {_first_line(exc)}"
        ) from exc
    return converted


def model_bytes(model: ir.Model) -> bytes:
    """Serialise a model deterministically (the bytes its digest is taken over)."""
    data: bytes = ir.serde.serialize_model(model).SerializeToString(deterministic=True)
    return data


def model_digest(model: ir.Model) -> str:
    """Return the sha256 of the model's deterministic serialisation."""
    return hashlib.sha256(model_bytes(model)).hexdigest()


def save_model(model: ir.Model, path: Path) -> None:
    """Write a model to an ONNX file (not atomic: callers write inside a temp directory)."""
    Path(path).write_bytes(model_bytes(model))


def _checker_message(exc: BaseException) -> str:
    """onnx's checker message, with the node it names (its context line) when there is one."""
    if isinstance(exc, UnicodeDecodeError):
        return f"a name or string field is not UTF-8 ({exc.reason} at byte {exc.start})"
    text = str(exc)
    body = " ".join(text.split("==> Context")[0].split())[:400] or type(exc).__name__
    node = re.search(r"Bad node spec for node\. Name: (\S*) OpType: (\S+)", text)
    if node:
        return f"node '{node.group(1)}' ({node.group(2)}): {body}"
    return body


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def checked_bytes(model: ir.Model) -> bytes:
    """Serialise a model zkc built, after onnx's checker accepted it (it raises otherwise)."""
    proto = ir.serde.serialize_model(model)
    onnx.checker.check_model(proto)
    data: bytes = proto.SerializeToString(deterministic=True)
    return data


def model_from_bytes(data: bytes) -> ir.Model:
    """A serialised model (one zkc wrote) as an ir.Model."""
    return ir.serde.deserialize_model(onnx.ModelProto.FromString(data))
