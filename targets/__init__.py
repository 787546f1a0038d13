"""zkc.targets: proof backends behind one protocol (zkc.compiler.target.protocol.Target), one explicit
registry of them, and the packaging and distribution of what they build (subnet, registry)."""

from collections.abc import Callable
from pathlib import Path


def _ezkl(srs_dir: Path | None = None, allow_dev_srs: bool = False):
    from zkc.targets.ezkl import DEFAULT_SRS_DIR
    from zkc.targets.ezkl.target import EzklTarget

    return EzklTarget(srs_dir=srs_dir or DEFAULT_SRS_DIR, allow_dev_srs=allow_dev_srs)


TARGETS: dict[str, Callable] = {"ezkl": _ezkl}


def make_target(name: str, srs_dir: Path | None = None, allow_dev_srs: bool = False):
    """Construct a registered target by name (its backend is imported only when asked for).

    `srs_dir`: where its KZG parameters live (None: the target's default)."""
    from zkc.compiler.errors import UserInputError

    if name not in TARGETS:
        raise UserInputError(f"unknown target '{name}' (known: {', '.join(TARGETS)})")
    return TARGETS[name](srs_dir=srs_dir, allow_dev_srs=allow_dev_srs)


def open_artifact(path: Path, srs_dir: Path | None = None):
    """An artifact directory, checked against its manifest, with the target that built it
    (a zkc.compiler.driver.runtime.CompiledArtifact)."""
    from zkc.compiler.artifacts.manifest import load_verified
    from zkc.compiler.driver.runtime import CompiledArtifact

    manifest = load_verified(Path(path))
    target = make_target(manifest.target, srs_dir)
    return CompiledArtifact(path, target, manifest.key, manifest.io, manifest.circuit, manifest)
