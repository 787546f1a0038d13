"""The Target protocol: what the compiler asks of a proof backend, over a chain of circuits.

A whole model is a chain of one. The compiler runs the target's pass pipeline, asks the target
to check the final IR, plans the cuts with the target's cost functions, writes each circuit's
ONNX model, and hands the target those models (`EmitRequest`); the target owns its recipe
(settings, calibration, scale search, setup, links) and returns the chain's typed facts. For
an artifact, it runs, proves and verifies the chain. No method has a `_sliced` twin.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import onnx_ir as ir

from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.compute.runners import ProveRunner
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.reference_check import OpTrial
from zkc.compiler.data.samples import Samples
from zkc.compiler.ir.io_spec import IOSpec
from zkc.compiler.pipeline.base import ZkcPass
from zkc.compiler.planning.search import CircuitCost
from zkc.compiler.progress import Reporter
from zkc.compiler.target.chain import ChainProof, CircuitEstimate, EmitRequest


class Target(Protocol):
    """A proof backend (see the module docstring)."""

    name: str

    def configure(self, config: CompileConfig) -> CompileConfig:
        """The config with this target's defaults filled in (its default pipeline, every one of
        its `options`), validated: UserInputError names an option it does not know or a bad
        value. The compiler keys and records the configured config."""
        ...

    def pipeline(self, name: str | None, disabled: Sequence[str] = ()) -> list[type[ZkcPass]]:
        """The pass classes of a named pipeline of this target (None: its default), minus
        disabled ones."""
        ...

    def check_model(self, model: ir.Model, source: str) -> list[OpTrial]:
        """Refuse, naming the node, what this target can never compile; return the ops it has
        not measured computing right (or measured failing elsewhere): the compile tries them
        on this model, and the reference check decides."""
        ...

    def circuit_costs(self, config: CompileConfig) -> list[CircuitCost]:
        """The cost functions the planner may cut the model with (one per way of building)."""
        ...

    def estimate(self, logrows: int) -> CircuitEstimate:
        """Expected setup and proving cost of one circuit of `logrows` (no EZKL run)."""
        ...

    def emit(self, request: EmitRequest, reporter: Reporter) -> tuple[ChainFacts, dict[str, float]]:
        """Build every circuit of the chain into the artifact; returns its facts, and the
        seconds its steps took (for provenance.json, never the manifest)."""
        ...

    def can_reuse(self, facts: ChainFacts) -> bool:
        """Whether a cached build of this chain is valid here (e.g. its SRS files unchanged)."""
        ...

    def pinned_options(self, facts: ChainFacts) -> dict[str, Any]:
        """Options that make a rebuild of this chain compute the same numbers (a derived
        build keeps them unless it overrides them)."""
        ...

    def files(self, facts: ChainFacts) -> list[str]:
        """The files `emit` wrote, relative to the artifact."""
        ...

    def verifier_files(self, facts: ChainFacts) -> list[str]:
        """The files of those `verify` reads (a verifier bundle holds only these)."""
        ...

    def run(
        self,
        art_dir: Path,
        facts: ChainFacts,
        spec: IOSpec,
        samples: Samples,
        reporter: Reporter,
        runner: ProveRunner | None = None,
    ) -> dict[str, np.ndarray]:
        """The chain's outputs (witnesses, no proofs) for every sample, stacked per output;
        with `runner`, spread over its workers."""
        ...

    def prove(
        self,
        art_dir: Path,
        facts: ChainFacts,
        spec: IOSpec,
        inputs: dict[str, np.ndarray],
        runner: ProveRunner,
        located: dict[str, Path] | None = None,
    ) -> ChainProof:
        """Prove one inference through every circuit of the chain. `located`: files kept
        outside `art_dir`, by their name inside it (a subnet package's pk.key)."""
        ...

    def verify(
        self,
        art_dir: Path,
        facts: ChainFacts,
        spec: IOSpec,
        proofs: list[dict[str, Any]],
        inputs: dict[str, Any],
        outputs: dict[str, Any] | None,
    ) -> dict[str, np.ndarray]:
        """Check a chain's proofs, links, request and response; returns the proved outputs.
        VerificationError names what failed."""
        ...
