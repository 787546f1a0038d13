"""EZKL run args from the compile config, settings generation and calibration over many samples."""

import json
from pathlib import Path

import ezkl
import numpy as np

from zkc.compiler.errors import ToolError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.targets.ezkl._native import call_ezkl
from zkc.targets.ezkl.canonical import write_settings
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.shared_logrows import table_floor


def run_args(config: EzklConfig) -> "ezkl.PyRunArgs":
    """EZKL run args for a config: visibilities, columns, fixed scales if given."""
    args = ezkl.PyRunArgs()
    # ezkl 23's stubs declare PyRunArgs without its fields; they exist at run time.
    args.input_visibility = config.input_visibility  # type: ignore[attr-defined]
    args.output_visibility = config.output_visibility  # type: ignore[attr-defined]
    args.param_visibility = config.param_visibility  # type: ignore[attr-defined]
    args.num_inner_cols = config.num_inner_cols  # type: ignore[attr-defined]
    args.decomp_base = config.decomp_base  # type: ignore[attr-defined]
    args.decomp_legs = config.decomp_legs  # type: ignore[attr-defined]
    args.variables = [("batch_size", config.batch_size)]  # type: ignore[attr-defined]
    if config.input_scale is not None:
        args.input_scale = config.input_scale  # type: ignore[attr-defined]
    if config.param_scale is not None:
        args.param_scale = config.param_scale  # type: ignore[attr-defined]
    return args


def write_calibration_data(path: Path, samples: dict[str, np.ndarray], spec: IOSpec) -> None:
    """EZKL's calibration file: per input one flat list of all samples, which EZKL splits into batches."""
    data = [samples[t.name].reshape(-1).astype(float).tolist() for t in spec.inputs]
    path.write_text(json.dumps({"input_data": data}))


def generate_and_calibrate(
    model_path: Path, settings_path: Path, calibration_path: Path, config: EzklConfig
) -> dict:
    """Generate settings, calibrate them on the calibration file, and write them canonically
    (zkc.targets.ezkl.canonical); returns them.

    Scales are searched unless the config fixes them.
    """
    call_ezkl(
        "gen_settings", ezkl.gen_settings, str(model_path), str(settings_path), run_args(config)
    )
    if not settings_path.is_file():
        # EZKL reports success without writing settings for some ops it does not know.
        raise ToolError(f"{model_path}: EZKL could not generate circuit settings for this model")
    fixed = {}
    if config.input_scale is not None:
        # One scale and rebase multiplier: calibration then only sizes the lookups and logrows.
        fixed = {"scales": [config.input_scale], "scale_rebase_multiplier": [1]}
    call_ezkl(
        "calibrate_settings",
        ezkl.calibrate_settings,
        str(calibration_path),
        str(model_path),
        str(settings_path),
        config.calibration_target,
        max_logrows=config.max_logrows,
        **fixed,
    )
    return write_settings(json.loads(settings_path.read_text()), settings_path)


def set_logrows(settings_path: Path, logrows: int) -> dict:
    """Set a calibrated circuit's logrows to the one its chain shares (circuits linked by
    polycommit share one: a commitment depends on the column length). Below its calibrated
    logrows EZKL lays it out in more columns, but never below its largest table's column;
    returns the settings."""
    settings = json.loads(settings_path.read_text())
    if logrows < table_floor(settings):
        raise ValueError(
            f"{settings_path}: logrows {logrows} < its tables' {table_floor(settings)}"
        )
    settings["run_args"]["logrows"] = logrows
    return write_settings(settings, settings_path)
