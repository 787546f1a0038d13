"""Serving under load: `zkc serve` (a packaged mlp_digits, loopback) against signed concurrent
clients, every answer verified as a validator does.

Measures: back-to-back proving in one process (the sustainable rate); 12 requests at once;
an open-loop run at `--load`x the sustainable rate for `--seconds`: status counts, latency
p50/p95/max, throughput against back-to-back proving, whether every request got a verified
proof or a 503 with Retry-After before its deadline; /health latency while proving; the
server's RSS (with its provers) over the run; and a plot of latency and RSS over time.

    python bench/serve_load.py --out bench/results --srs-dir ~/.ezkl/srs [--seconds 120]
"""

import argparse
import asyncio
import tempfile
from pathlib import Path

import numpy as np
from _load import back_to_back, load_run
from _results import host, write_results
from _serve import build_package, served

from zkc.targets.subnet.circuit import load_circuit

DEADLINE = 60.0  # the server's default: the package sets no timeout


def summary(run: dict, back_to_back: float, workers: int) -> dict:
    rows = run["rows"]
    ok = [r for r in rows if r["status"] == 200]
    latencies = [r["seconds"] for r in ok]
    health = sorted(run["health"])
    in_time = all(
        r.get("seconds", DEADLINE + 1) <= DEADLINE
        and (r["status"] == 200 and r.get("verified") or r["status"] == 503 and r["retry_after"])
        for r in rows
    )
    statuses = sorted({str(r["status"]) for r in rows})
    counts = {s: sum(str(r["status"]) == s for r in rows) for s in statuses}
    throughput = len(ok) / run["elapsed"]
    return {
        "requests": len(rows),
        "status_counts": counts,
        "answered_401": counts.get("401", 0),
        "every_request_verified_or_503_in_time": in_time,
        "latency_p50_s": round(float(np.percentile(latencies, 50)), 2) if latencies else None,
        "latency_p95_s": round(float(np.percentile(latencies, 95)), 2) if latencies else None,
        "latency_max_s": round(max(latencies), 2) if latencies else None,
        "throughput_per_s": round(throughput, 3),
        "throughput_vs_back_to_back": round(throughput / (workers / back_to_back), 3),
        "health_p50_ms": round(1000 * health[len(health) // 2], 1),
        "health_p99_ms": round(1000 * health[int(len(health) * 0.99)], 1),
        "health_max_ms": round(1000 * health[-1], 1),
        "rss_mb_first_last_max": [
            run["rss"][0]["rss_mb"],
            run["rss"][-1]["rss_mb"],
            max(m["rss_mb"] for m in run["rss"]),
        ],
    }


def plot(run: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for status, colour in ((200, "tab:blue"), (503, "tab:orange")):
        rows = [r for r in run["rows"] if r["status"] == status]
        top.scatter(
            [r["at"] for r in rows],
            [r["seconds"] for r in rows],
            s=8,
            c=colour,
            label=f"{status} ({len(rows)})",
        )
    top.set_ylabel("latency (s)")
    top.legend()
    bottom.plot([m["at"] for m in run["rss"]], [m["rss_mb"] for m in run["rss"]])
    bottom.set_ylabel("server + provers RSS (MB)")
    bottom.set_xlabel("seconds into the run (request sent)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def render(r: dict) -> str:
    b, s = r["burst_12"], r["load"]
    return (
        "\n".join(
            [
                f"# zkc serve under load: {r['model']} (logrows {r['logrows']}), {r['workers']} prover(s), "
                "this machine",
                "",
                f"Back-to-back proving in one process: {r['back_to_back_seconds']} s per proof.",
                "",
                "| run | requests | statuses | 401 | verified or 503 in time | latency p50 / p95 / max s | "
                "throughput vs back-to-back | /health p50 / p99 / max ms | RSS MB first / last / max |",
                "|---|---|---|---|---|---|---|---|---|",
                *[
                    f"| {name} | {x['requests']} | {x['status_counts']} | {x['answered_401']} | "
                    f"{x['every_request_verified_or_503_in_time']} | {x['latency_p50_s']} / "
                    f"{x['latency_p95_s']} / {x['latency_max_s']} | {x['throughput_vs_back_to_back']} | "
                    f"{x['health_p50_ms']} / {x['health_p99_ms']} / {x['health_max_ms']} | "
                    f"{' / '.join(map(str, x['rss_mb_first_last_max']))} |"
                    for name, x in (
                        ("12 at once", b),
                        (f"{r['load_factor']}x sustainable rate for {r['seconds']} s", s),
                    )
                ],
                "",
                "![latency and RSS over the load run](serve_load.png)",
                "",
            ]
        )
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--load", type=float, default=2.0, help="Times the sustainable rate.")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    srs_dir = args.srs_dir.expanduser()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-serve-") as tmp:
        package = build_package("mlp_digits", Path(tmp), srs_dir)
        circuit = load_circuit(package.package_dir, srs_dir=srs_dir)
        seconds = back_to_back(circuit, 5)
        rate = args.load * args.workers / seconds
        with served([package.package_dir], srs_dir, "--workers", str(args.workers)) as (
            url,
            proc,
            _,
        ):
            burst = asyncio.run(load_run(url, proc.pid, circuit, 0.0, 0.0, count=12))
            loaded = asyncio.run(load_run(url, proc.pid, circuit, rate, args.seconds))
        result = {
            "model": "mlp_digits",
            "logrows": circuit.artifact.facts.logrows,
            "workers": args.workers,
            "host": host(),
            "back_to_back_seconds": round(seconds, 3),
            "load_factor": args.load,
            "seconds": args.seconds,
            "rate_per_s": round(rate, 3),
            "burst_12": summary(burst, seconds, args.workers),
            "load": summary(loaded, seconds, args.workers),
            "rows": loaded["rows"],
            "rss": loaded["rss"],
        }
    args.out.mkdir(parents=True, exist_ok=True)
    plot(loaded, args.out / "serve_load.png")
    write_results(args.out, "serve_load", result, render(result))


if __name__ == "__main__":
    main()
