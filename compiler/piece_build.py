"""The pieces of a plan and their distinct circuit models, written into the artifact.

Every tensor that crosses between pieces has a **layout**: the parts (boxes) it is written in.
A tiled unit writes its tiles' boxes; a tensor a tiled convolution reads from a whole slice
(or the request) is written in bands of rows matching the tiles' stride, so that interior
tiles read the same shapes at the same offsets and share one circuit; everything else is
whole. A whole slice assembles the parts it reads (Concat) and cuts the tensors it writes into
their parts (Slice). Pieces whose models serialise to the same bytes share one circuit,
written once under `slices/NN/` (NN: the circuit's index).
"""

from pathlib import Path

import onnx
from onnx import helper

from zkc.compiler.chain import CircuitModel, whole_part
from zkc.compiler.data import Samples
from zkc.compiler.facts import PartRef, PieceFacts
from zkc.compiler.hashing import sha256_bytes
from zkc.compiler.io_spec import IOSpec, io_spec
from zkc.compiler.partition import PartitionPlan, SlicePlan
from zkc.compiler.piece_runner import PieceRunner
from zkc.compiler.pieces import Box, PartIndex, TileGraph, assemble
from zkc.compiler.slicing import MODEL_FILE, extract_submodel, slice_dir
from zkc.compiler.tile_models import ModelIndex, build_tile


def _full(shape) -> Box:
    return [(0, d) for d in shape]


CHANNELWISE = frozenset({"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
                         "Gather", "Pad"})  # fmt: skip


def _chain_reads(chain: list[onnx.NodeProto]) -> tuple[int, bool]:
    """For a unit's chain: the product of its ops' row strides (input rows per output row), and
    whether every op keeps channels apart (so a tile reads only its own channels)."""
    stride, channelwise = 1, True
    for node in chain:
        attrs = {a.name: a for a in node.attribute}
        if "strides" in attrs:
            stride *= attrs["strides"].ints[0]
        if node.op_type == "Conv":
            group = attrs["group"].i if "group" in attrs else 1
            channelwise = channelwise and group > 1
        elif node.op_type not in CHANNELWISE and node.op_type in ("Gemm", "MatMul"):
            channelwise = False
    return stride, channelwise


def part_layouts(plan: PartitionPlan, index: ModelIndex) -> dict[str, list[Box]]:
    """The parts each tensor crossing between pieces is written in (absent: whole). A tensor a
    tiled unit reads as its main input, written by a whole slice or the request, is cut in
    bands of the rows one band of tiles reads (and the tiles' channel groups when the chain
    keeps channels apart), so interior tiles read the same shapes at the same offsets."""
    layouts: dict[str, list[Box]] = {}
    for s in plan.slices:
        if s.tiles is not None:
            layouts[index.nodes[s.nodes[-1]].output[0]] = s.tiles.boxes()
    for s in plan.slices:
        if s.tiles is None or s.tiles.kind == "gemm":
            continue
        chain = [index.nodes[n] for n in s.nodes]
        for tensor in s.inputs:
            if tensor in layouts:
                continue
            shape = index.shapes[tensor]
            if tensor == chain[0].input[0] and len(shape) == 4:
                stride, channelwise = _chain_reads(chain)
                band = s.tiles.sizes.get(2, s.tiles.shape[2]) * stride
                channels = s.tiles.sizes.get(1, shape[1]) if channelwise else shape[1]
                layouts[tensor] = _grid(shape, channels, band)
            elif shape == tuple(s.tiles.shape):
                layouts[tensor] = s.tiles.boxes()
    return layouts


def _grid(shape, channels: int, rows: int) -> list[Box]:
    """Boxes of `channels` x `rows` (whole along an axis they do not divide)."""
    channels = channels if shape[1] % channels == 0 else shape[1]
    rows = rows if rows < shape[2] and shape[2] % rows == 0 else shape[2]
    return [[(0, 1), (c, c + channels), (r, r + rows), (0, shape[3])]
            for c in range(0, shape[1], channels) for r in range(0, shape[2], rows)]  # fmt: skip


def _parts(tensor: str, index: ModelIndex, layouts: dict) -> list[PartRef]:
    boxes = layouts.get(tensor) or [_full(index.shapes[tensor])]
    return [PartRef(tensor=tensor, box=box) for box in boxes]


