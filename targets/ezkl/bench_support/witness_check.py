"""Run a model through EZKL's witness only (settings, calibration, compiled circuit; no keys).

Used to measure whether an op compiles and computes what onnxruntime computes, without
the cost of setup and proving.
"""

import shutil
import tempfile
from pathlib import Path

import numpy as np

from zkc.compiler.data.samples import Samples
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.targets.ezkl import circuit, proving
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.settings import generate_and_calibrate, write_calibration_data


def witness_outputs(
    model_path: Path,
    samples: Samples,
    spec: IOSpec,
    config: EzklConfig,
    measure: Samples | None = None,
) -> tuple[dict[str, np.ndarray], dict]:
    """Calibrate on `samples`, then the circuit's outputs for every sample of `measure`
    (default: `samples`), stacked as (samples, *shape); and the calibrated settings.

    Raises ToolError when EZKL cannot generate settings, compile, or build a witness
    (EZKL panics are turned into ToolError too).
    """
    with tempfile.TemporaryDirectory(prefix="zkc-witness-") as tmp:
        work = Path(tmp)
        try:
            shutil.copyfile(model_path, work / circuit.MODEL_FILE)
            write_calibration_data(work / "calib.json", samples, spec)
            settings = generate_and_calibrate(
                work / circuit.MODEL_FILE, work / circuit.SETTINGS_FILE, work / "calib.json", config
            )
            circuit.compile_circuit(work)
            measure = samples if measure is None else measure
            count = len(next(iter(measure.values())))
            collected: dict[str, list] = {t.name: [] for t in spec.outputs}
            for i in range(count):
                _, witness = proving.generate_witness(
                    work / circuit.COMPILED_FILE, {k: v[i] for k, v in measure.items()}, spec, work
                )
                decoded = proving.decode_outputs(
                    witness["outputs"], settings["model_output_scales"], spec
                )
                for name, value in decoded.items():
                    collected[name].append(value)
        except BaseException as exc:
            # pyo3 turns a Rust panic into PanicException, a BaseException.
            if isinstance(exc, (KeyboardInterrupt, SystemExit, ToolError)):
                raise
            raise ToolError(f"EZKL failed: {type(exc).__name__}: {str(exc)[:200]}") from exc
    return {k: np.stack(v) for k, v in collected.items()}, settings
