"""Witnesses of a chain of circuits: the first from the request, each next one from the
previous witness's output field elements themselves (not floats), so a tensor crossing
between circuits is bit-for-bit the same on both sides.

With each circuit's verifying key and SRS, the witnesses also carry the commitments of the
committed tensors (polycommit: KZG points; hashed: Poseidon hashes), which the links compare.
"""

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zkc.compiler.data import Samples, sample_count
from zkc.compiler.io_spec import IOSpec
from zkc.compiler.progress import Reporter
from zkc.targets.ezkl import proving
from zkc.targets.ezkl.circuit import COMPILED_FILE


@dataclass(frozen=True)
class CircuitWitness:
    """One circuit's witness file and its contents."""

    index: int
    path: Path
    witness: dict


@dataclass(frozen=True)
class CommitKeys:
    """What a witness needs to compute a circuit's commitments: its vk and its checked SRS."""

    vk: Path
    srs: Path


def witness_chain(
    directories: list[Path], spec: IOSpec, inputs: dict[str, np.ndarray], work: Path,
    keys: list[CommitKeys] | None = None,
) -> list[CircuitWitness]:  # fmt: skip
    """Witnesses of every circuit (in `directories`, in order) for one request.

    Without `keys` no commitment is computed (a search before setup, or outputs only).
    """
    data = proving.to_ezkl_input(inputs, spec)
    chain = []
    for i, directory in enumerate(directories):
        data_path, witness_path = work / f"input_{i:02d}.json", work / f"witness_{i:02d}.json"
        data_path.write_text(json.dumps(data))
        commit = keys[i] if keys is not None else None
        proving.gen_witness(
            data_path, directory / COMPILED_FILE, witness_path,
            commit.vk if commit else None, commit.srs if commit else None,
        )  # fmt: skip
        # The file, not the returned object: its commitments are serialised (comparable) points.
        witness = json.loads(witness_path.read_text())
        chain.append(CircuitWitness(i, witness_path, witness))
        data = {"input_data": witness["outputs"]}
    return chain


def chain_outputs(
    directories: list[Path], output_scales: list[int], spec: IOSpec, samples: Samples,
    reporter: Reporter, what: str = "witness chain per sample",
) -> dict[str, np.ndarray]:  # fmt: skip
    """The last circuit's outputs for every sample (no commitments), stacked per output as
    (samples, *shape)."""
    count = sample_count(samples)
    collected: dict[str, list] = {t.name: [] for t in spec.outputs}
    for i in reporter.track(range(count), count, what):
        with tempfile.TemporaryDirectory(prefix="zkc-chain-") as tmp:
            sample = {k: v[i] for k, v in samples.items()}
            chain = witness_chain(directories, spec, sample, Path(tmp))
        outs = proving.decode_outputs(chain[-1].witness["outputs"], output_scales, spec)
        for name, value in outs.items():
            collected[name].append(value)
    return {name: np.stack(values) for name, values in collected.items()}


def link_commitments(witness: dict, side: str, link: str) -> list:
    """What a witness commits to on one side (`processed_inputs`/`processed_outputs`)."""
    processed = witness.get(side) or {}
    if link == "hashed":
        return list(processed.get("poseidon_hash") or [])
    return [point for tensor in processed.get("polycommit") or [] for point in tensor]
