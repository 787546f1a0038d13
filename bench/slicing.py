"""Slicing benchmark: one monolithic EZKL circuit vs zkc's linked slices, same model, same
scales, same machine, one run.

Per model: setup time, end-to-end prove wall time, peak RSS of the proving process, total pk
size, proof size, verify time and fidelity, for
  - monolithic: the whole model as one circuit, EZKL's calibration at the slices' fixed scale;
  - sliced, inline: every slice proved one after another in one process (`--workers 1`);
  - sliced, pool: slices proved concurrently in local processes (`--workers 2`);
  - sliced, cluster: slices sent to a real dask.distributed LocalCluster of 1 and 2 workers.
Each prove runs in a fresh Python process so its peak RSS (including pool workers) is its own.
From the per-slice prove times the wall time on 2, 4 and 8 cluster workers is projected
(longest-first scheduling of the slice proofs, plus the serial witness chain).

    python bench/slicing.py --out bench/results --srs-dir ~/.ezkl/srs [--models lenet_digits resnet_tiny]
"""

import argparse
import json
import platform
import tempfile
from pathlib import Path

import numpy as np
from _prove import projected, prove_in_subprocess, verify_seconds
from _slicing_report import render
from _zkc import compile_dev

from zkc.compiler.artifacts.manifest import load_manifest
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest
from zkc.model_zoo.export import export_zoo_model

SCALE = 13
# Per model, the slicings measured (one logrows for all slices, as polycommit links need;
# below 15 the 1024^3 decomposition): lenet_digits (one logrows-15 circuit) within 14;
# resnet_tiny (one logrows-17 circuit) within 15 and within 14 (residual blocks cut twice:
# slices carry the skip tensor through).
BUDGETS = {
    "lenet_digits": [{"max_logrows": 14}],
    "resnet_tiny": [{"max_logrows": 15}, {"max_logrows": 14}],
}


def compile_variant(name: str, files, work: Path, srs_dir: Path, **config) -> Path:
    onnx_path, calib, holdout = files
    result = compile_dev(
        srs_dir,
        CompileRequest(
            model_path=onnx_path,
            calibration_path=calib,
            eval_path=holdout,
            output=work / f"{name}.zkc",
            config=CompileConfig(input_scale=SCALE, param_scale=SCALE, **config),
            cache_dir=work / "cache",
        ),
    )
    return result.path


def describe(artifact: Path) -> dict:
    m = load_manifest(artifact)
    provenance = json.loads((artifact / "provenance.json").read_text())
    pk = sum(e.size for n, e in m.files.items() if n.endswith("pk.key"))
    circuits = m.circuit.circuits
    return {
        "circuits": len(circuits),
        "logrows": [s.logrows for s in circuits],
        "rows": [s.num_rows for s in circuits],
        "estimated_logrows": [s.estimated_logrows for s in circuits],
        "setup_seconds": round(provenance["timings"]["setup_seconds"], 2),
        "calibrate_seconds": round(provenance["timings"]["calibrate_seconds"], 2),
        "pk_bytes": pk,
        "top1_agreement": m.fidelity.top1_agreement,
        "max_abs_error": m.fidelity.max_abs_error,
    }


def bench_model(name: str, work: Path, srs_dir: Path, variant: dict) -> dict:
    files = export_zoo_model(
        name, work / f"{name}.onnx", work / f"{name}.calib.npz", work / f"{name}.holdout.npz"
    )
    files = (files.onnx_path, files.calibration_path, files.holdout_path)
    holdout = np.load(files[2])
    sample = {k: holdout[k][0].reshape(-1).tolist() for k in holdout.files if k != "labels"}
    inputs = work / f"{name}.input.json"
    inputs.write_text(json.dumps(sample))
    mono = compile_variant(f"{name}.mono", files, work, srs_dir)
    label = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in variant.items())
    sliced = compile_variant(
        f"{name}.sliced.{label.replace(' ', '_')}", files, work, srs_dir, **variant
    )
    row = {
        "model": name,
        "variant": label,
        "monolithic": describe(mono),
        "sliced": describe(sliced),
    }
    m, s = row["monolithic"], row["sliced"]
    m["prove"] = prove_in_subprocess(mono, inputs, work / "mono.proof.json", srs_dir)
    m["verify_seconds"], m["raw_proof_bytes"], m["proof_file_bytes"] = verify_seconds(
        mono, work / "mono.proof.json", srs_dir
    )
    s["prove_inline"] = prove_in_subprocess(sliced, inputs, work / "s1.proof.json", srs_dir, 1)
    s["prove_pool2"] = prove_in_subprocess(sliced, inputs, work / "s2.proof.json", srs_dir, 2)
    s["verify_seconds"], s["raw_proof_bytes"], s["proof_file_bytes"] = verify_seconds(
        sliced, work / "s2.proof.json", srs_dir
    )
    s["cluster"] = cluster_rows(sliced, inputs, work, srs_dir)
    run = s["prove_inline"]["run"]
    s["projected_cluster_wall_seconds"] = {
        n: round(projected(run["slice_seconds"], run["witness_seconds"], n), 2)
        for n in (1, 2, 4, 8)
    }
    row["ratios"] = ratios(m, s)
    return row


def cluster_rows(sliced: Path, inputs: Path, work: Path, srs_dir: Path) -> dict:
    """The sliced artifact proved on LocalClusters of 1 and 2 workers."""
    from distributed import LocalCluster

    rows = {}
    for n in (1, 2):
        with LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster:
            rows[n] = prove_in_subprocess(
                sliced, inputs, work / f"c{n}.proof.json", srs_dir, 1, cluster.scheduler_address
            )
    return rows


def ratios(m: dict, s: dict) -> dict:
    """Sliced over monolithic: memory, wall time, setup and keys."""
    mono, inline = m["prove"], s["prove_inline"]
    return {
        "peak_rss_sliced_inline_over_mono": _ratio(inline["peak_rss_mb"], mono["peak_rss_mb"]),
        "largest_slice_rss_over_mono_process": _ratio(
            max(s["prove_pool2"]["run"]["slice_peak_rss_mb"]), mono["peak_rss_mb"]
        ),
        "prove_wall_inline_over_mono": _ratio(
            inline["prove_wall_seconds"], mono["prove_wall_seconds"]
        ),
        "prove_wall_pool2_over_mono": _ratio(
            s["prove_pool2"]["prove_wall_seconds"], mono["prove_wall_seconds"]
        ),
        "setup_sliced_over_mono": _ratio(s["setup_seconds"], m["setup_seconds"]),
        "pk_sliced_over_mono": _ratio(s["pk_bytes"], m["pk_bytes"]),
    }


def _ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    parser.add_argument("--models", nargs="+", default=list(BUDGETS))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="zkc-bench-slicing-") as tmp:
        for name in args.models:
            for variant in BUDGETS[name]:
                rows.append(bench_model(name, Path(tmp), args.srs_dir.expanduser(), variant))
                print(json.dumps(rows[-1], indent=1), flush=True)
    result = {
        "rows": rows,
        "host": {"machine": platform.machine(), "cpus": __import__("os").cpu_count()},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "slicing.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "slicing.md").write_text(render(rows))
    print(render(rows))


if __name__ == "__main__":
    main()