def slice_model(proto: onnx.ModelProto, s: SlicePlan, index: ModelIndex, layouts: dict):
    """A whole slice's model, reading and writing its tensors' parts; (model, reads, writes)."""
    sub = extract_submodel(proto, s.inputs, s.outputs)
    graph, reads, writes = sub.graph, [], []
    inputs, prologue = [], []
    for value in graph.input:
        parts = _parts(value.name, index, layouts)
        reads += parts
        if len(parts) == 1:
            inputs.append(value)
            continue
        tile = TileGraph()
        names = [tile.part_input(p) for p in parts]
        joined = assemble(tile, parts, names, _full(index.shapes[value.name]))
        protos, constants, infos = tile.node_protos(), tile.constant_protos(), tile.input_infos()
        rename = {n: f"{value.name}__{n}" for n in [*names, *(x.output[0] for x in protos)]}
        rename.update({c.name: f"{value.name}__{c.name}" for c in constants})
        for node in protos:
            node.input[:] = [rename.get(i, i) for i in node.input]
            node.output[:] = [value.name if o == joined else rename[o] for o in node.output]
            node.name = f"{value.name}__{node.name}"
        for constant in constants:
            constant.name = rename[constant.name]
        graph.initializer.extend(constants)
        prologue += protos
        for info in infos:
            info.name = rename[info.name]
            inputs.append(info)
    outputs, epilogue = [], []
    for value in graph.output:
        parts = _parts(value.name, index, layouts)
        writes += parts
        if len(parts) == 1:
            outputs.append(value)
            continue
        for k, part in enumerate(parts):
            name = f"{value.name}__part{k}"
            starts, ends = [a for a, _ in part.box], [b for _, b in part.box]
            consts = [f"{name}__{w}" for w in ("starts", "ends")]
            graph.initializer.extend([helper.make_tensor(consts[0], onnx.TensorProto.INT64, [len(starts)], starts),
                                      helper.make_tensor(consts[1], onnx.TensorProto.INT64, [len(ends)], ends)])  # fmt: skip
            epilogue.append(
                helper.make_node("Slice", [value.name, *consts], [name], name=f"{name}__slice")
            )
            outputs.append(
                helper.make_tensor_value_info(
                    name, onnx.TensorProto.FLOAT, [b - a for a, b in part.box]
                )
            )
    nodes = [*prologue, *graph.node, *epilogue]
    del graph.node[:], graph.input[:], graph.output[:]
    graph.node.extend(nodes)
    graph.input.extend(inputs)
    graph.output.extend(outputs)
    onnx.checker.check_model(sub)
    return sub, reads, writes


class PieceBuild:
    """Pieces in proving order, grouped into circuits by the function they compute; a
    circuit's model is built once, from its first piece."""

    def __init__(self):
        self.makers: list = []  # per circuit: a function building its model
        self.pieces: list[PieceFacts] = []
        self._circuit: dict[str, int] = {}

    def add(self, signature: str, make, s: SlicePlan, reads: list, writes: list) -> None:
        if signature not in self._circuit:
            self._circuit[signature] = len(self.makers)
            self.makers.append(make)
        self.pieces.append(PieceFacts(
            index=len(self.pieces), circuit=self._circuit[signature], slice=s.index, nodes=s.nodes,
            inputs=reads, outputs=writes, estimated_rows=s.estimated_rows,
            estimated_logrows=s.estimated_logrows,
        ))  # fmt: skip

    def models(self) -> list[bytes]:
        """Every circuit's model, serialised."""
        return [make().SerializeToString(deterministic=True) for make in self.makers]


def plan_pieces(plan: PartitionPlan, model_path: Path) -> PieceBuild:
    """Every piece of the plan, grouped into circuits (no tile model is built)."""
    proto = onnx.shape_inference.infer_shapes(onnx.load(str(model_path)), strict_mode=True)
    index = ModelIndex.of(proto)
    layouts = part_layouts(plan, index)
    written = {i.name: PartIndex(_parts(i.name, index, layouts)) for i in proto.graph.input}
    build = PieceBuild()
    for s in plan.slices:
        if s.tiles is None:
            model, reads, writes = slice_model(proto, s, index, layouts)
            data = model.SerializeToString(deterministic=True)
            build.add(sha256_bytes(data), lambda model=model: model, s, reads, writes)
            for tensor in {p.tensor for p in writes}:
                written[tensor] = PartIndex([p for p in writes if p.tensor == tensor])
            continue
        parts = []
        for box in s.tiles.boxes():
            tile = build_tile(index, s.nodes, s.tiles, box, written)
            build.add(tile.signature, tile.model, s, tile.reads, [tile.writes])
            parts.append(tile.writes)
        written[parts[0].tensor] = PartIndex(parts)
    return build


def build_pieces(art_dir: Path, plan: PartitionPlan, calibration: Samples, spec: IOSpec,
                 reference, eq_samples: list[dict]):  # fmt: skip
    """The pieces of a plan and their circuits, each circuit model written into the artifact
    (the pieces checked against the whole model on `eq_samples`), with its calibration
    inputs; returns (circuits, pieces, the model files written, relative to the artifact)."""
    if not plan.sliced:
        whole = plan.slices[0]
        piece = PieceFacts(
            index=0, circuit=0, slice=0, nodes=whole.nodes,
            inputs=[whole_part(t.name, t.shape) for t in spec.inputs],
            outputs=[whole_part(t.name, t.shape) for t in spec.outputs],
            estimated_rows=whole.estimated_rows, estimated_logrows=whole.estimated_logrows,
        )  # fmt: skip
        return [CircuitModel(0, art_dir, ".", spec, calibration, [0])], [piece], [MODEL_FILE]
    build = plan_pieces(plan, art_dir / MODEL_FILE)
    models = build.models()
    files = [MODEL_FILE]
    for c, data in enumerate(models):
        (art_dir / slice_dir(c)).mkdir(parents=True, exist_ok=True)
        (art_dir / slice_dir(c) / MODEL_FILE).write_bytes(data)
        files.append(f"{slice_dir(c)}/{MODEL_FILE}")
    runner = PieceRunner(models, build.pieces, spec)
    runner.check(reference, eq_samples)
    calib = runner.calibration(calibration)
    circuits = []
    for c, data in enumerate(models):
        circuit_spec = io_spec(_ir(data))
        users = [p.index for p in build.pieces if p.circuit == c]
        circuits.append(CircuitModel(c, art_dir / slice_dir(c), slice_dir(c), circuit_spec,
                                     calib[c], users))  # fmt: skip
    return circuits, build.pieces, files


def _ir(data: bytes):
    import onnx_ir as ir

    return ir.serde.deserialize_model(onnx.ModelProto.FromString(data))
