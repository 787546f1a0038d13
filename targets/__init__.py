"""zkc.targets: proof backends behind one protocol (zkc.compiler.target.protocol.Target), one
explicit registry of them, and the packaging and distribution of what they build (subnet,
registry). A new backend is a folder `targets/<name>/` with a class implementing the protocol,
and one entry in TARGETS (docs/targets.md)."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    from zkc.compiler.driver.runtime import CompiledArtifact
    from zkc.compiler.target.protocol import Target
    from zkc.targets.ezkl.target import EzklTarget

# A target's factory: (SRS or parameters directory or None for its default, allow a locally
# generated insecure SRS) -> the target. Its backend is imported only when asked for.
TargetFactory = Callable[[Path | None, bool], "Target"]


def _ezkl(srs_dir: Path | None, allow_dev_srs: bool) -> "Target":
    from zkc.targets.ezkl import DEFAULT_SRS_DIR
    from zkc.targets.ezkl.target import EzklTarget

    return EzklTarget(srs_dir=srs_dir or DEFAULT_SRS_DIR, allow_dev_srs=allow_dev_srs)


TARGETS: dict[str, TargetFactory] = {"ezkl": _ezkl}


# By its literal name, a target is typed as its class (the subnet proves with EZKL's SRS).
@overload
def make_target(
    name: Literal["ezkl"], srs_dir: Path | None = None, allow_dev_srs: bool = False
) -> "EzklTarget": ...


@overload
def make_target(
    name: str, srs_dir: Path | None = None, allow_dev_srs: bool = False
) -> "Target": ...


def make_target(name: str, srs_dir: Path | None = None, allow_dev_srs: bool = False) -> "Target":
    """Construct a registered target by name.

    `srs_dir`: where its KZG parameters live (None: the target's default)."""
    from zkc.compiler.errors import UserInputError

    if name not in TARGETS:
        raise UserInputError(f"unknown target '{name}' (known: {', '.join(TARGETS)})")
    return TARGETS[name](srs_dir, allow_dev_srs)


def open_artifact(path: Path, srs_dir: Path | None = None) -> "CompiledArtifact":
    """An artifact directory, checked against its manifest, with the target that built it."""
    from zkc.compiler.artifacts.manifest import load_verified
    from zkc.compiler.driver.runtime import CompiledArtifact

    manifest = load_verified(Path(path))
    target = make_target(manifest.target, srs_dir)
    return CompiledArtifact(path, target, manifest.key, manifest.io, manifest.circuit, manifest)


def evm_tools() -> tuple[Any, Any, Any, Any]:
    """The EZKL target's EVM modules (build, local EVM, verify, calldata), for the API."""
    from zkc.targets.ezkl.evm import build, calldata, local, verify

    return build, local, verify, calldata
