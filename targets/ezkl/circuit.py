"""Compile the calibrated circuit and run setup (proving and verifying keys)."""

from pathlib import Path

import ezkl

from zkc.targets.ezkl._native import call_ezkl


def compile_circuit(model_path: Path, settings_path: Path, compiled_path: Path) -> None:
    """`ezkl compile-circuit`: the model and settings become `model.compiled`."""
    call_ezkl(
        "compile_circuit",
        ezkl.compile_circuit,
        str(model_path),
        str(compiled_path),
        str(settings_path),
    )


def setup_keys(compiled_path: Path, vk_path: Path, pk_path: Path, srs_path: Path) -> None:
    """`ezkl setup` against an SRS of exactly the circuit's logrows (a larger one is much slower)."""
    call_ezkl(
        "setup", ezkl.setup, str(compiled_path), str(vk_path), str(pk_path), srs_path=str(srs_path)
    )
