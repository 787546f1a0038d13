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


def _common(d: dict) -> str:
    return f"{d['circuits']} ({', '.join(map(str, d['logrows']))}) | {d['setup_seconds']} | "


def _tail(d: dict) -> str:
    return (
        f"{d['pk_bytes'] / 1e6:.1f} | {d['proof_file_bytes']} ({d['raw_proof_bytes']}) | "
        f"{d['verify_seconds']} | {d['top1_agreement']:.2%} | {d['max_abs_error']:.4g} |"
    )


def render(rows: list[dict]) -> str:
    lines = [
        "# Slicing: monolithic EZKL circuit vs zkc linked slices (same scales, same run)",
        "",
        "| model | variant | circuits (logrows) | setup s | prove wall s | peak RSS MB | pk MB | proof bytes (raw) | verify s | top-1 | max abs err |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        m, s = r["monolithic"], r["sliced"]
        lines.append(
            f"| {r['model']} | monolithic | {_common(m)}{m['prove']['prove_wall_seconds']} | "
            f"{m['prove']['peak_rss_mb']} | {_tail(m)}"
        )
        for label, key in (
            (f"sliced {r['variant']}, inline", "prove_inline"),
            (f"sliced {r['variant']}, 2-process pool", "prove_pool2"),
        ):
            lines.append(
                f"| {r['model']} | {label} | {_common(s)}{s[key]['prove_wall_seconds']} | "
                f"{s[key]['peak_rss_mb']} | {_tail(s)}"
            )
        for n, c in s["cluster"].items():
            lines.append(
                f"| {r['model']} | sliced {r['variant']}, LocalCluster {n} worker(s) | {_common(s)}"
                f"{c['prove_wall_seconds']} | - | {_tail(s)}"
            )
    lines += [
        "",
        "## Ratios (sliced / monolithic) and projected cluster wall time",
        "",
        "| model | slicing | peak RSS (inline) | largest slice-process RSS (pool) | prove wall (inline) | capacity Σ2^k / 2^k | prove wall (pool 2) | setup | pk | per-slice prove s | projected wall s on 1/2/4/8 workers |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        q, s = r["ratios"], r["sliced"]
        proj = " / ".join(str(v) for v in s["projected_cluster_wall_seconds"].values())
        per = ", ".join(f"{x:.1f}" for x in s["prove_inline"]["run"]["slice_seconds"])
        lines.append(
            f"| {r['model']} | {r['variant']} | {q['peak_rss_sliced_inline_over_mono']} | {q['largest_slice_rss_over_mono_process']} | "
            f"{q['prove_wall_inline_over_mono']} | {capacity(r)} | {q['prove_wall_pool2_over_mono']} | "
            f"{q['setup_sliced_over_mono']} | {q['pk_sliced_over_mono']} | {per} | {proj} |"
        )
    lines += ["", WALL_TIME_NOTE]
    return "\n".join(lines) + "\n"


WALL_TIME_NOTE = """\
On one machine the prove wall time follows the circuits' total capacity Σ2^logrows (EZKL's
cost is set by each circuit's power of two, and one proof already uses both cores): compare
the 'prove wall (inline)' and 'capacity' columns. A split does not remove rows (it adds
boundary rows, and the 1024^3 decomposition below logrows 15 adds ~19%), and the monolithic
circuit sits in the smallest power of two that holds its rows, so it is more than half full
unless the decomposition's floor (logrows 15) set its size. So the slices' capacity is more
than half the monolithic circuit's, and on one machine sliced/monolithic wall time cannot go
much below 0.5 (per row, a smaller circuit saves only its FFTs' log factor, e.g. 14/17) even
with perfectly packed slices; this run's slicings measured 1.02 at best. Below 0.5 takes
more machines (the projected cluster column)."""


def capacity(row: dict) -> float:
    """Total 2^logrows of the slices over the monolithic circuit's."""
    sliced = sum(2**k for k in row["sliced"]["logrows"])
    return round(sliced / sum(2**k for k in row["monolithic"]["logrows"]), 2)


def rerender(out: Path) -> None:
    """Rewrite slicing.md from slicing.json (no measurement)."""
    rows = json.loads((out / "slicing.json").read_text())["rows"]
    (out / "slicing.md").write_text(render(rows))


if __name__ == "__main__":
    main()
