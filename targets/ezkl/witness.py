"""Witnesses of the pieces of an artifact, in proving order: a piece reading the request gets
its parts' values, a piece reading another piece's output gets that witness's output field
elements themselves (not floats), so a part crossing between pieces is bit-for-bit the same
on both sides.

With each circuit's verifying key and SRS, the witnesses also carry the commitments of the
committed tensors (polycommit: KZG points; hashed: Poseidon hashes), which the links compare.
"""

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zkc.compiler.artifacts.facts import PieceFacts
from zkc.compiler.data.samples import Samples, sample_count
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.compiler.progress import Reporter
from zkc.compiler.target.chain import cut_part, paste_part
from zkc.targets.ezkl import proving
from zkc.targets.ezkl.circuit import COMPILED_FILE

# Piece witnesses (pieces x samples) from which the held-out run spreads over every core.
SPREAD_WITNESSES = 500


@dataclass(frozen=True)
class CircuitWitness:
    """One piece's witness file and its contents."""

    index: int
    path: Path
    witness: dict


@dataclass(frozen=True)
class CommitKeys:
    """What a witness needs to compute a circuit's commitments: its vk and its checked SRS."""

    vk: Path
    srs: Path


@dataclass(frozen=True)
class Runnable:
    """The pieces to run and where each one's circuit is (by circuit index)."""

    pieces: list[PieceFacts]
    directories: list[Path]


def _input_data(piece: PieceFacts, request: dict[str, np.ndarray], written: dict) -> list:
    """The piece's EZKL input data: request parts as floats, or earlier outputs' felts."""
    data = []
    for part in piece.inputs:
        key = (part.tensor, tuple(part.box))
        if key in written:
            data.append(written[key])
        elif part.tensor in request:
            data.append(cut_part(request[part.tensor], part).reshape(-1).astype(float).tolist())
        else:
            raise ToolError(f"piece {piece.index}: nothing wrote {part.tensor} {part.box}")
    return data


def witness_dag(
    run: Runnable,
    spec: IOSpec,
    inputs: dict[str, np.ndarray],
    work: Path,
    keys: list[CommitKeys] | None = None,
) -> list[CircuitWitness]:
    """Witnesses of every piece for one request (`keys` by circuit index; without them no
    commitment is computed: a search before setup, or outputs only)."""
    request = {t.name: np.asarray(inputs[t.name]).reshape(t.shape) for t in spec.inputs}
    written: dict[tuple, list] = {}
    chain = []
    for piece in run.pieces:
        i = piece.index
        data_path, witness_path = work / f"input_{i:03d}.json", work / f"witness_{i:03d}.json"
        data_path.write_text(json.dumps({"input_data": _input_data(piece, request, written)}))
        commit = keys[piece.circuit] if keys is not None else None
        proving.gen_witness(
            data_path,
            run.directories[piece.circuit] / COMPILED_FILE,
            witness_path,
            commit.vk if commit else None,
            commit.srs if commit else None,
        )
        # The file, not the returned object: its commitments are serialised (comparable) points.
        witness = json.loads(witness_path.read_text())
        chain.append(CircuitWitness(i, witness_path, witness))
        for part, felts in zip(piece.outputs, witness["outputs"], strict=True):
            written[(part.tensor, tuple(part.box))] = felts
    return chain


def response(
    run: Runnable, chain: list[CircuitWitness], output_scales: list[list[int]], spec: IOSpec
) -> dict[str, np.ndarray]:
    """The model outputs the pieces write, decoded from their witnesses (`output_scales` by
    circuit index)."""
    outputs = {t.name: np.zeros(t.shape, dtype=np.float64) for t in spec.outputs}
    for piece, witness in zip(run.pieces, chain, strict=True):
        scales = output_scales[piece.circuit]
        for j, part in enumerate(piece.outputs):
            if part.tensor in outputs:
                values = [
                    proving.felt_to_float(f, scales[j]) for f in witness.witness["outputs"][j]
                ]
                paste_part(outputs[part.tensor], part, np.asarray(values))
    return outputs


def dag_outputs(
    run: Runnable,
    output_scales: list[list[int]],
    spec: IOSpec,
    samples: Samples,
    reporter: Reporter,
    what: str = "witnesses per sample",
) -> dict[str, np.ndarray]:
    """The model outputs for every sample (no commitments), stacked as (samples, *shape)."""
    count = sample_count(samples)
    collected: dict[str, list] = {t.name: [] for t in spec.outputs}
    for i in reporter.track(range(count), count, what):
        with tempfile.TemporaryDirectory(prefix="zkc-chain-") as tmp:
            chain = witness_dag(run, spec, {k: v[i] for k, v in samples.items()}, Path(tmp))
        for name, value in response(run, chain, output_scales, spec).items():
            collected[name].append(value)
    return {name: np.stack(values) for name, values in collected.items()}


def commitments(witness: dict, side: str, link: str) -> list[list]:
    """What a witness commits to on one side (`processed_inputs`/`processed_outputs`), per
    tensor: KZG points (polycommit) or one Poseidon hash (hashed)."""
    processed = witness.get(side) or {}
    if link == "hashed":
        return [[value] for value in processed.get("poseidon_hash") or []]
    return [list(tensor) for tensor in processed.get("polycommit") or []]


def _outputs_job(art_dir: str, facts_json: str, spec_json: str, chunk: dict) -> dict:
    """The model outputs of a chunk of samples (a pool or cluster job)."""
    from zkc.compiler.artifacts.facts import ChainFacts

    facts = ChainFacts.model_validate_json(facts_json)
    spec = IOSpec.model_validate_json(spec_json)
    run = Runnable(facts.pieces, [Path(art_dir) / c.directory for c in facts.circuits])
    scales = [c.output_scales for c in facts.circuits]
    return dag_outputs(run, scales, spec, chunk, Reporter())


def run_spread(
    art_dir: Path, facts, spec: IOSpec, samples: Samples, runner
) -> dict[str, np.ndarray]:
    """`dag_outputs` with the samples split among the runner's workers; locally, when there
    are at least SPREAD_WITNESSES piece witnesses to make, one per core (a witness keeps one
    core busy where a proof keeps two; fewer are not worth starting processes for)."""
    from zkc.compiler.compute.runners import one_core_workers, run_jobs

    count = sample_count(samples)
    witnesses = count * len(facts.pieces)
    workers = one_core_workers(runner.workers, runner.scheduler, witnesses, SPREAD_WITNESSES)
    parts = max(1, min(count, (workers if not runner.scheduler else 8) * 2))
    bounds = np.linspace(0, count, parts + 1).astype(int)
    jobs = [
        (
            str(art_dir),
            facts.model_dump_json(),
            spec.model_dump_json(),
            {k: v[a:b] for k, v in samples.items()},
        )
        for a, b in zip(bounds, bounds[1:], strict=False)
        if b > a
    ]
    chunks = run_jobs(_outputs_job, jobs, workers, runner.scheduler)
    return {t.name: np.concatenate([c[t.name] for c in chunks]) for t in spec.outputs}
