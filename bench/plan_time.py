"""`zkc plan` on ImageNet-size architectures: the ONNX package's `light_*` models (real
architectures with light weights, under onnx/backend/test/data/light), each planned within
`--max-logrows 17` in a fresh process: wall time, peak RSS, slices, pieces, distinct circuits,
rows over the unsplit estimate and capacity over rows, or the one-line refusal (an op the
EZKL target has no rule for, or a node no tile of which fits).

    python bench/plan_time.py --out bench/results [--max-logrows 17]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import onnx
from _results import host, write_results

LIGHT = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"


def plan_one(path: Path, max_logrows: int) -> dict:
    """One `zkc plan --json` in a child process: its wall time and peak RSS (os.wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zkc.cli",
                "plan",
                str(path),
                "--max-logrows",
                str(max_logrows),
                "--json",
            ],
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = round(time.perf_counter() - start, 1)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    row = {
        "model": path.stem,
        "wall_seconds": wall,
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "exit_code": child.returncode,
    }
    if child.returncode != 0:
        lines = stderr.strip().splitlines()
        return {**row, "refused": lines[-1] if lines else "(no message)"}
    report = json.loads(stdout)
    return {
        **row,
        "slices": len(report["slices"]),
        "pieces": report["pieces"],
        "distinct_circuits": len(report["circuits"]),
        "rows_over_unsplit": round(report["piece_rows"] / report["unsplit_rows"], 3),
        "capacity_over_rows": round(report["capacity"] / report["piece_rows"], 3),
        "plan_seconds": report["plan_seconds"],
    }


def render(rows: list[dict], max_logrows: int) -> str:
    lines = [
        f"# zkc plan on onnx's light_* architectures (--max-logrows {max_logrows}, this machine)",
        "",
        "| model | wall s | peak RSS MB | slices | pieces | distinct circuits | "
        "rows / unsplit | sum 2^k / rows | refused |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['wall_seconds']} | {r['peak_rss_mb']} | "
            f"{r.get('slices', '')} | "
            f"{r.get('pieces', '')} | {r.get('distinct_circuits', '')} | "
            f"{r.get('rows_over_unsplit', '')} | {r.get('capacity_over_rows', '')} | "
            f"{r.get('refused', '')} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--max-logrows", type=int, default=17)
    args = parser.parse_args()
    models = sorted(LIGHT.glob("light_*.onnx"))
    if not models:
        raise SystemExit(f"bench/plan_time.py: no light_*.onnx under {LIGHT}")
    rows = []
    for path in models:
        rows.append(plan_one(path, args.max_logrows))
        print(json.dumps(rows[-1]), flush=True)
    result = {"host": host(), "max_logrows": args.max_logrows, "models": rows}
    write_results(args.out, "plan_time", result, render(rows, args.max_logrows))


if __name__ == "__main__":
    main()
