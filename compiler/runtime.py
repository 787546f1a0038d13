"""Using a compiled artifact: run (witness only), prove and verify one inference."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zkc.compiler.artifact import Manifest, load_verified
from zkc.compiler.errors import VerificationError
from zkc.compiler.proof import ProofEnvelope
from zkc.targets import make_target


@dataclass
class ProofResult:
    """A proof of one inference and what it took."""

    envelope: ProofEnvelope
    outputs: dict[str, np.ndarray]
    prove_seconds: float


class CompiledArtifact:
    """An artifact whose files were checked against its manifest when it was opened."""

    def __init__(self, path: Path, srs_dir: Path = Path("~/.ezkl/srs")):
        self.path = Path(path)
        self.manifest: Manifest = load_verified(self.path)
        self.spec = self.manifest.io
        self.target = make_target(self.manifest.target, Path(srs_dir))

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The circuit's outputs for one input (its witness), rescaled to floats."""
        return self.target.run(self.path, self.manifest.circuit, self.spec, inputs)

    def prove(self, inputs: dict[str, np.ndarray]) -> ProofResult:
        """Prove one inference; the envelope names this artifact and carries inputs and outputs."""
        proof, outputs, seconds = self.target.prove(
            self.path, self.manifest.circuit, self.spec, inputs
        )
        envelope = ProofEnvelope(
            artifact_key=self.manifest.key,
            vk_sha256=self.manifest.files["vk.key"].sha256,
            inputs={k: np.asarray(v).tolist() for k, v in inputs.items()},
            outputs={k: v.tolist() for k, v in outputs.items()},
            proof=proof,
        )
        return ProofResult(envelope=envelope, outputs=outputs, prove_seconds=seconds)

    def verify(self, envelope: ProofEnvelope) -> None:
        """Raise VerificationError unless the envelope's proof is valid for this artifact."""
        if (
            envelope.artifact_key != self.manifest.key
            or envelope.vk_sha256 != self.manifest.files["vk.key"].sha256
        ):
            raise VerificationError(
                f"proof is for artifact {envelope.artifact_key[:12]}, not this one ({self.manifest.key[:12]})"
            )
        self.target.verify(
            self.path,
            self.manifest.circuit,
            self.spec,
            envelope.proof,
            envelope.inputs,
            envelope.outputs,
        )
