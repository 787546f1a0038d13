"""Serve soak: `zkc serve` (a packaged mlp_digits, loopback) for `--minutes` at the sustainable
rate with a burst above it every cycle, watched for growth.

Each cycle is `--cycle` seconds of open-loop signed requests at `--load`x the rate back-to-back
proving sustains, then 12 requests at once. Every answer is checked as a validator does. The
server (with its provers) is sampled every second: resident memory, open file descriptors and
process count. The first cycle is the warm-up; growth is the median of the last cycle against
the median of the first cycle after it.

Figures (issue "Nothing left behind"): RSS growth after warm-up <= 10%; file descriptors and
processes flat; every honest request answered 200 with a proof that verifies, or 503 with
Retry-After.

    python bench/soak.py --out bench/results --srs-dir ~/.ezkl/srs [--minutes 30]
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from _load import back_to_back, load_run
from _results import host, write_results
from _serve import build_package, served

from zkc.targets.subnet.circuit import load_circuit

RSS_GROWTH_BOUND = 0.10


def soak(url: str, pid: int, circuit, rate: float, minutes: float, cycle: float) -> list[dict]:
    """Cycles of load then a burst until `minutes` have passed; their rows and samples."""
    cycles, start = [], time.perf_counter()
    while time.perf_counter() - start < minutes * 60:
        offset = time.perf_counter() - start
        steady = asyncio.run(load_run(url, pid, circuit, rate, cycle))
        burst = asyncio.run(load_run(url, pid, circuit, 0.0, 0.0, count=12))
        samples = [{**s, "at": round(s["at"] + offset, 1)} for s in steady["rss"]]
        cycles.append(
            {"at": round(offset, 1), "rows": steady["rows"] + burst["rows"], "samples": samples}
        )
        print(f"cycle {len(cycles)} at {offset:.0f} s: {samples[-1]}", flush=True)
    return cycles


def honest(row: dict) -> bool:
    """Answered as an honest request must be: a proof that verifies, or 503 with Retry-After."""
    return (row["status"] == 200 and bool(row.get("verified"))) or (
        row["status"] == 503 and bool(row.get("retry_after"))
    )


def figures(cycles: list[dict]) -> dict:
    """Growth after warm-up, and how every request was answered."""
    if len(cycles) < 3:
        raise SystemExit("the soak needs at least 3 cycles (warm-up, first, last): raise --minutes")
    first, last = cycles[1]["samples"], cycles[-1]["samples"]

    def median(samples: list[dict], key: str) -> float:
        return statistics.median(s[key] for s in samples)

    after = [s for c in cycles[1:] for s in c["samples"]]
    rows = [r for c in cycles for r in c["rows"]]
    statuses = sorted({str(r["status"]) for r in rows})
    rss_first, rss_last = median(first, "rss_mb"), median(last, "rss_mb")
    growth = (rss_last - rss_first) / rss_first
    return {
        "cycles": len(cycles),
        "requests": len(rows),
        "status_counts": {s: sum(str(r["status"]) == s for r in rows) for s in statuses},
        "honest_answered_fraction": round(sum(map(honest, rows)) / len(rows), 4),
        "rss_mb_after_warmup_first_last_max": [
            rss_first,
            rss_last,
            max(s["rss_mb"] for s in after),
        ],
        "rss_growth": round(growth, 4),
        "rss_growth_within_bound": growth <= RSS_GROWTH_BOUND,
        "fds_first_last_max": [
            median(first, "fds"),
            median(last, "fds"),
            max(s["fds"] for s in after),
        ],
        "processes_seen_after_warmup": sorted({s["processes"] for s in after}),
    }


def render(r: dict) -> str:
    f = r["figures"]
    return "\n".join(
        [
            f"# zkc serve soak: {r['model']}, {r['minutes']} min, this machine",
            "",
            f"{f['cycles']} cycles of {r['cycle_seconds']} s at {r['load_factor']}x the sustainable rate "
            f"({r['rate_per_s']}/s; back-to-back proof {r['back_to_back_seconds']} s), each followed "
            "by 12 requests at once. The first cycle is the warm-up.",
            "",
            "| figure | measured | bound |",
            "|---|---|---|",
            f"| requests (statuses) | {f['requests']} ({f['status_counts']}) | |",
            f"| honest requests answered 200 + verified or 503 + Retry-After | {f['honest_answered_fraction']:.2%} | 100% |",
            f"| RSS MB after warm-up: first / last cycle median, max | {' / '.join(map(str, f['rss_mb_after_warmup_first_last_max']))} | |",
            f"| RSS growth, last cycle against first after warm-up | {f['rss_growth']:.1%} | <= {RSS_GROWTH_BOUND:.0%} |",
            f"| open fds: first / last cycle median, max | {' / '.join(map(str, f['fds_first_last_max']))} | flat |",
            f"| process counts seen after warm-up | {f['processes_seen_after_warmup']} | flat |",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--cycle", type=float, default=180.0, help="Seconds of load per cycle.")
    parser.add_argument("--load", type=float, default=1.0, help="Times the sustainable rate.")
    args = parser.parse_args()
    srs_dir = args.srs_dir.expanduser()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-soak-") as tmp:
        package = build_package("mlp_digits", Path(tmp), srs_dir)
        circuit = load_circuit(package.package_dir, srs_dir=srs_dir)
        seconds = back_to_back(circuit, 5)
        rate = args.load / seconds
        with served([package.package_dir], srs_dir, "--workers", "1") as (url, proc, _):
            cycles = soak(url, proc.pid, circuit, rate, args.minutes, args.cycle)
        result = {
            "model": "mlp_digits",
            "host": host(),
            "minutes": args.minutes,
            "cycle_seconds": args.cycle,
            "load_factor": args.load,
            "back_to_back_seconds": round(seconds, 3),
            "rate_per_s": round(rate, 3),
            "figures": figures(cycles),
            "samples": [s for c in cycles for s in c["samples"]],
        }
    write_results(args.out, "soak", result, render(result))


if __name__ == "__main__":
    main()
