"""EZKL's own row counts for a model (gen_settings only: no calibration, no keys)."""

import json
import tempfile
from pathlib import Path

import ezkl

from zkc.compiler.errors import ToolError
from zkc.targets.ezkl._native import call_ezkl


def circuit_rows(
    model_path: Path,
    decomp_base: int,
    decomp_legs: int,
    input_visibility: str = "public",
    output_visibility: str = "public",
    scale: int = 13,
) -> tuple[int, int]:
    """(`num_rows`, Poseidon chip rows) of the circuit EZKL lays out with these settings."""
    args = ezkl.PyRunArgs()
    # ezkl 23's stubs declare PyRunArgs without its fields; they exist at run time.
    args.input_visibility = input_visibility  # type: ignore[attr-defined]
    args.output_visibility = output_visibility  # type: ignore[attr-defined]
    args.param_visibility = "fixed"  # type: ignore[attr-defined]
    args.decomp_base, args.decomp_legs = decomp_base, decomp_legs  # type: ignore[attr-defined]
    args.input_scale = args.param_scale = scale  # type: ignore[attr-defined]
    args.variables = [("batch_size", 1)]  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory(prefix="zkc-rows-") as tmp:
        settings = Path(tmp) / "settings.json"
        call_ezkl("gen_settings", ezkl.gen_settings, str(model_path), str(settings), args)
        if not settings.is_file():
            raise ToolError(f"{model_path}: EZKL could not generate settings")
        doc = json.loads(settings.read_text())
    poseidon = doc.get("module_sizes", {}).get("poseidon") or [0]
    return int(doc["num_rows"]), int(poseidon[0])
