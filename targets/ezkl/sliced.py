"""Sliced circuits: witnesses chained slice to slice, slice proofs, and linked verification.

Links are EZKL `hashed` visibility: a slice's outputs that cross a cut are public Poseidon
hashes, and the next slice hashes its inputs the same way. The next slice's witness is made
from the previous witness's output field elements themselves (not floats), and the slices
share one scale, so the committed tensor is bit-for-bit the same on both sides of a cut:
the two hashes are equal exactly when the tensors are.

Instances of slice i (one row): its inputs (felts for the first slice, one hash per crossing
tensor otherwise), then its outputs (felts for the last slice, one hash per crossing tensor
otherwise).
"""

import json
import os
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zkc.compiler.data import sample_count, to_ezkl_input
from zkc.compiler.errors import ToolError, VerificationError
from zkc.compiler.io_spec import IOSpec
from zkc.targets.ezkl import proving, srs
from zkc.targets.ezkl._native import call_ezkl

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
    with_vk: bool = True,
) -> list[SliceWitness]:  # fmt: skip
    """Witnesses of every slice for one request: slice 0 from the inputs, each next slice from
    the previous witness's output field elements."""
    import ezkl

    data = to_ezkl_input(inputs, spec)
    chain = []
    for facts in slices:
        i = facts["index"]
        directory = slice_dir(art_dir, i)
        data_path, witness_path = work / f"input_{i:02d}.json", work / f"witness_{i:02d}.json"
        data_path.write_text(json.dumps(data))
        witness = call_ezkl(
            "gen_witness", ezkl.gen_witness, str(data_path), str(directory / "model.compiled"),
            str(witness_path), vk_path=str(directory / "vk.key") if with_vk else None,
        )  # fmt: skip
        chain.append(SliceWitness(i, witness_path, witness))
        data = {"input_data": witness["outputs"]}
    return chain


def run(art_dir: Path, circuit: dict, spec: IOSpec, inputs: dict[str, np.ndarray]) -> dict:
    """The last slice's outputs for one input, through the chain of witnesses (no proofs)."""
    with tempfile.TemporaryDirectory(prefix="zkc-run-") as tmp:
        chain = witness_chain(art_dir, circuit["slices"], spec, inputs, Path(tmp), with_vk=False)
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
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"proof": proof, "seconds": seconds, "peak_rss_mb": peak_kb / 1024, "pid": os.getpid()}


def prove_jobs(art_dir: Path, circuit: dict, chain: list[SliceWitness], srs_dir: Path, work: Path):
    """The arguments of `prove_job` for each slice (SRS files checked against the manifest)."""
    jobs = []
    for facts, witness in zip(circuit["slices"], chain, strict=True):
        directory = slice_dir(art_dir, facts["index"])
        info = srs.SrsInfo.model_validate(facts["srs"])
        srs_path = srs.srs_file(srs_dir, info.logrows)
        srs.check_srs(srs_path, info)
        jobs.append((str(directory / "model.compiled"), str(directory / "pk.key"), str(witness.path),
                     str(srs_path), str(work / f"proof_{facts['index']:02d}.json")))  # fmt: skip
    return jobs


def verify(
    art_dir: Path, circuit: dict, spec: IOSpec, slice_proofs: list[dict], inputs: dict,
    outputs: dict | None, srs_dir: Path, vk_sha256: list[str],
) -> dict[str, np.ndarray]:  # fmt: skip
    """Check a chain of slice proofs; returns the outputs the last slice commits to.

    Every slice present, in order, each made with that slice's verifying key; every proof
    valid; each link's hashes equal on both sides; the first slice's public inputs are the
    request and the last slice's public outputs the response. VerificationError says which.
    """
    slices = circuit["slices"]
    if len(slice_proofs) != len(slices):
        raise VerificationError(f"{len(slice_proofs)} slice proofs for {len(slices)} slices")
    for position, entry in enumerate(slice_proofs):
        if entry.get("index") != position or entry.get("vk_sha256") != vk_sha256[position]:
            raise VerificationError(
                f"slice proof {position} is not for slice {position} of this artifact "
                f"(index {entry.get('index')}, vk {str(entry.get('vk_sha256'))[:12]})"
            )
    publics = []
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
    first, last = slices[0], slices[-1]
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in inputs.items()}
    if publics[0][: first["public_inputs"]] != proving.input_felts(
        arrays, first["input_scales"], spec
    ):
        raise VerificationError("the first slice's public inputs are not the request's inputs")
    for i in range(len(slices) - 1):
        out_hashes = publics[i][slices[i]["public_inputs"] :]
        in_hashes = publics[i + 1][: slices[i + 1]["public_inputs"]]
        if out_hashes != in_hashes:
            raise VerificationError(
                f"link {i}->{i + 1} broken: slice {i + 1} was not proved on slice {i}'s output"
            )
    felts = publics[-1][last["public_inputs"] :]
    per_output, pos = [], 0
    for tensor in spec.outputs:
        per_output.append(felts[pos : pos + tensor.size])
        pos += tensor.size
    proved = proving.decode_outputs(per_output, last["output_scales"], spec)
    for name, value in proved.items() if outputs is not None else ():
        claimed = np.asarray(outputs.get(name, []), dtype=np.float64)
        if claimed.shape != value.shape or not np.array_equal(claimed, value):
            raise VerificationError(
                f"output '{name}' is not what the last slice's proof commits to"
            )
    with tempfile.TemporaryDirectory(prefix="zkc-verify-") as tmp:
        for facts, entry in zip(slices, slice_proofs, strict=True):
            info = srs.SrsInfo.model_validate(facts["srs"])
            srs_path = srs.srs_file(srs_dir, info.logrows)
            srs.check_srs(srs_path, info)
            directory = slice_dir(art_dir, facts["index"])
            proof_path = Path(tmp) / f"proof_{facts['index']:02d}.json"
            proof_path.write_text(json.dumps(entry["proof"]))
            if not proving.verify(
                proof_path, directory / "settings.json", directory / "vk.key", srs_path
            ):
                raise VerificationError(f"slice {facts['index']}: the EZKL proof does not verify")
    return proved


def run_many(art_dir, facts, spec, evaluation, reporter) -> dict[str, np.ndarray]:
    """Circuit outputs on the evaluation samples through the witness chain, checking on the
    first that each link's hashes agree (the committed tensors match bit for bit)."""
    count = sample_count(evaluation)
    collected: dict[str, list] = {t.name: [] for t in spec.outputs}
    for i in reporter.track(range(count), count, "fidelity (witness chain per held-out sample)"):
        with tempfile.TemporaryDirectory(prefix="zkc-chain-") as tmp:
            sample = {k: v[i] for k, v in evaluation.items()}
            chain = witness_chain(art_dir, facts["slices"], spec, sample, Path(tmp), with_vk=i == 0)
        if i == 0:
            for a, b in zip(chain, chain[1:], strict=False):
                out_hash = a.witness.get("processed_outputs", {}).get("poseidon_hash")
                in_hash = b.witness.get("processed_inputs", {}).get("poseidon_hash")
                if not out_hash or out_hash != in_hash:
                    raise ToolError(f"link {a.index}->{b.index}: the committed hashes differ "
                                    f"({out_hash} vs {in_hash})")  # fmt: skip
        outs = proving.decode_outputs(chain[-1].witness["outputs"], facts["output_scales"], spec)
        for name, value in outs.items():
            collected[name].append(value)
    return {name: np.stack(values) for name, values in collected.items()}
