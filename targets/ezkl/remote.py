"""Circuit proofs on cluster workers that share no filesystem with the client.

A job carries the circuit's compiled circuit and proving key as blob sources
(zkc.compiler.artifacts.download.BlobSource, built by the caller: e.g. the registry the artifact was
published to), its witness as JSON text, and the SRS the circuit was set up with (logrows and
sha256). The worker keeps a cache of blobs by digest: it downloads a file the first time a
circuit lands on it, checked against the digest, and reuses it for every later request. SRS
files are public parameters each worker keeps in its own SRS directory; a worker's file must
hash to the one the artifact was set up with.
"""

import socket
import tempfile
import time
from pathlib import Path

from zkc.compiler.artifacts.download import BlobSource, ShippedFiles, download_checked, env_auth
from zkc.compiler.artifacts.facts import ChainFacts, SrsFacts
from zkc.compiler.compute.runners import peak_rss_mb, reset_peak_rss
from zkc.compiler.errors import UserInputError
from zkc.targets.ezkl import proving, srs
from zkc.targets.ezkl.circuit import COMPILED_FILE, PK_FILE


def cached_blob(cache_dir: Path, source: BlobSource) -> tuple[Path, int]:
    """The blob's path in the worker cache, downloading it if absent; (path, bytes fetched)."""
    algorithm, _, hexdigest = source.digest.partition(":")
    path = cache_dir / "blobs" / algorithm / hexdigest
    # Blobs enter the cache only by an atomic rename after their digest was checked.
    if path.is_file() and path.stat().st_size == source.size:
        return path, 0
    download_checked(source.url, path, source.digest, source.size, env_auth())
    return path, source.size


def remote_prove_job(
    compiled: BlobSource,
    pk: BlobSource,
    witness_json: str,
    srs_facts: dict,
    srs_dir: str,
    cache_dir: str,
) -> dict:
    """Prove one circuit on a worker: the proof, seconds, peak RSS, and what was fetched."""
    cache = Path(cache_dir).expanduser()
    start = time.perf_counter()
    compiled_path, fetched_compiled = cached_blob(cache, compiled)
    pk_path, fetched_pk = cached_blob(cache, pk)
    fetch_seconds = time.perf_counter() - start
    info = SrsFacts.model_validate(srs_facts)
    srs_path = srs.srs_file(Path(srs_dir).expanduser(), info.logrows)
    try:
        srs.check_srs(srs_path, info)
    except UserInputError as exc:
        raise UserInputError(f"worker {socket.gethostname()}: {exc}") from exc
    with tempfile.TemporaryDirectory(prefix="zkc-remote-") as tmp:
        witness_path = Path(tmp) / "witness.json"
        witness_path.write_text(witness_json)
        reset_peak_rss()  # a cluster worker proves many: report this proof's peak
        start = time.perf_counter()
        proof = proving.prove(
            witness_path, compiled_path, pk_path, Path(tmp) / "proof.json", srs_path
        )
        seconds = time.perf_counter() - start
    return {
        "proof": proof,
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "fetched_bytes": fetched_compiled + fetched_pk,
        "fetch_seconds": fetch_seconds,
        "host": socket.gethostname(),
    }


def remote_jobs(facts: ChainFacts, chain: list, shipped: ShippedFiles) -> list[tuple]:
    """The arguments of `remote_prove_job` for each piece of one request."""
    jobs = []
    for piece, witness in zip(facts.pieces, chain, strict=True):
        circuit = facts.circuits[piece.circuit]
        prefix = Path(circuit.directory)
        jobs.append(
            (
                shipped.sources[str(prefix / COMPILED_FILE)],
                shipped.sources[str(prefix / PK_FILE)],
                witness.path.read_text(),
                circuit.srs.model_dump(),
                shipped.srs_dir,
                shipped.cache_dir,
            )
        )
    return jobs
