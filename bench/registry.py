"""Registry benchmark: push and pull a ~500 MB artifact over loopback (Debian's docker-registry)
and through an OCI layout on disk, against a plain file copy of the same bytes, in one run.

The artifact is real: resnet_tiny compiled with EZKL's calibration (logrows 17, so its
proving key alone is over 500 MB). Pull goes into an empty cache each time, so every blob is
downloaded, streamed through sha256 and checked against the manifests.

    python bench/registry.py --out bench/results --srs-dir ~/.ezkl/srs [--repeat 3]
"""

import argparse
import json
import platform
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from _zkc import compile_dev

from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest
from zkc.model_zoo.export import export_zoo_model
from zkc.targets.registry.publish import publish
from zkc.targets.registry.pull import pull
from zkc.targets.registry.reference import parse_ref

MODEL = "resnet_tiny"


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def start_registry(root: Path) -> tuple[subprocess.Popen, str]:
    """docker-registry on a free loopback port with its storage under `root`."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise SystemExit("docker-registry is not installed (make registry-bin installs it)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (root / "config.yml").write_text(
        f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {root / 'storage'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    process = subprocess.Popen(
        [binary, "serve", str(root / "config.yml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/v2/", timeout=1)
            return process, f"127.0.0.1:{port}"
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("docker-registry did not start")


def build_artifact(work: Path, srs_dir: Path) -> Path:
    exported = export_zoo_model(
        MODEL, work / f"{MODEL}.onnx", work / "calib.npz", work / "hold.npz"
    )
    return compile_dev(
        srs_dir,
        CompileRequest(
            model_path=exported.onnx_path,
            calibration_path=exported.calibration_path,
            eval_path=exported.holdout_path,
            output=work / f"{MODEL}.zkc",
            config=CompileConfig(),
            cache_dir=work / "cache",
        ),
    ).path


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def measure(artifact: Path, work: Path, host: str, repeat: int) -> dict:
    size = _tree_bytes(artifact)
    rows: dict[str, list[float]] = {
        k: [] for k in ("copy", "oci_push", "oci_pull", "layout_push", "layout_pull")
    }
    for i in range(repeat):
        for d in ("copy", "cache", "layout"):
            shutil.rmtree(work / d, ignore_errors=True)
        subprocess.run(["sync"], check=True)
        rows["copy"].append(_timed(shutil.copytree, artifact, work / "copy"))
        oci = parse_ref(f"oci://{host}/zkc/bench{i}:1")
        rows["oci_push"].append(_timed(publish, artifact, oci))
        rows["oci_pull"].append(_timed(pull, oci, None, work / "cache"))
        shutil.rmtree(work / "cache")
        layout = parse_ref(f"file://{work / 'layout'}:1")
        rows["layout_push"].append(_timed(publish, artifact, layout))
        rows["layout_pull"].append(_timed(pull, layout, None, work / "cache"))
    medians = {k: statistics.median(v) for k, v in rows.items()}
    mb = size / 1e6
    return {
        "artifact": MODEL,
        "artifact_bytes": size,
        "repeat": repeat,
        "seconds": {k: [round(x, 3) for x in v] for k, v in rows.items()},
        "median_seconds": {k: round(v, 3) for k, v in medians.items()},
        "throughput_mb_per_s": {k: round(mb / v, 1) for k, v in medians.items()},
        "vs_copy": {k: round(v / medians["copy"], 2) for k, v in medians.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, help="Keep the artifact and copies here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-registry-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        artifact = build_artifact(work, args.srs_dir.expanduser())
        process, host = start_registry(work)
        try:
            result = measure(artifact, work, host, args.repeat)
        finally:
            process.terminate()
            process.wait(timeout=10)
    result["host"] = {"machine": platform.machine(), "python": platform.python_version()}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "registry.json").write_text(json.dumps(result, indent=2) + "\n")
    names = {
        "copy": "plain file copy (shutil.copytree)",
        "oci_push": "zkc publish oci:// (loopback)",
        "oci_pull": "zkc pull oci:// (empty cache)",
        "layout_push": "zkc publish file:// layout",
        "layout_pull": "zkc pull file:// (empty cache)",
    }
    lines = [
        f"# Registry throughput: {MODEL} artifact, {result['artifact_bytes'] / 1e6:.0f} MB, "
        f"median of {args.repeat}",
        "",
        "| operation | seconds | MB/s | × copy time |",
        "|---|---|---|---|",
    ]
    for key, name in names.items():
        lines.append(
            f"| {name} | {result['median_seconds'][key]} | "
            f"{result['throughput_mb_per_s'][key]} | {result['vs_copy'][key]} |"
        )
    (args.out / "registry.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
