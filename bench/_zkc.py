"""What the benchmarks share: compiling and opening artifacts with a dev SRS directory."""

from pathlib import Path

from zkc.compiler.driver.compile import CompileRequest, CompileResult, compile_model
from zkc.targets import make_target, open_artifact


def compile_dev(srs_dir: Path, request: CompileRequest) -> CompileResult:
    """Compile with the EZKL target, generating missing SRS files (insecure: benchmarks only)."""
    return compile_model(request, make_target("ezkl", srs_dir, allow_dev_srs=True))


def open_dev(path: Path, srs_dir: Path):
    """An artifact with its target, SRS files from `srs_dir`."""
    return open_artifact(path, srs_dir)
