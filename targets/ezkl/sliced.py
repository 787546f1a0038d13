"""Sliced circuits: witnesses chained slice to slice, slice proofs, and linked verification.

The next slice's witness is made from the previous witness's output field elements
themselves (not floats), and the slices share one scale, so a tensor crossing a cut is
bit-for-bit the same on both sides. Both sides commit to it, and a link holds when the two
commitments are equal:

- `polycommit` (default): the tensor sits in an unblinded advice column whose KZG commitment
  EZKL writes first in the proof (inputs' columns, then outputs'; 64 bytes per point in the
  EVM transcript). The verifier compares slice i's output points with slice i+1's input
  points, read from the proof bytes it verifies. Unblinded commitments are deterministic, so
  they are equal exactly when the columns are.
- `hashed`: the tensor's Poseidon hash is a public instance on both sides.

Instances of slice i (one row): its inputs (felts for the first slice; one hash per crossing
tensor for `hashed`; none for `polycommit`), then its outputs (likewise; felts for the last).
"""

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zkc.compiler.data import sample_count, to_ezkl_input
from zkc.compiler.errors import ToolError, VerificationError
from zkc.compiler.io_spec import IOSpec
from zkc.compiler.parallel import peak_rss_mb
from zkc.targets.ezkl import proving, srs

SLICES_DIR = "slices"
SLICE_FILES = ("model.onnx", "settings.json", "model.compiled", "vk.key", "pk.key")


def slice_dir(art_dir: Path, index: int) -> Path:
    return Path(art_dir) / SLICES_DIR / f"{index:02d}"


def slice_file_names(count: int) -> list[str]:
    """Every slice file, relative to the artifact."""
    return [f"{SLICES_DIR}/{i:02d}/{name}" for i in range(count) for name in SLICE_FILES]


@dataclass(frozen=True)
class SliceWitness:
    """One slice's witness file and its contents."""

    index: int
    path: Path
    witness: dict


def witness_chain(
    art_dir: Path, slices: list[dict], spec: IOSpec, inputs: dict[str, np.ndarray], work: Path,
    srs_dir: Path | None,
) -> list[SliceWitness]:  # fmt: skip
    """Witnesses of every slice for one request: slice 0 from the inputs, each next slice from
    the previous witness's output field elements.

    With `srs_dir` the witnesses carry the links' commitments: each slice's verifying key and
    the SRS it was set up with (checked against the manifest) are handed to EZKL. Without it
    (a scale search before setup, or outputs only) no commitment is computed.
    """
    data = to_ezkl_input(inputs, spec)
    chain = []
    for facts in slices:
        i = facts["index"]
        directory = slice_dir(art_dir, i)
        data_path, witness_path = work / f"input_{i:02d}.json", work / f"witness_{i:02d}.json"
        data_path.write_text(json.dumps(data))
        vk_path = srs_path = None
        if srs_dir is not None:
            vk_path, srs_path = directory / "vk.key", checked_srs(srs_dir, facts)
        proving.gen_witness(
            data_path, directory / "model.compiled", witness_path, vk_path, srs_path
        )
        # The file, not the returned object: its commitments are serialised (comparable) points.
        witness = json.loads(witness_path.read_text())
        chain.append(SliceWitness(i, witness_path, witness))
        data = {"input_data": witness["outputs"]}
    return chain


def checked_srs(srs_dir: Path, facts: dict) -> Path:
    """The SRS file a circuit was set up with, in `srs_dir`, checked against its sha256."""
    info = srs.SrsInfo.model_validate(facts["srs"])
    path = srs.srs_file(srs_dir, info.logrows)
    srs.check_srs(path, info)
    return path


def run(art_dir: Path, circuit: dict, spec: IOSpec, inputs: dict[str, np.ndarray]) -> dict:
    """The last slice's outputs for one input, through the chain of witnesses (no proofs)."""
    with tempfile.TemporaryDirectory(prefix="zkc-run-") as tmp:
        chain = witness_chain(art_dir, circuit["slices"], spec, inputs, Path(tmp), srs_dir=None)
    return proving.decode_outputs(chain[-1].witness["outputs"], circuit["output_scales"], spec)


