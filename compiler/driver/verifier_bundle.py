"""Verifier bundles: what a verifier of an artifact's proofs needs and nothing more.

A bundle is an artifact directory whose manifest (same key, same facts: links, commitment
rules, the weights' commitment, fidelity) lists only the files the target's verification
reads (for EZKL: each circuit's settings and verifying key). No proving keys, no model
files (so no weights), no calibration or evaluation samples. `zkc verify` and
`zkc.load(DIR).verify(...)` take it as they take the artifact; proving and running refuse it.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from zkc.compiler.artifacts.atomic import atomic_directory
from zkc.compiler.artifacts.manifest import VERIFIER, hash_files, write_manifest
from zkc.compiler.driver.runtime import CompiledArtifact
from zkc.compiler.errors import ArtifactError


@dataclass
class VerifierBundle:
    """A written bundle: where, which files, and its size against the artifact's."""

    path: Path
    files: list[str]
    bytes: int
    artifact_bytes: int


def export_verifier(compiled: CompiledArtifact, output: Path) -> VerifierBundle:
    """Write the verifier bundle of an (already checked) artifact to `output`, atomically."""
    manifest = compiled.manifest
    if manifest is None:
        raise ArtifactError(f"{compiled.path}: has no manifest to export a verifier from")
    names = sorted(compiled.target.verifier_files(compiled.facts))
    missing = [n for n in names if n not in manifest.files]
    if missing:
        raise ArtifactError(f"{compiled.path}: the manifest lists no {missing[0]}")
    output = Path(output)
    if output.resolve() == Path(compiled.path).resolve():
        raise ArtifactError(f"{output}: is the artifact itself; choose another directory")
    with atomic_directory(output) as tmp:
        for name in names:
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(compiled.path) / name, tmp / name)
        bundle = manifest.model_copy(update={"kind": VERIFIER, "files": hash_files(tmp, names)})
        write_manifest(tmp, bundle)
    size = sum(e.size for e in bundle.files.values()) + (output / "manifest.json").stat().st_size
    whole = sum(e.size for e in manifest.files.values())
    return VerifierBundle(output, names, size, whole)
