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
    args.input_visibility, args.output_visibility = input_visibility, output_visibility
    args.param_visibility = "fixed"
    args.decomp_base, args.decomp_legs = decomp_base, decomp_legs
    args.input_scale = args.param_scale = scale
    args.variables = [("batch_size", 1)]
    with tempfile.TemporaryDirectory(prefix="zkc-rows-") as tmp:
        settings = Path(tmp) / "settings.json"
        call_ezkl("gen_settings", ezkl.gen_settings, str(model_path), str(settings), args)
        if not settings.is_file():
            raise ToolError(f"{model_path}: EZKL could not generate settings")
        doc = json.loads(settings.read_text())
    poseidon = doc.get("module_sizes", {}).get("poseidon") or [0]
    return int(doc["num_rows"]), int(poseidon[0])
