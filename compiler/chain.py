"""What the compiler hands a target to build (a chain of circuit models), and what a target
returns when it proves one inference (zkc.targets.base.Target)."""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zkc.compiler.config import CompileConfig
from zkc.compiler.data import Samples
from zkc.compiler.hashing import sha256_bytes
from zkc.compiler.io_spec import IOSpec
from zkc.compiler.partition import SlicePlan


@dataclass(frozen=True)
class CircuitModel:
    """One circuit to build: its ONNX model (`directory/model.onnx`), io and the float inputs
    reaching it on every calibration sample, shaped (samples, *shape)."""

    plan: SlicePlan
    directory: Path
    relative: str  # the directory inside the artifact ("." or "slices/NN")
    spec: IOSpec
    calibration: Samples


@dataclass(frozen=True)
class EmitRequest:
    """Everything a target needs to build an artifact's chain of circuits."""

    art_dir: Path
    circuits: list[CircuitModel]
    cost_key: str | None  # the planned way of building (None: the target's default)
    config: CompileConfig
    spec: IOSpec  # the whole model's
    evaluation: Samples  # held-out inputs (a fidelity budget is searched on them)
    reference: dict[str, np.ndarray]  # onnxruntime's outputs on `evaluation`


@dataclass(frozen=True)
class ChainProof:
    """Proofs of one inference, one per circuit in order, the outputs they commit to, and
    what proving took (provenance: wall seconds, per-circuit seconds and peak memory)."""

    proofs: list[dict]
    outputs: dict[str, np.ndarray]
    run: dict = field(default_factory=dict)


def chain_vk_digest(vk_digests: list[str]) -> str:
    """What a proof names as its verifying key: the one vk.key's sha256, or for a longer chain
    the sha256 over the circuits' ones in order."""
    if len(vk_digests) == 1:
        return vk_digests[0]
    return sha256_bytes("\n".join(vk_digests).encode())
