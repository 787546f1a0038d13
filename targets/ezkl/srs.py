"""KZG SRS files: one per logrows in a shared directory; never downloaded.

A locally generated SRS is insecure (its toxic waste was known to this machine). zkc
generates one only when asked (`--dev-srs`) and marks it with a sidecar file, so every
later compile and package step knows it is a dev SRS.
"""

import fcntl
import os
from pathlib import Path

import ezkl

from zkc.compiler.artifacts.atomic import write_json_atomic
from zkc.compiler.artifacts.facts import SrsFacts
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.compiler.errors import UserInputError
from zkc.targets.ezkl._native import call_ezkl


def srs_file(srs_dir: Path, logrows: int) -> Path:
    """The SRS path for a logrows, as SN2 miners keep them: `kzg{logrows}.srs`."""
    return Path(srs_dir).expanduser() / f"kzg{logrows}.srs"


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".zkc-dev.json")


def find_srs(srs_dir: Path, logrows: int, allow_dev_generate: bool) -> tuple[Path, SrsFacts]:
    """Return the SRS file for `logrows` and its description, generating a dev one if allowed.

    Raises UserInputError when the file is missing and generation was not allowed.
    """
    path = srs_file(Path(srs_dir).expanduser(), logrows)
    if not path.is_file():
        if not allow_dev_generate:
            raise UserInputError(
                f"{path}: no SRS for logrows {logrows}; place a trusted one there "
                "(zkc never downloads), or pass --dev-srs to generate an insecure test SRS"
            )
        _generate(path, logrows)
    return path, SrsFacts(
        logrows=logrows, sha256=sha256_file(path), insecure_dev=_marker(path).exists()
    )


def _generate(path: Path, logrows: int) -> None:
    """Generate a dev SRS under an exclusive lock: each generation is random, so two processes
    racing to create one file would replace the SRS the first had already set up keys with."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():  # made by another process while this one waited
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            call_ezkl("gen_srs", ezkl.gen_srs, str(tmp), logrows)
            write_json_atomic(_marker(path), {"insecure": True, "generator": "ezkl.gen_srs"})
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def check_srs(path: Path, expected: SrsFacts) -> None:
    """Refuse an SRS file whose hash is not the one the circuit was set up with."""
    if not path.is_file():
        raise UserInputError(f"{path}: SRS for logrows {expected.logrows} not found")
    if sha256_file(path) != expected.sha256:
        raise UserInputError(
            f"{path}: this SRS is not the one the artifact was set up with (sha256 differs)"
        )


class SrsDirectory:
    """A directory of SRS files, each checked against the sha256 a circuit was set up with once
    (and again only when the file changes): a prover loads once and proves many times."""

    def __init__(self, path: Path):
        self.path = Path(path).expanduser()
        self._checked: dict[Path, tuple[str, int, int] | None] = {}

    def checked(self, expected: SrsFacts) -> Path:
        """The SRS file for these facts; UserInputError when missing or another SRS."""
        path = srs_file(self.path, expected.logrows)
        stat = path.stat() if path.is_file() else None
        state = (expected.sha256, stat.st_mtime_ns, stat.st_size) if stat else None
        if state is None or self._checked.get(path) != state:
            check_srs(path, expected)
            self._checked[path] = state
        return path
