"""EZKL's own flow on a model, as its users run it, for benchmarks beside zkc's: settings with
public input and output and fixed parameters, `calibrate_settings` for resources, compile,
setup, witness and prove, every path explicit. Each step runs in the process that calls it, so
a benchmark runs `prepare` and `prove` in child processes to read their peak memory:

    python -m zkc.targets.ezkl.bench_support.plain_flow prepare MODEL CALIB.npz WORK SRS_DIR
    python -m zkc.targets.ezkl.bench_support.plain_flow prove WORK SAMPLES.npz

Each prints one JSON line of its figures."""

import json
import sys
import time
from pathlib import Path

import ezkl
import numpy as np

from zkc.compiler.compute.runners import peak_rss_mb
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.ir.model_io import load_model
from zkc.targets.ezkl import proving
from zkc.targets.ezkl._native import call_ezkl
from zkc.targets.ezkl.settings import write_calibration_data
from zkc.targets.ezkl.srs import find_srs


def prepare(model: Path, calibration: Path, work: Path, srs_dir: Path) -> dict:
    """Settings, calibration (resources), compiled circuit, keys; their seconds and logrows."""
    work.mkdir(parents=True, exist_ok=True)
    spec = io_spec(load_model(model))
    with np.load(calibration) as data:
        samples = {t.name: data[t.name] for t in spec.inputs}
    write_calibration_data(work / "calibration.json", samples, spec)
    args = ezkl.PyRunArgs()
    args.input_visibility, args.output_visibility = "public", "public"  # type: ignore[attr-defined]
    args.param_visibility = "fixed"  # type: ignore[attr-defined]
    # a dynamic batch axis is fixed to 1 by name, as an EZKL user does for a torch export
    args.variables = [("batch", 1), ("batch_size", 1)]  # type: ignore[attr-defined]
    settings = work / "settings.json"
    start = time.perf_counter()
    call_ezkl("gen_settings", ezkl.gen_settings, str(model), str(settings), args)
    call_ezkl(
        "calibrate_settings",
        ezkl.calibrate_settings,
        str(work / "calibration.json"),
        str(model),
        str(settings),
        "resources",
    )
    calibrate = time.perf_counter() - start
    logrows = json.loads(settings.read_text())["run_args"]["logrows"]
    srs, _ = find_srs(srs_dir, logrows, allow_dev_generate=True)
    start = time.perf_counter()
    compiled = work / "model.compiled"
    call_ezkl("compile_circuit", ezkl.compile_circuit, str(model), str(compiled), str(settings))
    call_ezkl(
        "setup", ezkl.setup, str(compiled), str(work / "vk.key"), str(work / "pk.key"), str(srs)
    )
    (work / "srs_path").write_text(str(srs))
    return {
        "logrows": logrows,
        "calibrate_s": round(calibrate, 1),
        "setup_s": round(time.perf_counter() - start, 1),
        "prepare_peak_mb": round(peak_rss_mb(), 1),
    }


def prove(model: Path, work: Path, samples_path: Path) -> dict:
    """The first sample proved (wall, peak memory) and verified; every sample's witness against
    onnxruntime (max |error|)."""
    spec = io_spec(load_model(model))
    settings = json.loads((work / "settings.json").read_text())
    scales = settings["model_output_scales"]
    srs = Path((work / "srs_path").read_text())
    with np.load(samples_path) as data:
        samples = {t.name: data[t.name] for t in spec.inputs}
    reference = ReferenceRunner(load_model(model))
    error, wall, verified = 0.0, 0.0, False
    for i in range(len(next(iter(samples.values())))):
        one = {k: v[i : i + 1] for k, v in samples.items()}
        path, witness = proving.generate_witness(work / "model.compiled", one, spec, work)
        got = proving.decode_outputs(witness["outputs"], scales, spec)
        want = reference.run(one)
        error = max(error, max(float(np.abs(got[k] - want[k]).max()) for k in want))
        if i == 0:
            start = time.perf_counter()
            proving.prove(path, work / "model.compiled", work / "pk.key", work / "proof.json", srs)
            wall = time.perf_counter() - start
            verified = proving.verify(
                work / "proof.json", work / "settings.json", work / "vk.key", srs
            )
    return {
        "prove_s": round(wall, 2),
        "prove_peak_mb": round(peak_rss_mb(), 1),
        "verified": verified,
        "max_abs_error": error,
    }


def main(argv: list[str]) -> None:
    step, *rest = argv
    if step == "prepare":
        model, calibration, work, srs_dir = map(Path, rest)
        print(json.dumps(prepare(model, calibration, work, srs_dir)))
    else:
        model, work, samples = map(Path, rest)
        print(json.dumps(prove(model, work, samples)))


if __name__ == "__main__":
    main(sys.argv[1:])
