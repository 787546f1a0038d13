"""zkc-package.json: checksums and circuit facts that let a loader refuse a tampered package.

The subnet's own format checks only the directory id (sha256 of vk.key); this file adds a
sha256 for every file, pk.key included, and what proving needs (shapes, scales, SRS).
"""

from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.artifacts.manifest import FileEntry
from zkc.compiler.errors import ArtifactError, UserInputError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.passes.add_nonce import NONCE_INPUT

# Values may stray this far outside the calibrated range (a fraction of its span).
RANGE_SLACK = 0.25
LOCK_FILE = "zkc-package.json"
LOCK_FORMAT = "zkc-subnet-package/2"  # 2: typed circuit facts


class InputRange(BaseModel):
    """The calibrated value range of one input (what generate() draws from)."""

    low: float
    high: float


class BuildRecord(BaseModel):
    """How an artifact was built (what `zkc audit` rebuilds): the model's sha256, the config,
    how its held-out samples were chosen, and, for an artifact rebuilt from another one's
    model (the nonce input added), that one's record."""

    model_sha256: str
    config: dict
    eval_source: str
    derived_from: "BuildRecord | None" = None


class PackageLock(BaseModel):
    """What a zkc-built subnet package contains and was built from."""

    format: str = LOCK_FORMAT
    circuit_id: str
    artifact_key: str
    build: BuildRecord
    io: IOSpec
    circuit: ChainFacts
    ranges: dict[str, InputRange]
    files: dict[str, FileEntry]
    external_files: dict[str, FileEntry]


def load_lock(directory: Path) -> PackageLock:
    """Read a package's zkc-package.json; ArtifactError naming the file when absent or malformed."""
    path = Path(directory) / LOCK_FILE
    if not path.is_file():
        raise ArtifactError(f"{path}: missing; not a package built by zkc")
    try:
        lock = PackageLock.model_validate_json(path.read_text())
    except (ValidationError, ValueError) as exc:
        raise ArtifactError(f"{path}: malformed ({str(exc).splitlines()[0]})") from exc
    if lock.format != LOCK_FORMAT:
        raise ArtifactError(f"{path}: format '{lock.format}', this zkc reads '{LOCK_FORMAT}'")
    return lock


def input_ranges(calibration_path: Path, spec: IOSpec) -> dict[str, InputRange]:
    """Per input, the calibrated value range (the nonce's is [0, 1) by construction)."""
    ranges = {}
    with np.load(calibration_path, allow_pickle=False) as data:
        for tensor in spec.inputs:
            if tensor.name == NONCE_INPUT:
                ranges[tensor.name] = InputRange(low=0.0, high=1.0)
                continue
            values = data[tensor.name]
            ranges[tensor.name] = InputRange(low=float(values.min()), high=float(values.max()))
    return ranges


def check_ranges(inputs: dict[str, np.ndarray], ranges: dict[str, InputRange], source: str) -> None:
    """UserInputError naming the input when a value lies outside its calibrated range (+ slack)."""
    for name, values in inputs.items():
        bounds = ranges[name]
        margin = (bounds.high - bounds.low) * RANGE_SLACK
        low, high = bounds.low - margin, bounds.high + margin
        outside = (values < low) | (values > high)
        if outside.any():
            value = float(values[outside].reshape(-1)[0])
            raise UserInputError(
                f"{source}: input '{name}' value {value} outside [{low:g}, {high:g}]"
            )
