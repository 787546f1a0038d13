"""Typed facts an artifact records about its circuits: `manifest.json`'s `circuit` field.

Every artifact is a chain of circuits (a whole model is a chain of one). The facts are a
function of the build's inputs alone: nothing timed, random or host-specific (timings go to
provenance.json). Targets fill them in explicit steps of emission; nothing that computes
outputs writes them.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from zkc.compiler.io_spec import IOSpec

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


class CircuitFacts(_Facts):
    """One circuit of the chain: where its files are, what it computes, how it was built."""

    index: int
    directory: str  # relative to the artifact: "." for a whole model, "slices/NN" for a slice
    io: IOSpec
    nodes: list[str]  # the model's nodes this circuit computes
    inputs: list[str]  # model tensors it reads (committed or public)
    outputs: list[str]  # model tensors it writes
    estimated_rows: int | None
    estimated_logrows: int | None
    logrows: int
    calibrated_logrows: int  # what the circuit alone needs (linked ones share the largest)
    num_rows: int | None
    input_scales: list[int]
    output_scales: list[int]
    param_scale: int
    run_args: dict
    srs: SrsFacts
    vk_sha256: str
    public_inputs: int  # public instance values before the outputs'
    public_outputs: int


class LinkFacts(_Facts):
    """The tensors committed between circuit `index` and `index + 1`, and how many commitment
    values (KZG points, or Poseidon hashes) each side's proof carries for them."""

    index: int
    tensors: list[str]
    commitments: int


class ChainFacts(_Facts):
    """The circuits of an artifact in proving order, and how they are linked."""

    circuits: list[CircuitFacts]
    link: LinkMode
    links: list[LinkFacts]
    decomposition: str
    quantization: QuantizationRecord

    @property
    def sliced(self) -> bool:
        """More than one circuit."""
        return len(self.circuits) > 1

    @property
    def first(self) -> CircuitFacts:
        return self.circuits[0]

    @property
    def last(self) -> CircuitFacts:
        return self.circuits[-1]

    @property
    def logrows(self) -> int:
        """The largest circuit's logrows (what proving memory follows)."""
        return max(c.logrows for c in self.circuits)

    @property
    def num_rows(self) -> int:
        return sum(c.num_rows or 0 for c in self.circuits)

    @property
    def srs(self) -> SrsFacts:
        """The largest SRS the chain needs."""
        return max((c.srs for c in self.circuits), key=lambda s: s.logrows)

    def commitments_in(self, index: int) -> int:
        """Commitment values circuit `index` receives (its inputs' link)."""
        return self.links[index - 1].commitments if index > 0 else 0

    def commitments_out(self, index: int) -> int:
        """Commitment values circuit `index` hands on (its outputs' link)."""
        return self.links[index].commitments if index < len(self.links) else 0