def peak_prove_bytes(logrows: int) -> int:
    """Peak RSS to budget for proving one circuit of this logrows (EZKL_NOTES: 0.34 GB at 15,
    doubling per logrow), with room for the worker process itself."""
    return int(0.34e9 * 2.0 ** (logrows - 15) * 1.5 + 0.3e9)


def prove_job(compiled: str, pk: str, witness: str, srs_path: str, proof_path: str) -> dict:
    """Prove one slice (run in a pool or cluster worker): the proof, seconds, peak RSS."""
    start = time.perf_counter()
    proof = proving.prove(Path(witness), Path(compiled), Path(pk), Path(proof_path), Path(srs_path))
    seconds = time.perf_counter() - start
    return {"proof": proof, "seconds": seconds, "peak_rss_mb": peak_rss_mb(), "pid": os.getpid()}


def prove_jobs(art_dir: Path, circuit: dict, chain: list[SliceWitness], srs_dir: Path, work: Path):
    """The arguments of `prove_job` for each slice (SRS files checked against the manifest)."""
    jobs = []
    for facts, witness in zip(circuit["slices"], chain, strict=True):
        directory = slice_dir(art_dir, facts["index"])
        srs_path = checked_srs(srs_dir, facts)
        jobs.append((str(directory / "model.compiled"), str(directory / "pk.key"), str(witness.path),
                     str(srs_path), str(work / f"proof_{facts['index']:02d}.json")))  # fmt: skip
    return jobs


def verify(
    art_dir: Path, circuit: dict, spec: IOSpec, slice_proofs: list[dict], inputs: dict,
    outputs: dict | None, srs_dir: Path, vk_sha256: list[str],
) -> dict[str, np.ndarray]:  # fmt: skip
    """Check a chain of slice proofs; returns the outputs the last slice commits to.

    Every slice present, in order, each made with that slice's verifying key; every proof
    valid; each link's commitments equal on both sides; the first slice's public inputs are the
    request and the last slice's public outputs the response. VerificationError says which.
    """
    slices = circuit["slices"]
    publics, proofs_bytes = _chain_structure(slices, slice_proofs, vk_sha256)
    first, last = slices[0], slices[-1]
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in inputs.items()}
    if publics[0][: first["public_inputs"]] != proving.input_felts(
        arrays, first["input_scales"], spec
    ):
        raise VerificationError("the first slice's public inputs are not the request's inputs")
    _check_links(circuit["link"], slices, publics, proofs_bytes)
    proved = proving.public_outputs(
        publics[-1][last["public_inputs"] :], last["output_scales"], spec, outputs,
        "the last slice's proof",
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="zkc-verify-") as tmp:
        for facts, entry in zip(slices, slice_proofs, strict=True):
            srs_path = checked_srs(srs_dir, facts)
            directory = slice_dir(art_dir, facts["index"])
            proof_path = Path(tmp) / f"proof_{facts['index']:02d}.json"
            proof_path.write_text(json.dumps(entry["proof"]))
            if not proving.verify(
                proof_path, directory / "settings.json", directory / "vk.key", srs_path
            ):
                raise VerificationError(f"slice {facts['index']}: the EZKL proof does not verify")
    return proved


def _chain_structure(
    slices: list[dict], slice_proofs: list[dict], vk_sha256: list[str]
) -> tuple[list[list], list[bytes]]:
    """Every slice's proof present, in order, for that slice's key, with the circuit's count of
    public values; returns each proof's public values and raw proof bytes."""
    if len(slice_proofs) != len(slices):
        raise VerificationError(f"{len(slice_proofs)} slice proofs for {len(slices)} slices")
    for position, entry in enumerate(slice_proofs):
        if entry.get("index") != position or entry.get("vk_sha256") != vk_sha256[position]:
            raise VerificationError(
                f"slice proof {position} is not for slice {position} of this artifact "
                f"(index {entry.get('index')}, vk {str(entry.get('vk_sha256'))[:12]})"
            )
    publics, proofs_bytes = [], []
    for facts, entry in zip(slices, slice_proofs, strict=True):
        instances = entry["proof"].get("instances")
        if not isinstance(instances, list) or not instances or not isinstance(instances[0], list):
            raise VerificationError(f"slice {facts['index']}: proof has no public instances")
        expected = facts["public_inputs"] + facts["public_outputs"]
        if len(instances[0]) != expected:
            raise VerificationError(
                f"slice {facts['index']}: {len(instances[0])} public values, the circuit has {expected}"
            )
        publics.append(instances[0])
        proofs_bytes.append(bytes(entry["proof"].get("proof") or []))
    return publics, proofs_bytes


