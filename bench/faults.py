"""Chaos bench: every fault of issue "Nothing left behind" run for real on this machine, on
loopback and on small filesystems it mounts, and a table of what zkc did.

Faults (mlp_digits, compiled by the `zkc` command line as an operator runs it):
  compile  SIGKILL at each checkpoint (ZKC_KILL_AT) then rerun and `zkc audit`; two compiles
           of one model into one cache at once
  disk     a full disk during compile (tmpfs of 16 KiB and 24 MiB)
  network  docker-registry cut mid-pull and mid-publish (a proxy that dies as a killed
           registry would); no registry at all; a Dask worker SIGKILLed mid-prove (sliced,
           LocalCluster); an unreachable scheduler
  process  `zkc serve` SIGTERM with a proof in flight, SIGINT, SIGKILL; a prover SIGKILLed
           mid-proof; a sliced `zkc prove` SIGKILLed

Each row: the fault, what zkc did, whether that is what it must do, seconds to recover (the
rerun, the repeated transfer, the answer after the fault) or to the clear error, and anything
left behind (files, cache entries, or processes alive 15 s later). Needs root for the tmpfs.

    python bench/faults.py --out bench/results --srs-dir ~/.ezkl/srs [--only compile,disk,network,process]
"""

import argparse
import tempfile
import time
from pathlib import Path

from _faults_common import Model
from _results import host, write_results

GROUPS = ("compile", "disk", "network", "process")


def run_group(group: str, model: Model, work: Path) -> list[dict]:
    if group == "compile":
        from _faults_compile import compile_faults

        return compile_faults(model, work)
    if group == "disk":
        from _faults_compile import disk_faults

        return disk_faults(model, work)
    if group == "network":
        from _faults_network import network_faults

        return network_faults(model, work)
    from _faults_serve import serve_faults

    return serve_faults(model)


def render(doc: dict) -> str:
    rows = doc["rows"]
    good = sum(r["as_intended"] for r in rows)
    lines = [
        "# Chaos bench: faults and what zkc did (mlp_digits, this machine)",
        "",
        f"{good} of {len(rows)} faults handled as intended; {doc['seconds']} s in all. "
        "Seconds: to recover (rerun, repeated transfer, next answer) or to the clear error.",
        "",
        "| fault | what zkc did | as intended | seconds | left behind |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        left = ", ".join(r["left_behind"]) or "nothing"
        outcome = r["outcome"].replace("|", "/")
        lines.append(
            f"| {r['fault']} | {outcome} | {'yes' if r['as_intended'] else '**NO**'} | "
            f"{r['recover_seconds'] if r['recover_seconds'] is not None else '-'} | {left} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    parser.add_argument("--only", default=",".join(GROUPS), help="Comma-separated fault groups.")
    args = parser.parse_args()
    groups = [g for g in args.only.split(",") if g]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        raise SystemExit(f"--only: unknown group(s) {unknown}; expected some of {list(GROUPS)}")
    start, rows = time.perf_counter(), []
    with tempfile.TemporaryDirectory(prefix="zkc-bench-faults-") as tmp:
        model = Model(Path(tmp), args.srs_dir.expanduser())
        for group in groups:
            found = run_group(group, model, Path(tmp))
            for r in found:
                print(
                    f"{r['fault']}: {'ok' if r['as_intended'] else 'NOT AS INTENDED'}: {r['outcome']}",
                    flush=True,
                )
            rows += found
    doc = {
        "host": host(),
        "groups": groups,
        "seconds": round(time.perf_counter() - start),
        "rows": rows,
    }
    write_results(args.out, "faults", doc, render(doc))


if __name__ == "__main__":
    main()
