"""Using a compiled chain: run (witnesses only), prove and verify one inference.

`CompiledArtifact` is the one load-and-prove class: an artifact directory checked against its
manifest (or a subnet package checked against its lock, by zkc.targets.subnet), with the
target that built it. It never asks whether the chain is sliced: the target proves and
verifies chains of any length.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zkc.compiler.artifacts.download import ShippedFiles
from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.artifacts.manifest import VERIFIER, Manifest, load_verified
from zkc.compiler.artifacts.proof import ProofEnvelope
from zkc.compiler.compute.runners import ProveRunner, default_workers
from zkc.compiler.errors import UserInputError, VerificationError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.compiler.progress import Reporter
from zkc.compiler.target.chain import chain_vk_digest
from zkc.compiler.target.protocol import Target


@dataclass
class ProofResult:
    """A proof of one inference and what it took."""

    envelope: ProofEnvelope
    outputs: dict[str, np.ndarray]
    prove_seconds: float
    run: dict[str, Any]  # wall time, per-circuit seconds and peak RSS (provenance, never hashed)


class CompiledArtifact:
    """A chain of circuits whose files were checked when it was opened, and its target."""

    def __init__(
        self,
        path: Path,
        target: Target,
        key: str,
        spec: IOSpec,
        facts: ChainFacts,
        manifest: Manifest | None = None,
        located: dict[str, Path] | None = None,
    ) -> None:
        self.path, self.target, self.key = Path(path), target, key
        self.spec, self.facts, self.manifest = spec, facts, manifest
        self.located = located or {}  # files kept outside the directory (a package's pk.key)

    @classmethod
    def open(cls, path: Path, target: Target) -> "CompiledArtifact":
        """An artifact directory, every file checked against its manifest."""
        manifest = load_verified(Path(path))
        if manifest.target != target.name:
            raise UserInputError(
                f"{path}: built for target '{manifest.target}', not '{target.name}'"
            )
        return cls(path, target, manifest.key, manifest.io, manifest.circuit, manifest)

    def piece_vk_digests(self) -> list[str]:
        """The sha256 of each piece's verifying key (its circuit's), in proving order."""
        return [self.facts.circuit_of(p.index).vk_sha256 for p in self.facts.pieces]

    def vk_digest(self) -> str:
        """What a proof names as its verifying key (zkc.compiler.target.chain.chain_vk_digest)."""
        return chain_vk_digest(self.piece_vk_digests())

    def _whole(self, what: str) -> None:
        """UserInputError when this is a verifier bundle: it cannot `what`."""
        if self.manifest is not None and self.manifest.kind == VERIFIER:
            raise UserInputError(
                f"{self.path}: a verifier bundle (settings and verifying keys only) cannot "
                f"{what}; use the artifact it was exported from"
            )

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The chain's outputs for one input (its witnesses), rescaled to floats."""
        self._whole("run a model")
        batch = {k: np.asarray(v)[None] for k, v in inputs.items()}
        outputs = self.target.run(self.path, self.facts, self.spec, batch, Reporter())
        return {k: v[0] for k, v in outputs.items()}

    def prove(
        self,
        inputs: dict[str, np.ndarray],
        workers: int | None = None,
        scheduler: str | None = None,
        shipped: ShippedFiles | None = None,
    ) -> ProofResult:
        """Prove one inference; the envelope names this artifact and carries inputs and outputs.

        The circuits are proved concurrently: `workers` local processes (by default one per
        two cores, as many as memory holds), or the Dask cluster at `scheduler`. With
        `shipped`, cluster workers fetch the circuit files by digest (no shared filesystem).
        """
        self._whole("prove")
        if shipped is not None and not scheduler:
            raise UserInputError("--blobs-from is for proving on a cluster (--scheduler)")
        runner = ProveRunner(workers or default_workers(), scheduler, shipped)
        chain = self.target.prove(self.path, self.facts, self.spec, inputs, runner, self.located)
        # What the proof states: the values of public ends only (hashed or private ones are
        # not revealed; the prover still gets its outputs in the result).
        shown = self.facts.visibility
        envelope = ProofEnvelope.for_chain(
            self.key,
            self.piece_vk_digests(),
            inputs if shown["inputs"] == "public" else {},
            chain.outputs if shown["outputs"] == "public" else {},
            chain.proofs,
        )
        return ProofResult(envelope, chain.outputs, chain.run["wall_seconds"], chain.run)

    def verify(self, envelope: ProofEnvelope) -> dict[str, np.ndarray]:
        """The outputs the proof commits to; VerificationError unless it is a valid proof for
        this artifact of the envelope's inputs and outputs."""
        if envelope.artifact_key != self.key or envelope.vk_sha256 != self.vk_digest():
            raise VerificationError(
                f"proof is for artifact {envelope.artifact_key[:12]}, not this one ({self.key[:12]})"
            )
        return self.target.verify(
            self.path,
            self.facts,
            self.spec,
            envelope.chain_entries(),
            envelope.inputs,
            envelope.outputs,
        )

    def verify_proofs(
        self,
        proofs: list[dict[str, Any]],
        inputs: dict[str, Any],
        outputs: dict[str, Any] | None = None,
    ) -> dict[str, np.ndarray]:
        """Verify the target's own proofs (one per circuit, in order; e.g. what a subnet miner
        returns) for these inputs, as a validator does; returns the outputs they commit to."""
        entries = [
            {"index": i, "vk_sha256": vk, "proof": p}
            for i, (vk, p) in enumerate(zip(self.piece_vk_digests(), proofs, strict=False))
        ]
        return self.target.verify(self.path, self.facts, self.spec, entries, inputs, outputs)