def _check_links(link: str, slices: list[dict], publics: list[list], proofs: list[bytes]) -> None:
    """Each link's commitments are equal on both sides: Poseidon hashes in the instances
    (hashed), or the KZG points opening the two proofs (polycommit)."""
    for i in range(len(slices) - 1):
        if link == "hashed":
            sent = publics[i][slices[i]["public_inputs"] :]
            received = publics[i + 1][: slices[i + 1]["public_inputs"]]
        else:
            sent = _points(proofs[i], slices[i]["commitments_in"], slices[i]["commitments_out"])
            received = _points(proofs[i + 1], 0, slices[i + 1]["commitments_in"])
        if not sent or sent != received:
            raise VerificationError(
                f"link {i}->{i + 1} broken: slice {i + 1} was not proved on slice {i}'s output"
            )


POINT_BYTES = 64  # a G1 point in the EVM transcript: x and y, 32 bytes each


def _points(proof: bytes, skip: int, count: int) -> list[bytes]:
    """`count` commitment points after the first `skip` ones at the start of a proof."""
    start = skip * POINT_BYTES
    if count <= 0 or len(proof) < start + count * POINT_BYTES:
        return []
    return [proof[start + k * POINT_BYTES : start + (k + 1) * POINT_BYTES] for k in range(count)]


def link_commitments(witness: dict, side: str, link: str) -> list:
    """What a witness commits to on one side (`processed_inputs`/`processed_outputs`)."""
    processed = witness.get(side) or {}
    if link == "hashed":
        return list(processed.get("poseidon_hash") or [])
    return [point for tensor in processed.get("polycommit") or [] for point in tensor]


def run_many(
    art_dir, facts, spec, evaluation, reporter, srs_dir: Path | None
) -> dict[str, np.ndarray]:
    """Circuit outputs on the evaluation samples through the witness chain. With `srs_dir`
    (after setup) it checks on the first sample that each link's commitments agree (the
    committed tensors match bit for bit) and records how many commitment points each slice's
    proof opens with. Commitments need the verifying keys and SRS files: before setup (a
    scale search), `srs_dir=None` runs without them."""
    check_links = srs_dir is not None
    count = sample_count(evaluation)
    collected: dict[str, list] = {t.name: [] for t in spec.outputs}
    for i in reporter.track(range(count), count, "fidelity (witness chain per held-out sample)"):
        with tempfile.TemporaryDirectory(prefix="zkc-chain-") as tmp:
            sample = {k: v[i] for k, v in evaluation.items()}
            first = i == 0 and check_links
            chain = witness_chain(art_dir, facts["slices"], spec, sample, Path(tmp),
                                  srs_dir if first else None)  # fmt: skip
        if first:
            link = facts["link"]
            for a, b in zip(chain, chain[1:], strict=False):
                sent = link_commitments(a.witness, "processed_outputs", link)
                received = link_commitments(b.witness, "processed_inputs", link)
                if not sent or sent != received:
                    raise ToolError(f"link {a.index}->{b.index}: the {link} commitments differ")
            for s, w in zip(facts["slices"], chain, strict=True):
                # How many commitment points open each slice's proof (polycommit links).
                s["commitments_in"] = len(link_commitments(w.witness, "processed_inputs", link))
                s["commitments_out"] = len(link_commitments(w.witness, "processed_outputs", link))
        outs = proving.decode_outputs(chain[-1].witness["outputs"], facts["output_scales"], spec)
        for name, value in outs.items():
            collected[name].append(value)
    return {name: np.stack(values) for name, values in collected.items()}
