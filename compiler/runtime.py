"""Using a compiled artifact: run (witness only), prove and verify one inference."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zkc.compiler.artifact import Manifest, load_verified
from zkc.compiler.errors import UserInputError, VerificationError
from zkc.compiler.hashing import sha256_bytes
from zkc.compiler.proof import ProofEnvelope, SliceProof
from zkc.targets import make_target

# Where cluster workers keep blobs they fetched (expanded on the worker).
WORKER_CACHE = "~/.cache/zkc/worker"


@dataclass
class ProofResult:
    """A proof of one inference and what it took."""

    envelope: ProofEnvelope
    outputs: dict[str, np.ndarray]
    prove_seconds: float
    run: dict | None = None  # sliced: wall time, per-slice seconds and peak RSS


class CompiledArtifact:
    """An artifact whose files were checked against its manifest when it was opened."""

    def __init__(self, path: Path, srs_dir: Path = Path("~/.ezkl/srs")):
        self.path = Path(path)
        self.manifest: Manifest = load_verified(self.path)
        self.spec = self.manifest.io
        self.srs_dir = srs_dir
        self.target = make_target(self.manifest.target, Path(srs_dir))

    @property
    def sliced(self) -> bool:
        return bool(self.manifest.circuit.get("sliced"))

    def slice_vk_digests(self) -> list[str]:
        """The sha256 of each slice's verifying key, in slice order."""
        return [
            self.manifest.files[
                f"{self.target.slice_dir(Path(), s['index']).as_posix()}/vk.key"
            ].sha256
            for s in self.manifest.circuit["slices"]
        ]

    def vk_digest(self) -> str:
        """What a proof names as its verifying key: vk.key's sha256, or over the slices' ones."""
        if self.sliced:
            return sha256_bytes("\n".join(self.slice_vk_digests()).encode())
        return self.manifest.files["vk.key"].sha256

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The circuit's outputs for one input (its witness), rescaled to floats."""
        if self.sliced:
            return self.target.run_sliced(self.path, self.manifest.circuit, self.spec, inputs)
        return self.target.run(self.path, self.manifest.circuit, self.spec, inputs)

    def prove(
        self, inputs: dict[str, np.ndarray], workers: int | None = None,
        scheduler: str | None = None,
        blobs_from: str | None = None, worker_cache: str = WORKER_CACHE,
        worker_srs_dir: str | None = None, registry_auth: tuple[str, str | None] | None = None,
    ) -> ProofResult:  # fmt: skip
        """Prove one inference; the envelope names this artifact and carries inputs and outputs.

        A sliced artifact's slices are proved concurrently (`workers` local processes, by
        default one per two cores and as many as memory holds, or the Dask cluster at
        `scheduler`). With `blobs_from` (the oci:// repository the artifact was
        published to) cluster workers fetch the slice files from there into `worker_cache`
        and read SRS files from `worker_srs_dir` (default: this artifact's SRS directory
        path): they need no filesystem shared with this process. `registry_auth` (user,
        password) is for this process's check that the registry holds the files; workers use
        the credentials in their own environment.
        """
        if workers is None:
            from zkc.compiler.parallel import default_workers

            workers = default_workers()
        if blobs_from is not None:
            if not self.sliced or not scheduler:
                raise UserInputError("--blobs-from is for proving a sliced artifact on a "
                                     "cluster (--scheduler)")  # fmt: skip
            shipped = self._shipped(blobs_from, worker_cache, worker_srs_dir, registry_auth)
            return self._prove_sliced(inputs, workers, scheduler, shipped)
        if self.sliced:
            return self._prove_sliced(inputs, workers, scheduler)
        proof, outputs, seconds = self.target.prove(
            self.path, self.manifest.circuit, self.spec, inputs
        )
        envelope = ProofEnvelope(
            artifact_key=self.manifest.key,
            vk_sha256=self.vk_digest(),
            inputs={k: np.asarray(v).tolist() for k, v in inputs.items()},
            outputs={k: v.tolist() for k, v in outputs.items()},
            proof=proof,
        )
        return ProofResult(envelope=envelope, outputs=outputs, prove_seconds=seconds)

    def _shipped(self, blobs_from: str, worker_cache: str, worker_srs_dir: str | None, auth):
        from zkc.targets.registry.shipping import ShippedFiles, blob_sources

        paths = [
            f"{self.target.slice_dir(Path(), s['index']).as_posix()}/{name}"
            for s in self.manifest.circuit["slices"]
            for name in ("model.compiled", "pk.key")
        ]
        sources = blob_sources(blobs_from, self.manifest, paths, *(auth or (None, None)))
        return ShippedFiles(sources, worker_srs_dir or str(self.srs_dir), worker_cache)

    def _prove_sliced(self, inputs, workers, scheduler, shipped=None) -> ProofResult:
        proofs, outputs, run = self.target.prove_sliced(
            self.path, self.manifest.circuit, self.spec, inputs, workers, scheduler,
            shipped=shipped,
        )  # fmt: skip
        digests = self.slice_vk_digests()
        envelope = ProofEnvelope(
            artifact_key=self.manifest.key,
            vk_sha256=self.vk_digest(),
            inputs={k: np.asarray(v).tolist() for k, v in inputs.items()},
            outputs={k: v.tolist() for k, v in outputs.items()},
            slices=[
                SliceProof(index=p["index"], vk_sha256=digests[p["index"]], proof=p["proof"])
                for p in proofs
            ],  # fmt: skip
        )
        return ProofResult(envelope, outputs, run["wall_seconds"], run)

    def verify(self, envelope: ProofEnvelope) -> None:
        """Raise VerificationError unless the envelope's proof is valid for this artifact."""
        if envelope.artifact_key != self.manifest.key or envelope.vk_sha256 != self.vk_digest():
            raise VerificationError(
                f"proof is for artifact {envelope.artifact_key[:12]}, not this one ({self.manifest.key[:12]})"
            )
        if self.sliced:
            if envelope.slices is None:
                raise VerificationError("the artifact is sliced but the proof has no slice proofs")
            self.target.verify_sliced(
                self.path, self.manifest.circuit, self.spec,
                [p.model_dump() for p in envelope.slices], envelope.inputs, envelope.outputs,
                self.slice_vk_digests(),
            )  # fmt: skip
            return
        if envelope.proof is None:
            raise VerificationError("the proof file has no proof")
        self.target.verify(
            self.path,
            self.manifest.circuit,
            self.spec,
            envelope.proof,
            envelope.inputs,
            envelope.outputs,
        )
