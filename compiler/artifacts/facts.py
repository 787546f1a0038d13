"""Typed facts an artifact records about its circuits: `manifest.json`'s `circuit` field.

An artifact is a DAG of **pieces** (a whole model is one piece): each piece computes part of
the model and is an instance of one distinct **circuit** (pieces computing the same function
share one, set up once). A piece reads and writes **parts** of model tensors (boxes); every
part a piece reads is either a part of the request (public) or exactly a part another piece
wrote (a **link**: both sides commit to it). The facts are a function of the build's inputs
alone: nothing timed, random or host-specific (timings go to provenance.json). Targets fill
them in explicit steps of emission; nothing that computes outputs writes them.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from zkc.compiler.ir.io_spec import IOSpec

LinkMode = Literal["none", "polycommit", "hashed"]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SrsFacts(_Facts):
    """Which SRS a circuit was set up with (KZG parameters for one logrows)."""

    logrows: int
    sha256: str
    insecure_dev: bool


class SearchPoint(_Facts):
    """One point a fidelity-budget search tried, and what it measured (None: it failed)."""

    scale: int
    decomp_base: int
    decomp_legs: int
    logrows: int | None
    error: str | None = None
    max_abs_error: float | None = None
    top1_agreement: float | None = None


class QuantizationRecord(_Facts):
    """How the fixed-point scales were chosen.

    `method`: `ezkl-calibrate-<target>` (EZKL's own calibration), `fixed-scale` (linked
    circuits at one given scale), `zkc-search` / `zkc-search-sliced` (zkc's search for a
    fidelity budget, with every point tried).
    """

    method: str
    scale: int | None = None
    budget: dict[str, float] | None = None
    chosen: SearchPoint | None = None
    candidates: list[SearchPoint] = []
    search_samples: int | None = None


class PartRef(_Facts):
    """A box of a model tensor: per axis [start, stop)."""

    tensor: str
    box: list[tuple[int, int]]

    @property
    def size(self) -> int:
        total = 1
        for start, stop in self.box:
            total *= stop - start
        return total


class CircuitFacts(_Facts):
    """One distinct circuit: where its files are, and how it was built."""

    index: int
    directory: str  # relative to the artifact: "." for a whole model, "slices/NN" otherwise
    io: IOSpec
    logrows: int
    calibrated_logrows: int  # what the circuit alone needs (linked ones share the cheapest)
    num_rows: int | None
    input_scales: list[int]
    output_scales: list[int]
    param_scale: int
    run_args: dict[str, Any]
    srs: SrsFacts
    vk_sha256: str
    public_inputs: int  # public instance values of the inputs (felts, or hashes), first
    public_outputs: int  # the outputs', last
    # Between them, one public Poseidon hash per parameter tensor when the parameters are
    # hashed: the weights' commitment, recorded at compile time (a proof must carry exactly it).
    param_hashes: list[str] = []
    # Commitment values (KZG points or Poseidon hashes) its proof carries per input and per
    # output tensor, in order (0 for a public tensor).
    input_commitments: list[int]
    output_commitments: list[int]


class PieceFacts(_Facts):
    """One piece of the DAG: the circuit it runs, the model nodes it computes, the parts it
    reads and writes (in its circuit's input and output order)."""

    index: int
    circuit: int
    slice: int  # the plan's slice it computes (all of it, or one of its tiles)
    nodes: list[str]
    inputs: list[PartRef]
    outputs: list[PartRef]
    estimated_rows: int | None
    estimated_logrows: int | None


class LinkFacts(_Facts):
    """Output `output` of piece `producer` is input `input` of piece `consumer`: one part,
    committed on both sides."""

    producer: int
    output: int
    consumer: int
    input: int


# How the model's ends and weights appear in a proof: public (the values), hashed (a public
# hash), private (nothing); parameters fixed (in the verifying key), hashed or private.
PUBLIC_ENDS = {"inputs": "public", "outputs": "public", "params": "fixed"}


class ChainFacts(_Facts):
    """The pieces of an artifact in proving order, its distinct circuits, and the links."""

    circuits: list[CircuitFacts]
    pieces: list[PieceFacts]
    link: LinkMode
    links: list[LinkFacts]
    decomposition: str
    quantization: QuantizationRecord
    visibility: dict[str, str] = PUBLIC_ENDS

    @property
    def sliced(self) -> bool:
        """More than one piece."""
        return len(self.pieces) > 1

    def circuit_of(self, piece: int) -> CircuitFacts:
        return self.circuits[self.pieces[piece].circuit]

    @property
    def first(self) -> CircuitFacts:
        return self.circuit_of(0)

    @property
    def last(self) -> CircuitFacts:
        return self.circuit_of(len(self.pieces) - 1)

    @property
    def logrows(self) -> int:
        """The largest circuit's logrows (what proving memory follows)."""
        return max(c.logrows for c in self.circuits)

    @property
    def num_rows(self) -> int:
        """Rows over every piece (a shared circuit counts once per piece)."""
        return sum(self.circuit_of(p.index).num_rows or 0 for p in self.pieces)

    @property
    def srs(self) -> SrsFacts:
        """The largest SRS the chain needs."""
        return max((c.srs for c in self.circuits), key=lambda s: s.logrows)
