"""Slices of a model: the artifact's directory per circuit, and the model of a whole slice.

A whole slice's model is cut from the saved model file with onnx's own extractor and finished
at the protobuf level, the one place in the compiler below onnx-ir: a slice model is a file the
artifact hashes, and this keeps its bytes what every earlier zkc wrote (so artifacts built
before stay reproducible). It reads the parts the tensors it reads are written in (assembled
by Concat, zkc.compiler.pieces.parts) and writes the tensors it computes cut into their parts.
"""

from pathlib import Path

import onnx
import onnx.utils
import onnx_ir as ir
from onnx import helper

from zkc.compiler.artifacts.facts import PartRef
from zkc.compiler.pieces.parts import TileGraph, assemble

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


def _full(shape: tuple[int, ...]) -> list[tuple[int, int]]:
    return [(0, d) for d in shape]


class SliceSource:
    """The saved model whole slices are cut from (read once, when a slice first needs it)."""

    def __init__(self, model_path: Path):
        self.model_path = Path(model_path)
        self._proto: onnx.ModelProto | None = None

    @property
    def proto(self) -> onnx.ModelProto:
        if self._proto is None:
            loaded = onnx.load(str(self.model_path))
            self._proto = onnx.shape_inference.infer_shapes(loaded, strict_mode=True)
        return self._proto

    def slice_model(
        self,
        inputs: list[str],
        outputs: list[str],
        reads: list[list[PartRef]],
        writes: list[list[PartRef]],
        shapes: dict[str, tuple[int, ...]],
    ) -> bytes:
        """The model of the slice reading `inputs` and writing `outputs`, each in its parts
        (`reads`, `writes`: per tensor, in order), serialised and checked."""
        sub = extract_submodel(self.proto, inputs, outputs)
        graph = sub.graph
        new_inputs: list[onnx.ValueInfoProto] = []
        prologue: list[onnx.NodeProto] = []
        for value, parts in zip(list(graph.input), reads, strict=True):
            if len(parts) == 1:
                new_inputs.append(value)
                continue
            nodes, constants, infos = _assembly(value.name, parts, shapes[value.name])
            graph.initializer.extend(constants)
            prologue += nodes
            new_inputs += infos
        new_outputs: list[onnx.ValueInfoProto] = []
        epilogue: list[onnx.NodeProto] = []
        for value, parts in zip(list(graph.output), writes, strict=True):
            if len(parts) == 1:
                new_outputs.append(value)
                continue
            for k, part in enumerate(parts):
                node, constants, info = _cut(value.name, k, part)
                graph.initializer.extend(constants)
                epilogue.append(node)
                new_outputs.append(info)
        nodes = [*prologue, *graph.node, *epilogue]
        del graph.node[:], graph.input[:], graph.output[:]
        graph.node.extend(nodes)
        graph.input.extend(new_inputs)
        graph.output.extend(new_outputs)
        onnx.checker.check_model(sub)
        data: bytes = sub.SerializeToString(deterministic=True)
        return data


def _assembly(
    tensor: str, parts: list[PartRef], shape: tuple[int, ...]
) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto], list[onnx.ValueInfoProto]]:
    """Nodes joining the parts of `tensor` (read as inputs of their own) into the tensor."""
    tile = TileGraph()
    names = [tile.part_input(p) for p in parts]
    joined = assemble(tile, parts, names, _full(shape))
    inputs, nodes, initializers = tile.to_ir()
    protos = [ir.serde.serialize_node(node) for node in nodes]
    constants = [ir.serde.serialize_tensor(v.const_value) for v in initializers if v.const_value]
    infos = [ir.serde.serialize_value(v) for v in inputs]
    rename = {n: f"{tensor}__{n}" for n in [*names, *(x.output[0] for x in protos)]}
    rename.update({c.name: f"{tensor}__{c.name}" for c in constants})
    for node in protos:
        node.input[:] = [rename.get(i, i) for i in node.input]
        node.output[:] = [tensor if o == joined else rename[o] for o in node.output]
        node.name = f"{tensor}__{node.name}"
    for constant in constants:
        constant.name = rename[constant.name]
    for info in infos:
        info.name = rename[info.name]
    return protos, constants, infos


def _cut(
    tensor: str, k: int, part: PartRef
) -> tuple[onnx.NodeProto, list[onnx.TensorProto], onnx.ValueInfoProto]:
    """A Slice writing part `k` of `tensor` as an output of its own."""
    name = f"{tensor}__part{k}"
    starts, ends = [a for a, _ in part.box], [b for _, b in part.box]
    consts = [f"{name}__{w}" for w in ("starts", "ends")]
    constants = [
        helper.make_tensor(consts[0], onnx.TensorProto.INT64, [len(starts)], starts),
        helper.make_tensor(consts[1], onnx.TensorProto.INT64, [len(ends)], ends),
    ]
    node = helper.make_node("Slice", [tensor, *consts], [name], name=f"{name}__slice")
    info = helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, [b - a for a, b in part.box])
    return node, constants, info
