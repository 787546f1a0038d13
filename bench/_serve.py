"""What the serving benchmarks share: a zoo model packaged for the subnet, valid requests, and
`zkc serve` started on loopback."""

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from _zkc import compile_dev

from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest
from zkc.model_zoo.export import export_zoo_model
from zkc.targets import make_target
from zkc.targets.subnet.circuit import ServedCircuit
from zkc.targets.subnet.package import PackageRequest, PackageResult, package_for_subnet


def compile_zoo(name: str, work: Path, srs_dir: Path):
    """The zoo model exported and compiled (default config) with a dev SRS."""
    exported = export_zoo_model(
        name, work / f"{name}.onnx", work / f"{name}.calib.npz", work / f"{name}.holdout.npz"
    )
    return compile_dev(
        srs_dir,
        CompileRequest(
            model_path=exported.onnx_path,
            calibration_path=exported.calibration_path,
            eval_path=exported.holdout_path,
            output=work / f"{name}.zkc",
            config=CompileConfig(),
            cache_dir=work / "cache",
        ),
    )


def package_compiled(artifact: Path, name: str, work: Path, srs_dir: Path) -> PackageResult:
    """A compiled artifact packaged for the subnet (nonce input)."""
    return package_for_subnet(
        PackageRequest(
            artifact=artifact,
            out_dir=work / "deployment_layer",
            metadata={"name": name, "description": "bench", "author": "zkc", "version": "1.0.0"},
            pk_url_base="https://host/circuits",
            allow_dev_srs=True,
            cache_dir=work / "cache",
        ),
        make_target("ezkl", srs_dir, allow_dev_srs=True),
    )


def build_package(name: str, work: Path, srs_dir: Path) -> PackageResult:
    """The zoo model compiled (default config) and packaged for the subnet (nonce input)."""
    return package_compiled(compile_zoo(name, work, srs_dir).path, name, work, srs_dir)


def request(circuit: ServedCircuit, i: int) -> dict:
    """A valid request: inputs at a point of their calibrated range, a fresh nonce."""
    doc = {}
    for tensor in circuit.spec.inputs:
        r = circuit.ranges[tensor.name]
        doc[tensor.name] = [
            r.low + (r.high - r.low) * ((j * 7 + i) % 16) / 16 for j in range(tensor.size)
        ]
    if "nonce" in doc:
        doc["nonce"] = [((i * 37) % 64 + 0.5) / 64]
    return doc


@contextmanager
def served(paths: list[Path], srs_dir: Path, *options: str):
    """`zkc serve` (//Bob's hotkey) as a child process; yields (url, process, start seconds)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [
        sys.executable,
        "-m",
        "zkc.cli",
        "serve",
        *map(str, paths),
        "--port",
        str(port),
        "--hotkey-uri",
        "//Bob",
        "--srs-dir",
        str(srs_dir),
        *options,
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            if proc.poll() is not None:
                raise SystemExit(f"zkc serve exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                health = httpx.get(f"{url}/health", timeout=1).json()
                if "--no-warmup" in options or all(
                    c["prove_seconds_estimate"] for c in health["circuits"]
                ):
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        yield url, proc, time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=30)
