"""Artifacts: a directory of files plus `manifest.json` (hashed content) and `provenance.json`.

The manifest holds nothing random, timestamped or host-specific; such facts (timings,
host, paths) go to provenance.json, which no hash covers.
"""

import contextlib
import fcntl
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from zkc.compiler.artifacts.atomic import atomic_directory
from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.compiler.data.fidelity import FidelityReport
from zkc.compiler.errors import ArtifactError, UserInputError
from zkc.compiler.ir.io_spec import IOSpec

SCHEMA_VERSION = 3  # 3: typed circuit facts (a chain of circuits), reproducible builds
MANIFEST = "manifest.json"
PROVENANCE = "provenance.json"
# The calibration and evaluation samples the artifact was built and measured with.
CALIBRATION_FILE = "calibration.npz"
EVAL_FILE = "eval.npz"
# What a manifest's directory holds: a whole artifact, or a verifier bundle (settings and
# verifying keys only: zkc.compiler.driver.verifier_bundle).
ARTIFACT = "artifact"
VERIFIER = "verifier"


class FileEntry(BaseModel):
    """Hash and size of one artifact file."""

    sha256: str
    size: int


class PassLogEntry(BaseModel):
    """One pass as run: the hashed part of the pass log."""

    name: str
    version: int
    modified: bool
    digest: str
    stood_aside: str | None = None  # why the pass did not apply to this model


class Manifest(BaseModel):
    """What an artifact is, made of, and how well it computes."""

    schema_version: int = SCHEMA_VERSION
    key: str
    zkc_version: str
    tools: dict[str, str]
    source: dict[str, str | None]
    config: dict[str, Any]
    pipeline: str
    passes: list[PassLogEntry]
    io: IOSpec
    target: str
    circuit: ChainFacts
    fidelity: FidelityReport
    files: dict[str, FileEntry]
    kind: str = ARTIFACT  # or VERIFIER


def hash_files(directory: Path, names: list[str]) -> dict[str, FileEntry]:
    """Hash and size of each named file in a directory."""
    return {
        name: FileEntry(
            sha256=sha256_file(directory / name), size=(directory / name).stat().st_size
        )
        for name in sorted(names)
    }


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Write manifest.json (sorted keys, stable formatting)."""
    text = json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
    (directory / MANIFEST).write_text(text)


def load_manifest(directory: Path) -> Manifest:
    """Read an artifact's manifest; UserInputError naming the path when absent or malformed."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not directory.is_dir():
        raise UserInputError(f"{directory}: no such artifact directory")
    if not path.is_file():
        raise ArtifactError(f"{path}: missing; {directory} is not a zkc artifact")
    try:
        doc = json.loads(path.read_text())
        version = doc.get("schema_version") if isinstance(doc, dict) else None
        if isinstance(version, int) and version != SCHEMA_VERSION:
            raise ArtifactError(
                f"{path}: schema version {version}, this zkc reads {SCHEMA_VERSION}; "
                "recompile the model"
            )
        return Manifest.model_validate(doc)
    except (ValidationError, ValueError) as exc:
        raise ArtifactError(f"{path}: malformed manifest ({str(exc).splitlines()[0]})") from exc


def verify_files(directory: Path, manifest: Manifest) -> None:
    """Check every file against the manifest's size and sha256; ArtifactError naming the file."""
    if manifest.schema_version != SCHEMA_VERSION:
        raise ArtifactError(
            f"{directory / MANIFEST}: schema version {manifest.schema_version}, "
            f"this zkc reads {SCHEMA_VERSION}"
        )
    for name, entry in manifest.files.items():
        check_file(Path(directory) / name, entry, "manifest")


def check_file(path: Path, entry: FileEntry, listed_in: str) -> None:
    """ArtifactError naming the file unless it exists with the listed size and sha256."""
    if not path.is_file():
        raise ArtifactError(f"{path}: missing file (listed in the {listed_in})")
    if path.stat().st_size != entry.size or sha256_file(path) != entry.sha256:
        raise ArtifactError(
            f"{path}: does not match the {listed_in}'s sha256 (corrupted or modified)"
        )


def load_verified(directory: Path) -> Manifest:
    """Load a manifest and check every file against it."""
    manifest = load_manifest(directory)
    verify_files(directory, manifest)
    return manifest


class ArtifactStore:
    """A directory of artifacts keyed by content key: `<root>/artifacts/<key>/` (the build cache)."""

    def __init__(self, root: Path):
        self.root = Path(root).expanduser()

    def path(self, key: str) -> Path:
        """Where the artifact with this key lives."""
        return self.root / "artifacts" / key

    def lookup(self, key: str) -> Manifest | None:
        """The stored artifact's manifest if present and intact, else None (a broken entry is dropped)."""
        path = self.path(key)
        if not path.is_dir():
            return None
        try:
            manifest = load_verified(path)
        except UserInputError:
            shutil.rmtree(path, ignore_errors=True)
            return None
        return manifest if manifest.key == key else None

    @contextlib.contextmanager
    def locked(self, key: str, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Held while one process looks up, builds and copies the entry for `key`: a second
        compile of the same artifact waits (`on_wait` says so), then finds it in the cache.
        The operating system releases the lock of a process that dies."""
        locks = self.root / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"{key}.lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def building(self, key: str) -> AbstractContextManager[Path]:
        """Context manager yielding a temp directory that becomes the entry for `key` on success."""
        return atomic_directory(self.path(key))


def copy_artifact(source: Path, destination: Path) -> None:
    """Copy an artifact directory to `destination` atomically (replacing what was there)."""
    with atomic_directory(Path(destination)) as tmp:
        for item in sorted(Path(source).iterdir()):
            if item.is_file():
                shutil.copy2(item, tmp / item.name)
            elif item.is_dir():  # a sliced artifact's slices/NN/
                shutil.copytree(item, tmp / item.name)
