"""What a miner serves: `load_circuit(artifact_or_package)` checks every file once, finds
pk.key and the SRS, and returns the compiled chain (zkc.compiler.driver.runtime.CompiledArtifact,
the one load-and-prove class) with the circuit's subnet id and the calibrated input ranges a
request must fall in.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.download import download_checked
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.compiler.data.samples import inputs_from_doc
from zkc.compiler.driver.runtime import CompiledArtifact, ProofResult
from zkc.compiler.errors import ArtifactError, UserInputError
from zkc.compiler.target.protocol import Target
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

PK_FILE = "pk.key"


@dataclass(frozen=True)
class ServedCircuit:
    """A circuit ready to prove: the checked chain, its subnet id (sha256 of vk.key), where its
    pk.key is, and each input's calibrated range."""

    artifact: CompiledArtifact
    circuit_id: str
    pk_path: Path | None
    ranges: dict[str, InputRange]
    timeout: float | None = None  # seconds a validator waits (metadata.json), when it says

    @property
    def sliced(self) -> bool:
        return self.artifact.facts.sliced

    @property
    def spec(self):
        return self.artifact.spec

    def inputs(self, doc: Any, source: str = "request") -> dict[str, np.ndarray]:
        """Check and shape one request's inputs (by name, or EZKL's `input_data` list).

        UserInputError naming the input for a wrong shape, NaN, or a value outside the
        calibrated range (which the circuit's range checks may not hold).
        """
        arrays = inputs_from_doc(doc, self.spec, source)
        check_ranges(arrays, self.ranges, source)
        return arrays

    def warmup_inputs(self) -> dict[str, list] | None:
        """The first calibration sample the artifact or package carries (None without one)."""
        path = self.artifact.path / art.CALIBRATION_FILE
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            if not all(t.name in data for t in self.spec.inputs):
                return None
            return {
                t.name: np.asarray(data[t.name][0]).reshape(t.shape).tolist()
                for t in self.spec.inputs
            }

    def prove(self, doc: Any) -> ProofResult:
        """Prove one checked request in this process (a subnet circuit is one EZKL circuit)."""
        return self.artifact.prove(self.inputs(doc), workers=1)

    def verify(self, proof: dict, doc: Any) -> dict[str, np.ndarray]:
        """Verify an EZKL proof of these inputs as a validator does; returns the proved outputs.
        VerificationError when the inputs are not the proof's, or the proof is invalid."""
        return self.artifact.verify_proofs([proof], inputs_from_doc(doc, self.spec, "inputs"))


def load_circuit(
    path: Path | str,
    pk_path: Path | None = None,
    srs_dir: Path | None = None,
    download_pk: bool = False,
    allow_sliced: bool = False,
    verify_only: bool = False,
) -> ServedCircuit:
    """Open a `.zkc` artifact or a subnet package directory (`model_<id>/`).

    With `download_pk`, a package whose pk.key is nowhere local fetches it from
    metadata.json's `external_files["pk.key"]` into the package directory, refusing bytes
    whose sha256 is not the lock's (and, for a registry blob URL, not the URL's digest).

    Refuses (ArtifactError / UserInputError naming the file) any file whose hash does not
    match, a package whose vk.key is not its id, a missing pk.key or SRS; and a sliced
    artifact unless `allow_sliced` (zkc's own server proves one; a subnet package cannot hold
    one). A sliced artifact's id is the digest over its pieces' verifying keys.
    `verify_only`: a validator's copy, with no pk.key to find (it can only verify).
    """
    path, target = Path(path), make_target("ezkl", srs_dir)
    if (path / art.MANIFEST).is_file():
        served = _served_artifact(path, target, pk_path, allow_sliced)
    elif (path / LOCK_FILE).is_file():
        served = _served_package(path, target, pk_path, download_pk, verify_only)
    elif not path.is_dir():
        raise UserInputError(f"{path}: no such artifact or package directory")
    else:
        raise UserInputError(f"{path}: neither a zkc artifact (manifest.json) nor a zkc package")
    for circuit in served.artifact.facts.circuits:  # the SRS is checked once, at load
        target.srs.checked(circuit.srs)
    return served


def _served_artifact(
    path: Path, target: Target, pk_path: Path | None, allow_sliced: bool
) -> ServedCircuit:
    """A `.zkc` artifact, checked against its manifest; its id is the first circuit's vk
    digest, or for a sliced one the digest over its pieces' verifying keys."""
    manifest = art.load_verified(path)
    if not allow_sliced:
        refuse_sliced(manifest, str(path))
    pk = Path(pk_path or path / PK_FILE)
    located = {} if manifest.circuit.sliced else {PK_FILE: pk}
    artifact = CompiledArtifact(
        path, target, manifest.key, manifest.io, manifest.circuit, manifest, located
    )
    ranges = input_ranges(path / art.CALIBRATION_FILE, manifest.io)
    circuit_id = manifest.circuit.first.vk_sha256
    if manifest.circuit.sliced:
        circuit_id = artifact.vk_digest()
    return ServedCircuit(artifact, circuit_id, pk, ranges)


def _served_package(
    path: Path, target: Target, pk_path: Path | None, download_pk: bool, verify_only: bool
) -> ServedCircuit:
    """A subnet package directory, checked against its lock, with its pk.key located (none
    for `verify_only`) and the validator's timeout from metadata.json."""
    lock = verified_package(path)
    pk = None if verify_only else _locate_pk(path, lock, pk_path, download_pk)
    artifact = CompiledArtifact(
        path,
        target,
        lock.artifact_key,
        lock.io,
        lock.circuit,
        located={PK_FILE: pk} if pk else {},
    )
    timeout = json.loads((path / "metadata.json").read_text()).get("timeout")
    return ServedCircuit(artifact, lock.circuit_id, pk, lock.ranges, timeout)


def verified_package(path: Path) -> PackageLock:
    """A package's lock, after checking its directory name, vk.key (the id) and every file."""
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
        else [path / PK_FILE, path.parent.parent / "external" / lock.circuit_id / PK_FILE]
    )
    for candidate in candidates:
        if candidate.is_file():
            art.check_file(candidate, lock.external_files[PK_FILE], "package")
            return candidate
    if download and not pk_path:
        url = json.loads((path / "metadata.json").read_text())["external_files"][PK_FILE]
        entry = lock.external_files[PK_FILE]
        download_checked(url, path / PK_FILE, f"sha256:{entry.sha256}", entry.size)
        return path / PK_FILE
    raise UserInputError(
        f"{path}: no pk.key (looked in {', '.join(map(str, candidates))}); pass its path"
    )


def circuit_paths(paths: list[Path]) -> list[Path]:
    """The circuits under each path: the path itself when it is an artifact or a package,
    else every artifact or package directly inside it (a deployment layer of `model_<id>/`
    directories, or a folder of `.zkc` artifacts), sorted. UserInputError when none."""
    found = []
    for path in map(Path, paths):
        if _is_circuit(path):
            found.append(path)
            continue
        if not path.is_dir():
            raise UserInputError(f"{path}: no such artifact, package or directory")
        inside = sorted(p for p in path.iterdir() if p.is_dir() and _is_circuit(p))
        if not inside:
            raise UserInputError(f"{path}: holds no zkc artifact (manifest.json) or package")
        found += inside
    return found


def _is_circuit(path: Path) -> bool:
    return (path / art.MANIFEST).is_file() or (path / LOCK_FILE).is_file()
