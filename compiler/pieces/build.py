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
from collections.abc import Callable
from pathlib import Path

import numpy as np

from zkc.compiler.artifacts.facts import PartRef, PieceFacts
from zkc.compiler.artifacts.hashing import sha256_bytes
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.data.samples import Samples
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ir.io_spec import IOSpec, io_spec
from zkc.compiler.ir.model_io import checked_bytes, load_model, model_from_bytes
from zkc.compiler.ops.base import Box
from zkc.compiler.pieces.parts import PartIndex
from zkc.compiler.pieces.runner import PieceRunner
from zkc.compiler.pieces.slices import MODEL_FILE, SliceSource, slice_dir
from zkc.compiler.pieces.tiles import Tile, describe_tile, pointwise, tile_windows
from zkc.compiler.planning.partition import PartitionPlan, SlicePlan
from zkc.compiler.target.chain import CircuitModel, whole_part


def _full(shape: tuple[int, ...]) -> Box:
    return [(0, d) for d in shape]


def part_layouts(plan: PartitionPlan, index: ModelIndex) -> dict[str, list[Box]]:
    """The parts each tensor crossing between pieces is written in (absent: whole): the grid
    cut at the edges of the tiles writing it and of the windows tiles read of it. Slices are
    visited last to first, so a tensor's parts are known before the tiles that write it read
    their inputs (an element-wise tile reads a window per part it writes)."""
    cuts: dict[str, list[set[int]]] = {}

    def cut(tensor: str, box: Box) -> None:
        axes = cuts.setdefault(tensor, [{0, d} for d in index.shapes[tensor]])
        for axis, (low, high) in zip(axes, box, strict=True):
            axis.update((low, high))

    for s in reversed(plan.slices):
        if s.tiles is None:
            continue
        output = index.nodes[s.nodes[-1]].outputs[0].name or ""
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


def _parts(tensor: str, index: ModelIndex, layouts: dict[str, list[Box]]) -> list[PartRef]:
    boxes = layouts.get(tensor) or [_full(index.shapes[tensor])]
    return [PartRef(tensor=tensor, box=box) for box in boxes]


class PieceBuild:
    """Pieces in proving order, grouped into circuits by the function they compute; a
    circuit's model is built once, from its first piece."""

    def __init__(self) -> None:
        self.makers: list[Callable[[], bytes]] = []  # per circuit: its model's bytes
        self.pieces: list[PieceFacts] = []
        self._circuit: dict[str, int] = {}

    def add(
        self,
        signature: str,
        make: Callable[[], bytes],
        s: SlicePlan,
        reads: list[PartRef],
        writes: list[PartRef],
    ) -> None:
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
        return [make() for make in self.makers]


def plan_pieces(plan: PartitionPlan, model_path: Path) -> PieceBuild:
    """Every piece of the plan, grouped into circuits (no tile model is built)."""
    model = load_model(model_path, infer_shapes=True)
    index = ModelIndex.of(model)
    layouts = part_layouts(plan, index)
    requested = [v.name or "" for v in model.graph.inputs]
    written = {name: PartIndex(_parts(name, index, layouts)) for name in requested}
    source = SliceSource(model_path)
    build = PieceBuild()
    for s in plan.slices:
        if s.tiles is None:
            reads = [_parts(n, index, layouts) for n in s.inputs]
            writes = [_parts(n, index, layouts) for n in s.outputs]
            data = source.slice_model(s.inputs, s.outputs, reads, writes, index.shapes)
            read_parts = list(itertools.chain.from_iterable(reads))
            write_parts = list(itertools.chain.from_iterable(writes))
            build.add(sha256_bytes(data), _constant_maker(data), s, read_parts, write_parts)
            for tensor in {p.tensor for p in write_parts}:
                written[tensor] = PartIndex([p for p in write_parts if p.tensor == tensor])
            continue
        output = index.nodes[s.nodes[-1]].outputs[0].name or ""
        parts = PartIndex(_parts(output, index, layouts))
        for box in s.tiles.boxes():  # the grid is cut at every tile's edges: parts inside it
            tile = describe_tile(index, s.nodes, box, written, parts.covering(box))
            build.add(tile.signature, _tile_maker(tile), s, tile.reads, tile.writes)
        written[output] = parts
    return build


def _constant_maker(data: bytes) -> Callable[[], bytes]:
    """The maker of a circuit model serialised already (a whole slice's)."""
    return lambda: data


def _tile_maker(tile: Tile) -> Callable[[], bytes]:
    """The maker of a tile's circuit model: built and checked when it is needed."""
    return lambda: checked_bytes(tile.model())


def build_pieces(
    art_dir: Path,
    plan: PartitionPlan,
    calibration: Samples,
    spec: IOSpec,
    reference: ReferenceRunner,
    eq_samples: list[dict[str, np.ndarray]],
) -> tuple[list[CircuitModel], list[PieceFacts], list[str]]:
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
        circuit_spec = io_spec(model_from_bytes(data))
        users = [p.index for p in build.pieces if p.circuit == c]
        circuits.append(
            CircuitModel(c, art_dir / slice_dir(c), slice_dir(c), circuit_spec, calib[c], users)
        )
    return circuits, build.pieces, files
