"""Compile the calibrated circuit and run setup (proving and verifying keys)."""

import json
from pathlib import Path

import ezkl

from zkc.targets.ezkl._native import call_ezkl
from zkc.targets.ezkl.canonical import canonicalise_compiled

MODEL_FILE = "model.onnx"
SETTINGS_FILE = "settings.json"
COMPILED_FILE = "model.compiled"
VK_FILE = "vk.key"
PK_FILE = "pk.key"
# What the target writes beside a circuit's model.onnx.
CIRCUIT_FILES = (SETTINGS_FILE, COMPILED_FILE, VK_FILE, PK_FILE)


def compile_circuit(directory: Path) -> None:
    """`ezkl compile-circuit`: `model.onnx` and `settings.json` (canonical) become
    `model.compiled`, rewritten in canonical form."""
    settings_path = directory / SETTINGS_FILE
    call_ezkl(
        "compile_circuit",
        ezkl.compile_circuit,
        str(directory / MODEL_FILE),
        str(directory / COMPILED_FILE),
        str(settings_path),
    )
    canonicalise_compiled(directory / COMPILED_FILE, json.loads(settings_path.read_text()))


def setup_keys(directory: Path, srs_path: Path) -> None:
    """`ezkl setup` against an SRS of exactly the circuit's logrows (a larger one is much slower)."""
    call_ezkl(
        "setup",
        ezkl.setup,
        str(directory / COMPILED_FILE),
        str(directory / VK_FILE),
        str(directory / PK_FILE),
        srs_path=str(srs_path),
    )
