"""KZG SRS files: one per logrows in a shared directory; never downloaded.

A locally generated SRS is insecure (its toxic waste was known to this machine). zkc
generates one only when asked (`--dev-srs`) and marks it with a sidecar file, so every
later compile and package step knows it is a dev SRS.
"""

import os
from pathlib import Path

import ezkl
from pydantic import BaseModel

from zkc.compiler.atomic import write_json_atomic
from zkc.compiler.errors import UserInputError
from zkc.compiler.hashing import sha256_file
from zkc.targets.ezkl._native import call_ezkl

DEFAULT_SRS_DIR = Path("~/.ezkl/srs").expanduser()


class SrsInfo(BaseModel):
    """Which SRS a circuit was set up with."""

    logrows: int
    sha256: str
    insecure_dev: bool


def srs_file(srs_dir: Path, logrows: int) -> Path:
    """The SRS path for a logrows, as SN2 miners keep them: `kzg{logrows}.srs`."""
    return Path(srs_dir) / f"kzg{logrows}.srs"


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".zkc-dev.json")


def find_srs(srs_dir: Path, logrows: int, allow_dev_generate: bool) -> tuple[Path, SrsInfo]:
    """Return the SRS file for `logrows` and its description, generating a dev one if allowed.

    Raises UserInputError when the file is missing and generation was not allowed.
    """
    path = srs_file(srs_dir, logrows)
    if not path.is_file():
        if not allow_dev_generate:
            raise UserInputError(
                f"{path}: no SRS for logrows {logrows}; place a trusted one there "
                "(zkc never downloads), or pass --dev-srs to generate an insecure test SRS"
            )
        _generate(path, logrows)
    return path, SrsInfo(
        logrows=logrows, sha256=sha256_file(path), insecure_dev=_marker(path).exists()
    )


def _generate(path: Path, logrows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        call_ezkl("gen_srs", ezkl.gen_srs, str(tmp), logrows)
        write_json_atomic(_marker(path), {"insecure": True, "generator": "ezkl.gen_srs"})
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def check_srs(path: Path, expected: SrsInfo) -> None:
    """Refuse an SRS file whose hash is not the one the circuit was set up with."""
    if not path.is_file():
        raise UserInputError(f"{path}: SRS for logrows {expected.logrows} not found")
    if sha256_file(path) != expected.sha256:
        raise UserInputError(
            f"{path}: this SRS is not the one the artifact was set up with (sha256 differs)"
        )
