"""Prove cost by form: a convolution as is against the same convolution lowered to patches
times its kernel matrix (EZKL proves the product with Freivalds' argument), each set up at the
same logrows with its rows below 2^logrows, each step in a child process.

Writes bench/results/prove_cost.{json,md} and targets/ezkl/prove_cost.json: the factors the
planner weighs a lowered circuit's prove time and peak memory by (the median over logrows of
lowered / conv at equal logrows).

    python bench/prove_cost.py --out bench/results --srs-dir DIR
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _results import host, write_results

from zkc.targets.ezkl.cost_model import PROVE_COST_FILE

# logrows -> the convolution's output side that keeps its direct form's rows below 2^logrows
POINTS = {15: 4, 16: 5, 17: 8}


def run(form: str, logrows: int, size: int, work: Path, srs_dir: Path) -> dict:
    module = "zkc.targets.ezkl.bench_support.prove_cost"
    args = [form, str(logrows), str(size), str(work / f"{form}{logrows}"), str(srs_dir)]
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{form} at logrows {logrows} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def markdown(rows: list[dict], factors: dict) -> str:
    lines = [
        "# Prove cost by form: Conv against patches x kernel matrix (Freivalds), one run",
        "",
        "| logrows | form | rows | setup s | prove s | proving key MB | peak RSS MB | verified |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['logrows']} | {r['form']} | {r['rows']:,} | {r['setup_seconds']} | "
            f"{r['prove_seconds']} | {r['pk_bytes'] / 1e6:,.0f} | {r['peak_rss_mb']:,.0f} | "
            f"{r['verified']} |"
        )
    lines += [
        "",
        f"Lowered / conv at equal logrows (median): prove time {factors['prove']}, "
        f"peak memory {factors['memory']}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, required=True)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="zkc-bench-prove-cost-") as tmp:
        for logrows, size in POINTS.items():
            for form in ("conv", "lowered"):
                rows.append(run(form, logrows, size, Path(tmp), args.srs_dir))
    if not all(r["verified"] for r in rows):
        raise SystemExit("a proof did not verify")
    pairs = [(rows[i], rows[i + 1]) for i in range(0, len(rows), 2)]
    factors = {
        "prove": round(
            statistics.median(b["prove_seconds"] / a["prove_seconds"] for a, b in pairs), 3
        ),
        "memory": round(
            statistics.median(b["peak_rss_mb"] / a["peak_rss_mb"] for a, b in pairs), 3
        ),
    }
    write_results(
        args.out,
        "prove_cost",
        {"host": host(), "rows": rows, "factors": factors},
        markdown(rows, factors),
    )
    table = {
        "source": "bench/prove_cost.py (EZKL 23.0.5; conv vs its patches x kernel lowering)",
        "freivalds_prove_factor": factors["prove"],
        "freivalds_memory_factor": factors["memory"],
    }
    PROVE_COST_FILE.write_text(json.dumps(table, indent=1) + "\n")


if __name__ == "__main__":
    main()
