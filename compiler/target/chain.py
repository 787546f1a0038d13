"""What the compiler hands a target to build (the pieces of a plan and their distinct circuit
models), and what a target returns when it proves one inference (zkc.compiler.target.protocol.Target).

Pieces form a DAG in proving order: each reads parts (boxes) of model tensors that the request
holds or an earlier piece wrote, and writes parts of tensors that later pieces or the response
read. A link is a part written by one piece and read by another (zkc.compiler.artifacts.facts).
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zkc.compiler.artifacts.facts import LinkFacts, PartRef, PieceFacts
from zkc.compiler.artifacts.proof import chain_vk_digest as chain_vk_digest  # defined there
from zkc.compiler.compute.runners import ProveRunner
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.samples import Samples
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.io_spec import IOSpec

# A part as a dictionary key: (tensor, box).
PartKey = tuple[str, tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class CircuitModel:
    """One distinct circuit to build: its ONNX model (`directory/model.onnx`), io, the float
    inputs reaching it on every calibration sample of every piece that runs it, shaped
    (samples, *shape), and those pieces."""

    index: int
    directory: Path
    relative: str  # the directory inside the artifact ("." or "slices/NN")
    spec: IOSpec
    calibration: Samples
    pieces: list[int]


@dataclass(frozen=True)
class EmitRequest:
    """Everything a target needs to build an artifact's pieces."""

    art_dir: Path
    circuits: list[CircuitModel]
    pieces: list[PieceFacts]
    links: list[LinkFacts]
    cost_key: str | None  # the planned way of building (None: the target's default)
    config: CompileConfig
    spec: IOSpec  # the whole model's
    evaluation: Samples  # held-out inputs (a fidelity budget is searched on them)
    reference: dict[str, np.ndarray]  # onnxruntime's outputs on `evaluation`
    # Where calibration and setup of the distinct circuits run: inline, a local process pool,
    # or a Dask cluster (whose workers see the build directory at the same path).
    runner: ProveRunner = field(default_factory=ProveRunner)


@dataclass(frozen=True)
class CircuitEstimate:
    """What one circuit of a logrows is expected to cost on one worker (a plan's figures)."""

    setup_seconds: float
    prove_seconds: float
    cores: float  # busy cores while proving
    peak_bytes: int


@dataclass(frozen=True)
class ChainProof:
    """Proofs of one inference, one per piece in order, the outputs they commit to, and
    what proving took (provenance: wall seconds, per-piece seconds and peak memory)."""

    proofs: list[dict[str, Any]]
    outputs: dict[str, np.ndarray]
    run: dict[str, Any] = field(default_factory=dict)


def whole_part(name: str, shape: list[int]) -> PartRef:
    """A whole tensor as a part."""
    return PartRef(tensor=name, box=[(0, d) for d in shape])


def cut_part(array: np.ndarray, part: PartRef) -> np.ndarray:
    """The values of `part` in a tensor's array."""
    return np.asarray(array)[tuple(slice(a, b) for a, b in part.box)]


def paste_part(array: np.ndarray, part: PartRef, values: np.ndarray) -> None:
    """Write `values` into `part` of a tensor's array."""
    array[tuple(slice(a, b) for a, b in part.box)] = np.asarray(values).reshape(
        [b - a for a, b in part.box]
    )


def find_links(pieces: list[PieceFacts], spec: IOSpec) -> list[LinkFacts]:
    """Each part a piece reads, matched with the earlier piece that wrote exactly that part
    (the last one, in proving order); ToolError when a part is neither the request's nor
    written by an earlier piece."""
    requested = {t.name for t in spec.inputs}
    written: dict[PartKey, tuple[int, int]] = {}
    links = []
    for piece in pieces:
        for i, part in enumerate(piece.inputs):
            key = (part.tensor, tuple(part.box))
            if key in written:
                producer, output = written[key]
                links.append(
                    LinkFacts(producer=producer, output=output, consumer=piece.index, input=i)
                )
            elif part.tensor not in requested:
                raise ToolError(
                    f"piece {piece.index} reads {part.tensor} {part.box}, "
                    "which no earlier piece writes"
                )
        for j, part in enumerate(piece.outputs):
            written[(part.tensor, tuple(part.box))] = (piece.index, j)
    return links
