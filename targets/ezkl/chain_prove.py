"""Proving a chain: witnesses chained in the calling process (they are cheap), then one proof
per circuit, run inline, in a local process pool, or on a Dask cluster (zkc.compiler.compute.runners).

Cluster workers either see the artifact and the work directory at the same paths, or, with
shipped files (zkc.compiler.artifacts.download.ShippedFiles), fetch each circuit's compiled circuit and
proving key by digest and receive the witness in the job (zkc.targets.ezkl.remote).
"""

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.compute.runners import ProveRunner, peak_rss_mb, reset_peak_rss, run_jobs
from zkc.compiler.ir.io_spec import IOSpec
from zkc.compiler.target.chain import ChainProof
from zkc.targets.ezkl import proving, remote, srs
from zkc.targets.ezkl.circuit import COMPILED_FILE, PK_FILE, VK_FILE
from zkc.targets.ezkl.shared_logrows import capacity_logrows
from zkc.targets.ezkl.witness import CircuitWitness, CommitKeys, Runnable, response, witness_dag


def peak_prove_bytes(logrows: int) -> int:
    """Peak RSS to budget for proving one circuit of this logrows (EZKL_NOTES: 0.34 GB at 15,
    doubling per logrow), with room for the worker process itself."""
    return int(0.34e9 * 2.0 ** (logrows - 15) * 1.5 + 0.3e9)


def commit_keys(art_dir: Path, facts: ChainFacts, srs_dir: srs.SrsDirectory) -> list[CommitKeys]:
    """Each circuit's verifying key and checked SRS (what its witness commitments need)."""
    return [
        CommitKeys(Path(art_dir) / c.directory / VK_FILE, srs_dir.checked(c.srs))
        for c in facts.circuits
    ]


def runnable(art_dir: Path, facts: ChainFacts) -> Runnable:
    """The artifact's pieces and where their circuits are."""
    return Runnable(facts.pieces, [Path(art_dir) / c.directory for c in facts.circuits])


def prove_job(compiled: str, pk: str, witness: str, srs_path: str, proof_path: str) -> dict:
    """Prove one circuit (inline, or in a pool or cluster worker): the proof, seconds, and
    the peak RSS of this proof (the process's peak is reset first: a worker proves many)."""
    reset_peak_rss()
    start = time.perf_counter()
    proof = proving.prove(Path(witness), Path(compiled), Path(pk), Path(proof_path), Path(srs_path))
    seconds = time.perf_counter() - start
    return {"proof": proof, "seconds": seconds, "peak_rss_mb": peak_rss_mb(), "pid": os.getpid()}


def local_jobs(
    art_dir: Path,
    facts: ChainFacts,
    chain: list[CircuitWitness],
    keys: list[CommitKeys],
    work: Path,
    located: dict[str, Path],
) -> list[tuple]:
    """The arguments of `prove_job` for each piece (`located`: files kept elsewhere)."""
    jobs = []
    for piece, witness in zip(facts.pieces, chain, strict=True):
        circuit = facts.circuits[piece.circuit]
        directory = Path(art_dir) / circuit.directory
        pk = located.get(str(Path(circuit.directory) / PK_FILE), directory / PK_FILE)
        jobs.append(
            (
                str(directory / COMPILED_FILE),
                str(pk),
                str(witness.path),
                str(keys[piece.circuit].srs),
                str(work / f"proof_{piece.index:03d}.json"),
            )
        )
    return jobs


def prove_chain(
    art_dir: Path,
    facts: ChainFacts,
    spec: IOSpec,
    inputs: dict[str, np.ndarray],
    runner: ProveRunner,
    srs_dir: srs.SrsDirectory,
    located: dict[str, Path],
) -> ChainProof:
    """Prove one inference through every circuit; the proofs, outputs and what it took."""
    start = time.perf_counter()
    run = runnable(art_dir, facts)
    keys = commit_keys(art_dir, facts, srs_dir)
    peak = max(peak_prove_bytes(capacity_logrows(c.num_rows, c.logrows)) for c in facts.circuits)
    with tempfile.TemporaryDirectory(prefix="zkc-prove-") as tmp:
        # The witnesses are made with the verifying keys, as SN2 miners run them.
        chain = witness_dag(run, spec, inputs, Path(tmp), keys)
        witness_seconds = time.perf_counter() - start
        if runner.shipped is None:
            jobs = local_jobs(art_dir, facts, chain, keys, Path(tmp), located)
            results = run_jobs(prove_job, jobs, runner.workers, runner.scheduler, peak)
        else:
            jobs = remote.remote_jobs(facts, chain, runner.shipped)
            results = run_jobs(
                remote.remote_prove_job, jobs, runner.workers, runner.scheduler, peak
            )
    outputs = response(run, chain, [c.output_scales for c in facts.circuits], spec)
    record = {
        "wall_seconds": time.perf_counter() - start,
        "witness_seconds": witness_seconds,
        "slice_seconds": [r["seconds"] for r in results],
        "slice_peak_rss_mb": [r["peak_rss_mb"] for r in results],
        "workers": None if runner.scheduler else runner.workers,  # local processes asked for
    }
    if runner.shipped is not None:
        record["slice_fetched_bytes"] = [r["fetched_bytes"] for r in results]
        record["slice_hosts"] = [r["host"] for r in results]
    return ChainProof([r["proof"] for r in results], outputs, record)
