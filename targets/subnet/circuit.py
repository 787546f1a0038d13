"""The loader miners prove with: `Circuit.load(artifact_or_package)`, then `prove` per request.

Loading checks every file once (artifact manifest, or package checksums and id), finds
pk.key and the SRS, and keeps what proving needs; a request then only runs the witness
and the proof.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zkc.compiler import artifact as art
from zkc.compiler.data import inputs_from_doc
from zkc.compiler.errors import ArtifactError, UserInputError
from zkc.compiler.hashing import sha256_file
from zkc.compiler.io_spec import IOSpec
from zkc.targets import make_target
from zkc.targets.subnet.checks import refuse_sliced
from zkc.targets.subnet.lock import (
    LOCK_FILE,
    InputRange,
    PackageLock,
    check_ranges,
    input_ranges,
    load_lock,
)
from zkc.targets.subnet.metadata import SubnetMetadata

DEFAULT_SRS_DIR = Path("~/.ezkl/srs")


@dataclass(frozen=True)
class ProofResult:
    """One proved request: decoded outputs, EZKL's proof, its public instances, prove time."""

    outputs: dict[str, np.ndarray]
    proof: dict
    instances: list[list[str]]
    seconds: float


class Circuit:
    """A compiled circuit ready to prove: files verified, pk.key and SRS located."""

    def __init__(
        self, directory: Path, pk_path: Path, circuit_id: str, artifact_key: str,
        spec: IOSpec, facts: dict, ranges: dict[str, InputRange], srs_dir: Path,
    ):  # fmt: skip
        self.directory = Path(directory)
        self.pk_path = Path(pk_path)
        self.circuit_id = circuit_id
        self.artifact_key = artifact_key
        self.spec = spec
        self.facts = facts
        self.ranges = ranges
        self.target = make_target("ezkl", Path(srs_dir).expanduser())
        self.srs_path = self.target.srs_for(facts)

    @classmethod
    def load(
        cls, path: Path | str, pk_path: Path | None = None, srs_dir: Path = DEFAULT_SRS_DIR,
        download_pk: bool = False,
    ) -> "Circuit":  # fmt: skip
        """Open a `.zkc` artifact or a subnet package directory (`model_<id>/`).

        With `download_pk`, a package whose pk.key is nowhere local fetches it from
        metadata.json's `external_files["pk.key"]` into the package directory, refusing bytes
        whose sha256 is not the lock's (and, for a registry blob URL, not the URL's digest).

        Refuses (ArtifactError / UserInputError naming the file) any file whose hash does not
        match, a package whose vk.key is not its id, a missing pk.key or SRS.
        """
        path = Path(path)
        if (path / art.MANIFEST).is_file():
            manifest = art.load_verified(path)
            refuse_sliced(manifest, str(path))
            return cls(
                path, pk_path or path / "pk.key", manifest.files["vk.key"].sha256,
                manifest.key, manifest.io, manifest.circuit,
                input_ranges(path / art.CALIBRATION_FILE, manifest.io), srs_dir,
            )  # fmt: skip
        if (path / LOCK_FILE).is_file():
            lock = _verified_package(path)
            pk = _locate_pk(path, lock, pk_path, download_pk)
            return cls(
                path, pk, lock.circuit_id, lock.artifact_key, lock.io, lock.circuit,
                lock.ranges, srs_dir,
            )  # fmt: skip
        if not path.is_dir():
            raise UserInputError(f"{path}: no such artifact or package directory")
        raise UserInputError(f"{path}: neither a zkc artifact (manifest.json) nor a zkc package")

    def inputs(self, doc: Any, source: str = "request") -> dict[str, np.ndarray]:
        """Check and shape one request's inputs (by name, or EZKL's `input_data` list).

        UserInputError naming the input for a wrong shape, NaN, or a value outside the
        calibrated range (which the circuit's range checks may not hold).
        """
        arrays = inputs_from_doc(doc, self.spec, source)
        check_ranges(arrays, self.ranges, source)
        return arrays

    def prove(self, inputs: dict[str, Any]) -> ProofResult:
        """Prove one inference. `inputs` maps input names to (flat or shaped) values."""
        arrays = self.inputs(inputs)
        proof, outputs, seconds = self.target.prove(
            self.directory, self.facts, self.spec, arrays, self.pk_path, self.srs_path
        )
        return ProofResult(outputs, proof, proof["instances"], seconds)

    def verify(self, proof: dict, inputs: dict[str, Any]) -> dict[str, np.ndarray]:
        """Verify a proof for these inputs as a validator does; returns the proved outputs.

        Raises VerificationError when the inputs are not the proof's, or the proof is invalid.
        """
        arrays = inputs_from_doc(inputs, self.spec, "inputs")
        return self.target.verify(
            self.directory, self.facts, self.spec, proof, arrays, srs_path=self.srs_path
        )


def _verified_package(path: Path) -> PackageLock:
    lock = load_lock(path)
    if path.name != f"model_{lock.circuit_id}":
        raise ArtifactError(f"{path}: directory name is not model_<id> for id {lock.circuit_id}")
    vk = path / "vk.key"
    if not vk.is_file() or sha256_file(vk) != lock.circuit_id:
        raise ArtifactError(f"{path / 'vk.key'}: missing, or its sha256 is not the circuit id")
    for name, entry in lock.files.items():
        art.check_file(path / name, entry, "package")
    SubnetMetadata.model_validate(json.loads((path / "metadata.json").read_text()))
    return lock


def _locate_pk(path: Path, lock: PackageLock, pk_path: Path | None, download: bool) -> Path:
    """pk.key: given, in the package directory (a miner's cache), in `external/<id>/`, or
    (with `download`) fetched from the metadata's URL and checked by digest."""
    candidates = (
        [Path(pk_path)]
        if pk_path
        else [path / "pk.key", path.parent.parent / "external" / lock.circuit_id / "pk.key"]
    )
    for candidate in candidates:
        if candidate.is_file():
            art.check_file(candidate, lock.external_files["pk.key"], "package")
            return candidate
    if download and not pk_path:
        from zkc.targets.registry.blob_url import download_checked

        url = json.loads((path / "metadata.json").read_text())["external_files"]["pk.key"]
        entry = lock.external_files["pk.key"]
        download_checked(url, path / "pk.key", f"sha256:{entry.sha256}", entry.size)
        return path / "pk.key"
    raise UserInputError(
        f"{path}: no pk.key (looked in {', '.join(map(str, candidates))}); pass its path"
    )
