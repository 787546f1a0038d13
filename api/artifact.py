"""An artifact and its proofs, as the Python API hands them out: `Artifact.run`, `.prove`,
`.verify`; `Proof` saves and loads. The same objects the CLI's commands use underneath
(zkc.compiler.driver.runtime.CompiledArtifact)."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zkc.api.evm import EvmVerifier, resolve_solc
from zkc.api.sources import one_input
from zkc.compiler.artifacts.atomic import write_bytes_atomic
from zkc.compiler.artifacts.manifest import Manifest
from zkc.compiler.artifacts.proof import ProofEnvelope, load_proof
from zkc.compiler.data.samples import inputs_from_doc
from zkc.compiler.driver.runtime import CompiledArtifact
from zkc.compiler.driver.verifier_bundle import VerifierBundle, export_verifier
from zkc.compiler.errors import ArtifactError, VerificationError
from zkc.targets import evm_tools


@dataclass
class Proof:
    """A proof of one inference: the inputs and outputs it states, and the target's proofs
    (one per circuit of the chain). `save(path)` writes the file `zkc verify` reads."""

    envelope: ProofEnvelope
    prove_seconds: float | None = None
    run: dict[str, Any] = field(default_factory=dict)  # wall time, per-circuit seconds and RSS

    @property
    def outputs(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v, dtype=np.float32) for k, v in self.envelope.outputs.items()}

    @property
    def inputs(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v, dtype=np.float32) for k, v in self.envelope.inputs.items()}

    def save(self, path: str | Path) -> Path:
        """Write the proof file (atomically); returns its path."""
        doc = json.dumps(self.envelope.model_dump(mode="json"))
        write_bytes_atomic(Path(path), doc.encode())
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> "Proof":
        """A proof file written by `save` or `zkc prove`; UserInputError when it is not one."""
        return cls(load_proof(Path(path)))


class Artifact:
    """A compiled model: its circuits, keys and manifest, every file checked when loaded."""

    def __init__(self, compiled: CompiledArtifact) -> None:
        self._compiled = compiled

    @property
    def path(self) -> Path:
        return self._compiled.path

    @property
    def key(self) -> str:
        """The artifact's content key (sha256 over everything that built it)."""
        return self._compiled.key

    @property
    def manifest(self) -> Manifest:
        if self._compiled.manifest is None:
            raise ArtifactError(f"{self.path}: has no manifest")
        return self._compiled.manifest

    @property
    def input_names(self) -> list[str]:
        return [t.name for t in self._compiled.spec.inputs]

    @property
    def output_names(self) -> list[str]:
        return [t.name for t in self._compiled.spec.outputs]

    def _inputs(self, inputs: Any) -> dict[str, np.ndarray]:
        doc = one_input(inputs, self.input_names)
        return inputs_from_doc(doc, self._compiled.spec, "inputs")

    def run(self, inputs: Any) -> dict[str, np.ndarray]:
        """The circuit's outputs for one input (an array, or a dict by input name), computed
        through its witness without a proof."""
        return self._compiled.run(self._inputs(inputs))

    def prove(self, inputs: Any, *, workers: int | None = None) -> Proof:
        """Prove one inference (an array, or a dict by input name); the proof states the
        inputs and the outputs. `workers`: circuits of a chain proved at once."""
        result = self._compiled.prove(self._inputs(inputs), workers=workers)
        return Proof(result.envelope, result.prove_seconds, result.run)

    def verify(self, proof: Proof | ProofEnvelope | str | Path) -> bool:
        """Whether `proof` (a Proof, or a proof file) is a valid proof, for this artifact, of
        the inputs and outputs it states. A proof file that is not one raises UserInputError."""
        if isinstance(proof, str | Path):
            proof = Proof.load(proof)
        envelope = proof.envelope if isinstance(proof, Proof) else proof
        try:
            self._compiled.verify(envelope)
        except VerificationError:
            return False
        return True

    def check(self, proof: Proof | ProofEnvelope) -> dict[str, np.ndarray]:
        """`verify` that says why: the outputs the proof commits to, or VerificationError."""
        envelope = proof.envelope if isinstance(proof, Proof) else proof
        return self._compiled.verify(envelope)

    def export_verifier(self, output: str | Path) -> VerifierBundle:
        """Write what a verifier needs (settings, verifying keys, the manifest's facts; no
        proving keys, model files or samples) to `output`; `zkc.load(output).verify(proof)`
        then works there. Returns where, which files and the size against the artifact's."""
        return export_verifier(self._compiled, Path(output))

    def export_evm(self, output: str | Path, *, solc: str | Path | None = None) -> EvmVerifier:
        """Write the EVM verifiers (`zkc evm`): each distinct circuit's verifier contract and
        the chain contract that checks the pieces in order, their links, the request and the
        response. `solc`: the npm solc package's directory (default: $ZKC_SOLC). Returns the
        written directory, ready to `.verify(proof)` in a local EVM."""
        build, *_ = evm_tools()
        srs = getattr(self._compiled.target, "srs", None)
        if srs is None:
            raise ArtifactError(f"{self.path}: EVM verifiers are for EZKL artifacts")
        c = self._compiled
        built = build.build_evm(
            c.path, c.key, c.facts, c.spec, srs, resolve_solc(solc), Path(output)
        )
        return EvmVerifier.load(built.path)

    def __repr__(self) -> str:
        facts = self._compiled.facts
        return (
            f"Artifact({str(self.path)!r}, key={self.key[:12]}, "
            f"{len(facts.pieces)} circuit(s), logrows {facts.logrows})"
        )
