"""The pieces of a plan and their distinct circuit models, written into the artifact.

Every tensor that crosses between pieces has a **layout**: the parts (boxes) it is written in.
The parts are the grid cut at every edge of the tiles that write it and of every window a
tile reads of it: each tile writes whole parts, and each window is exactly a union of parts,
so a tile commits to no element it does not read (halos are parts of their own), and
interior tiles read the same shapes at the same offsets and share one circuit. A tensor no
tile writes or reads is whole. A whole slice assembles the parts it reads (Concat) and cuts the tensors it writes into
their parts (Slice). Pieces whose models serialise to the same bytes share one circuit,
written once under `slices/NN/` (NN: the circuit's index).
"""

import itertools
from pathlib import Path

import onnx
from onnx import helper

from zkc.compiler.artifacts.facts import PartRef, PieceFacts
from zkc.compiler.artifacts.hashing import sha256_bytes
from zkc.compiler.data.samples import Samples
from zkc.compiler.ir.io_spec import IOSpec, io_spec
from zkc.compiler.pieces.parts import Box, PartIndex, TileGraph, assemble
from zkc.compiler.pieces.runner import PieceRunner
from zkc.compiler.pieces.slices import MODEL_FILE, extract_submodel, slice_dir
from zkc.compiler.pieces.tiles import ModelIndex, describe_tile, pointwise, tile_windows
from zkc.compiler.planning.partition import PartitionPlan, SlicePlan
from zkc.compiler.target.chain import CircuitModel, whole_part


def _full(shape) -> Box:
    return [(0, d) for d in shape]


def part_layouts(plan: PartitionPlan, index: ModelIndex) -> dict[str, list[Box]]:
    """The parts each tensor crossing between pieces is written in (absent: whole): the grid
    cut at the edges of the tiles writing it and of the windows tiles read of it. Slices are
    visited last to first, so a tensor's parts are known before the tiles that write it read
    their inputs (an element-wise tile reads a window per part it writes)."""
    cuts: dict[str, list[set[int]]] = {}

    def cut(tensor: str, box) -> None:
        axes = cuts.setdefault(tensor, [{0, d} for d in index.shapes[tensor]])
        for axis, (low, high) in zip(axes, box, strict=True):
            axis.update((low, high))

    for s in reversed(plan.slices):
        if s.tiles is None:
            continue
        output = index.nodes[s.nodes[-1]].output[0]
        for box in s.tiles.boxes():
            cut(output, box)
        boxes = s.tiles.boxes()
        if pointwise(index, s.nodes):
            boxes = [p.box for p in _parts(output, index, _grid(cuts))]
        for box in boxes:
            for tensor, window in tile_windows(index, s.nodes, box):
                cut(tensor, window)
    return _grid(cuts)


def _grid(cuts: dict[str, list[set[int]]]) -> dict[str, list[Box]]:
    """Per tensor cut along some axis, the boxes between its cuts."""
    layouts = {}
    for tensor, axes in cuts.items():
        ranges = [list(itertools.pairwise(sorted(axis))) for axis in axes]
        if any(len(r) > 1 for r in ranges):
            layouts[tensor] = [list(box) for box in itertools.product(*ranges)]
    return layouts


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
            graph.initializer.extend(
                [
                    helper.make_tensor(consts[0], onnx.TensorProto.INT64, [len(starts)], starts),
                    helper.make_tensor(consts[1], onnx.TensorProto.INT64, [len(ends)], ends),
                ]
            )
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
        self.pieces.append(
            PieceFacts(
                index=len(self.pieces),
                circuit=self._circuit[signature],
                slice=s.index,
                nodes=s.nodes,
                inputs=reads,
                outputs=writes,
                estimated_rows=s.estimated_rows,
                estimated_logrows=s.estimated_logrows,
            )
        )

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
        output = index.nodes[s.nodes[-1]].output[0]
        parts = PartIndex(_parts(output, index, layouts))
        for box in s.tiles.boxes():  # the grid is cut at every tile's edges: parts inside it
            tile = describe_tile(index, s.nodes, box, written, parts.covering(box))
            build.add(tile.signature, tile.model, s, tile.reads, tile.writes)
        written[output] = parts
    return build


def build_pieces(
    art_dir: Path,
    plan: PartitionPlan,
    calibration: Samples,
    spec: IOSpec,
    reference,
    eq_samples: list[dict],
):
    """The pieces of a plan and their circuits, each circuit model written into the artifact
    (the pieces checked against the whole model on `eq_samples`), with its calibration
    inputs; returns (circuits, pieces, the model files written, relative to the artifact)."""
    if not plan.sliced:
        whole = plan.slices[0]
        piece = PieceFacts(
            index=0,
            circuit=0,
            slice=0,
            nodes=whole.nodes,
            inputs=[whole_part(t.name, t.shape) for t in spec.inputs],
            outputs=[whole_part(t.name, t.shape) for t in spec.outputs],
            estimated_rows=whole.estimated_rows,
            estimated_logrows=whole.estimated_logrows,
        )
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
        circuits.append(
            CircuitModel(c, art_dir / slice_dir(c), slice_dir(c), circuit_spec, calib[c], users)
        )
    return circuits, build.pieces, files


def _ir(data: bytes):
    import onnx_ir as ir

    return ir.serde.deserialize_model(onnx.ModelProto.FromString(data))
