"""`zkc bench`: how fast and how big an artifact proves on this machine.

Each repetition proves one request in a fresh process (spawned, so its peak resident
memory, VmHWM, is its own and includes no earlier run), writes the proof, and the proof is
then verified here and timed. Sliced artifacts prove with the chosen local workers or Dask
scheduler; their pool processes' peaks are reported as well. The request is an input file,
or the first held-out sample the artifact carries.
"""

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from zkc.compiler.artifacts.manifest import EVAL_FILE
from zkc.compiler.artifacts.proof import load_proof
from zkc.compiler.compute.lifecycle import process_pool, stop_pool
from zkc.compiler.compute.runners import peak_rss_mb
from zkc.compiler.driver.runtime import CompiledArtifact
from zkc.compiler.errors import ArtifactError, ToolError

# Opens an artifact with its target (zkc.targets.open_artifact): (artifact path, SRS directory).
Opener = Callable[[Path, Path], CompiledArtifact]
# What a fresh process proves with: (opener, artifact path, SRS directory, request, workers,
# scheduler, proof path); it returns the run's wall seconds and peak RSS in MB.
ProveJob = tuple[Opener, str, str, dict[str, np.ndarray], int | None, str | None, str]


class BenchReport(BaseModel):
    """Proving figures of one artifact on this machine (seconds per repetition)."""

    artifact_key: str
    circuits: int
    logrows: list[int]
    workers: int | None
    scheduler: str | None
    prove_seconds: list[float]
    verify_seconds: list[float]
    peak_rss_mb: float  # the proving process, or its largest slice-proof process
    pk_bytes: int
    proof_file_bytes: int

    def summary(self) -> str:
        """Lines for humans."""
        ks = ", ".join(map(str, self.logrows))
        return "\n".join(
            [
                f"artifact {self.artifact_key[:16]}: {self.circuits} circuit(s), logrows {ks}",
                f"  prove  median {statistics.median(self.prove_seconds):.2f} s  "
                f"(min {min(self.prove_seconds):.2f}, max {max(self.prove_seconds):.2f}; "
                f"{len(self.prove_seconds)} runs, each in a fresh process)",
                f"  verify median {statistics.median(self.verify_seconds):.3f} s",
                f"  peak RSS {self.peak_rss_mb:.0f} MB, proving keys {self.pk_bytes / 1e6:.1f} MB, "
                f"proof file {self.proof_file_bytes:,d} bytes",
            ]
        )


def sample_input(compiled: CompiledArtifact) -> dict[str, np.ndarray]:
    """The first held-out sample stored in the artifact, as a request."""
    path = compiled.path / EVAL_FILE
    if not path.is_file():
        raise ArtifactError(
            f"{compiled.path}: no {EVAL_FILE} to take a sample from; give INPUT_JSON"
        )
    with np.load(path) as data:
        missing = [t.name for t in compiled.spec.inputs if t.name not in data.files]
        if missing:
            raise ArtifactError(f"{path}: has no samples of input '{missing[0]}'")
        return {t.name: data[t.name][0].reshape(t.shape) for t in compiled.spec.inputs}


def _prove_once(
    opener: Opener,
    path: str,
    srs_dir: str,
    inputs: dict[str, np.ndarray],
    workers: int | None,
    scheduler: str | None,
    proof_path: str,
) -> dict[str, float]:
    """Prove in this (fresh) process; returns wall seconds and peak memory."""
    compiled = opener(Path(path), Path(srs_dir))
    start = time.perf_counter()
    result = compiled.prove(inputs, workers=workers, scheduler=scheduler)
    seconds = time.perf_counter() - start
    Path(proof_path).write_text(json.dumps(result.envelope.model_dump(mode="json")))
    slice_peaks = (result.run or {}).get("slice_peak_rss_mb") or [0.0]
    return {"seconds": seconds, "peak_rss_mb": max(peak_rss_mb(), *slice_peaks)}


def measure(
    path: Path,
    srs_dir: Path,
    opener: Opener,
    inputs: dict[str, np.ndarray] | None = None,
    repeat: int = 3,
    workers: int | None = None,
    scheduler: str | None = None,
    prove_once: Callable[..., dict[str, float]] = _prove_once,
) -> BenchReport:
    """Prove `repeat` times (each in a fresh process, by `prove_once`) and verify each proof;
    VerificationError if one does not verify, ToolError if a proving process dies.

    `opener(path, srs_dir)` opens the artifact with its target (zkc.targets.open_artifact); it
    must be importable by name, since each fresh process calls it again."""
    compiled = opener(path, srs_dir)
    inputs = inputs if inputs is not None else sample_input(compiled)
    prove: list[float] = []
    verify: list[float] = []
    peaks: list[float] = []
    size = 0
    with tempfile.TemporaryDirectory(prefix="zkc-bench-") as tmp:
        for i in range(repeat):
            proof_path = Path(tmp) / f"proof_{i}.json"
            job = (opener, str(path), str(srs_dir), inputs, workers, scheduler, str(proof_path))
            run = _prove_in_fresh_process(prove_once, job, path, i + 1)
            prove.append(round(run["seconds"], 3))
            peaks.append(run["peak_rss_mb"])
            verify.append(_verify_seconds(compiled, proof_path))
            size = proof_path.stat().st_size
    return _bench_report(compiled, workers, scheduler, prove, verify, peaks, size)


def _prove_in_fresh_process(
    prove_once: Callable[..., dict[str, float]],
    job: ProveJob,
    path: Path,
    run: int,
) -> dict[str, float]:
    """`prove_once(*job)` in a process of its own; ToolError naming run `run` (from 1) if that
    process dies."""
    pool = process_pool(1)
    try:
        return pool.submit(prove_once, *job).result()
    except BrokenProcessPool as exc:
        raise ToolError(
            f"{path}: the proving process died in run {run} (killed, or out of memory)"
        ) from exc
    finally:
        stop_pool(pool)


def _verify_seconds(compiled: CompiledArtifact, proof_path: Path) -> float:
    """Seconds verifying the proof file at `proof_path` took (VerificationError if invalid)."""
    envelope = load_proof(proof_path)
    start = time.perf_counter()
    compiled.verify(envelope)
    return round(time.perf_counter() - start, 4)


def _bench_report(
    compiled: CompiledArtifact,
    workers: int | None,
    scheduler: str | None,
    prove: list[float],
    verify: list[float],
    peaks: list[float],
    size: int,
) -> BenchReport:
    """The figures of `len(prove)` runs: seconds proving and verifying each, the peak RSS
    over them, and the size of the last proof file."""
    facts, manifest = compiled.facts, compiled.manifest
    if manifest is None:
        raise ArtifactError(f"{compiled.path}: no manifest names its proving keys")
    return BenchReport(
        artifact_key=compiled.key,
        circuits=len(facts.pieces),
        logrows=[facts.circuit_of(p.index).logrows for p in facts.pieces],
        workers=workers,
        scheduler=scheduler,
        prove_seconds=prove,
        verify_seconds=verify,
        peak_rss_mb=round(max(peaks), 1),
        pk_bytes=sum(e.size for p, e in manifest.files.items() if p.endswith("pk.key")),
        proof_file_bytes=size,
    )
