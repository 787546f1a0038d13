"""Subnet benchmark: package size, load time, and per-request prove latency through `zkc serve`
against the subnet miner's way (witness, then prove, each a fresh process), same artifact, one run.

The miner runs `ezkl gen-witness` and `ezkl prove` as subprocesses. The EZKL PyPI wheel ships
no CLI binary and nothing else may be downloaded here, so each step is a fresh Python process
calling the same EZKL function the CLI wraps (the interpreter start, ~0.1 s, is included).

    python bench/subnet.py --out bench/results --srs-dir ~/.ezkl/srs [--requests 5]
"""

import argparse
import json
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _serve import compile_zoo, package_compiled
from bittensor import http_auth
from bittensor.keyfiles import Keypair

from zkc.targets.ezkl.srs import srs_file
from zkc.targets.subnet.circuit import ServedCircuit, load_circuit

WITNESS = "import ezkl,sys,asyncio,inspect as i;r=ezkl.gen_witness(*sys.argv[1:4],vk_path=sys.argv[4]);asyncio.run(r) if i.iscoroutine(r) else r"
PROVE = "import ezkl,sys;assert ezkl.prove(*sys.argv[1:6])"


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _request(circuit: ServedCircuit, i: int) -> dict:
    """A valid request: inputs at a fixed point of their calibrated range, a fresh nonce."""
    doc = {}
    for tensor in circuit.spec.inputs:
        r = circuit.ranges[tensor.name]
        doc[tensor.name] = [
            r.low + (r.high - r.low) * ((j * 7 + i) % 16) / 16 for j in range(tensor.size)
        ]
    doc["nonce"] = [(i + 0.5) / 64]
    return doc


def miner_subprocess_latency(pkg: Path, pk: Path, srs: Path, request: dict, work: Path) -> float:
    """Seconds for the miner's two subprocess steps on one request."""
    (work / "in.json").write_text(json.dumps({"input_data": list(request.values())}))
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            WITNESS,
            str(work / "in.json"),
            str(pkg / "model.compiled"),
            str(work / "w.json"),
            str(pkg / "vk.key"),
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            PROVE,
            str(work / "w.json"),
            str(pkg / "model.compiled"),
            str(pk),
            str(work / "p.json"),
            str(srs),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def serve_latencies(pkg: Path, srs_dir: Path, requests: list[dict]) -> tuple[list[float], float]:
    """Per-request wall seconds through a running `zkc serve`, and its start-up (load) seconds."""
    alice, bob = Keypair.create_from_uri("//Alice"), Keypair.create_from_uri("//Bob")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [
        sys.executable,
        "-m",
        "zkc.cli",
        "serve",
        str(pkg),
        "--port",
        str(port),
        "--hotkey-uri",
        "//Bob",
        "--srs-dir",
        str(srs_dir),
        "--no-warmup",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        startup = time.perf_counter() - start
        latencies = []
        for request in requests:
            body = json.dumps({"inputs": request}).encode()
            headers = http_auth.sign(
                alice, method="POST", path="/prove", body=body, receiver_ss58=bob.ss58_address
            )
            t0 = time.perf_counter()
            reply = httpx.post(f"{url}/prove", content=body, headers=headers, timeout=300)
            latencies.append(time.perf_counter() - t0)
            if reply.status_code != 200:
                raise SystemExit(f"zkc serve answered {reply.status_code}: {reply.text}")
        return latencies, startup
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def bench_model(name: str, work: Path, srs_dir: Path, n: int) -> dict:
    compiled = compile_zoo(name, work, srs_dir)
    start = time.perf_counter()
    package = package_compiled(compiled.path, name, work, srs_dir)
    package_seconds = time.perf_counter() - start
    start = time.perf_counter()
    circuit = load_circuit(package.package_dir, srs_dir=srs_dir)
    load_seconds = time.perf_counter() - start
    requests = [_request(circuit, i) for i in range(n)]
    srs = srs_file(srs_dir, circuit.artifact.facts.logrows)
    miner = [
        miner_subprocess_latency(package.package_dir, package.pk_path, srs, r, work)
        for r in requests
    ]
    served, startup = serve_latencies(package.package_dir, srs_dir, requests)
    return {
        "model": name,
        "circuit_id": package.circuit_id,
        "logrows": circuit.artifact.facts.logrows,
        "package_bytes": _tree_bytes(package.package_dir),
        "pk_bytes": package.pk_path.stat().st_size,
        "package_seconds_incl_nonce_rebuild": round(package_seconds, 2),
        "load_seconds": round(load_seconds, 3),
        "serve_startup_seconds": round(startup, 2),
        "requests": n,
        "serve_latency_median_s": round(statistics.median(served), 3),
        "serve_latency_all_s": [round(x, 3) for x in served],
        "miner_subprocess_median_s": round(statistics.median(miner), 3),
        "miner_subprocess_all_s": [round(x, 3) for x in miner],
        "speedup": round(statistics.median(miner) / statistics.median(served), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs").expanduser())
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=["mlp_digits", "lenet_digits"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-subnet-") as tmp:
        rows = [
            bench_model(m, Path(tmp), args.srs_dir.expanduser(), args.requests) for m in args.models
        ]
    args.out.mkdir(parents=True, exist_ok=True)
    doc = {
        "host": {"cpus": __import__("os").cpu_count(), "platform": platform.platform()},
        "models": rows,
    }
    (args.out / "subnet.json").write_text(json.dumps(doc, indent=2) + "\n")
    lines = [
        "| model | logrows | package (dir) | pk.key | load_circuit s | serve start s | serve median s/request | miner subprocess median s/request | speed-up |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['logrows']} | {r['package_bytes'] / 1e3:.1f} KB | {r['pk_bytes'] / 1e6:.1f} MB "
            f"| {r['load_seconds']} | {r['serve_startup_seconds']} | {r['serve_latency_median_s']} "
            f"| {r['miner_subprocess_median_s']} | {r['speedup']}x |"
        )
    (args.out / "subnet.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
