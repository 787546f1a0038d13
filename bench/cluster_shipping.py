"""Cluster proving without a shared filesystem: slice files fetched from the registry.

resnet_tiny within logrows 15 (4 linked slices) is published to a loopback docker-registry;
a real dask.distributed LocalCluster of 2 worker processes proves one request
  - shared: workers read the artifact's files at the client's paths (the default);
  - shipped, cold: `--blobs-from`: every worker cache empty, each slice's compiled circuit
    and proving key downloaded and digest-checked before its proof;
  - shipped, warm: the next request, every blob already cached.
Each proof is verified. One run on this machine.

    python bench/cluster_shipping.py --out bench/results --srs-dir ~/.ezkl/srs
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from _results import host, write_results
from _zkc import compile_dev, open_dev
from registry import start_registry

from zkc.compiler.artifacts.download import ShippedFiles
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest
from zkc.model_zoo.export import export_zoo_model
from zkc.targets.registry.publish import publish
from zkc.targets.registry.reference import parse_ref
from zkc.targets.registry.shipping import blob_sources

MODEL, MAX_LOGROWS = "resnet_tiny", 15


def prove(compiled, sample: dict, scheduler: str, shipped=None) -> dict:
    start = time.perf_counter()
    result = compiled.prove(sample, scheduler=scheduler, shipped=shipped)
    wall = time.perf_counter() - start
    compiled.verify(result.envelope)
    run = result.run
    return {
        "wall_seconds": round(wall, 2),
        "slice_prove_seconds": [round(s, 2) for s in run["slice_seconds"]],
        "fetched_bytes": sum(run.get("slice_fetched_bytes", [0])),
        "hosts": sorted(set(run.get("slice_hosts", []))),
    }


def build(work: Path, srs_dir: Path):
    files = export_zoo_model(MODEL, work / "m.onnx", work / "c.npz", work / "h.npz")
    art = compile_dev(
        srs_dir,
        CompileRequest(
            model_path=files.onnx_path,
            calibration_path=files.calibration_path,
            eval_path=files.holdout_path,
            output=work / "m.zkc",
            config=CompileConfig(max_logrows=MAX_LOGROWS, max_eval_samples=40),
            cache_dir=None,
        ),
    ).path
    with np.load(files.holdout_path) as data:
        samples = [{"x": data["x"][i]} for i in range(3)]
    return open_dev(art, srs_dir), samples


def runs(compiled, samples, repo: str, work: Path, srs_dir: Path) -> dict:
    """The same request shape proved three ways on a 2-worker LocalCluster."""
    from distributed import LocalCluster

    manifest = compiled.manifest
    sources = blob_sources(repo, manifest, sorted(manifest.files))
    shipped = ShippedFiles(sources, str(srs_dir), str(work / "worker-cache"))
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        address = cluster.scheduler_address
        return {
            "shared": prove(compiled, samples[0], address),
            "shipped_cold": prove(compiled, samples[1], address, shipped),
            "shipped_warm": prove(compiled, samples[2], address, shipped),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    args = parser.parse_args()
    srs_dir = args.srs_dir.expanduser()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-shipping-") as tmp:
        work = Path(tmp)
        compiled, samples = build(work, srs_dir)
        shipped_bytes = sum(
            e.size
            for p, e in compiled.manifest.files.items()
            if p.endswith(("model.compiled", "pk.key"))
        )
        (work / "registry").mkdir()
        registry, registry_host = start_registry(work / "registry")
        try:
            repo = f"oci://{registry_host}/zkc/{MODEL}"
            start = time.perf_counter()
            publish(compiled.path, parse_ref(f"{repo}:1"))
            publish_seconds = time.perf_counter() - start
            rows = runs(compiled, samples, repo, work, srs_dir)
        finally:
            registry.terminate()
            registry.wait(timeout=10)
    result = {
        "model": MODEL,
        "max_logrows": MAX_LOGROWS,
        "slices": len(compiled.facts.circuits),
        "shipped_bytes_per_request_cold": shipped_bytes,
        "publish_seconds": round(publish_seconds, 2),
        "workers": 2,
        "runs": rows,
        "host": host(),
    }
    write_results(args.out, "cluster_shipping", result, render(result))


def render(r: dict) -> str:
    lines = [
        f"# Cluster proving without a shared filesystem ({r['model']}, {r['slices']} slices "
        f"within logrows {r['max_logrows']}, LocalCluster of {r['workers']} workers)",
        "",
        f"Slice circuits + proving keys: {r['shipped_bytes_per_request_cold'] / 1e6:.0f} MB; "
        f"`zkc publish` to the loopback registry took {r['publish_seconds']} s.",
        "",
        "| run | prove wall s | bytes fetched by workers | per-slice prove s |",
        "|---|---|---|---|",
    ]
    for name, row in r["runs"].items():
        per = ", ".join(str(s) for s in row["slice_prove_seconds"])
        lines.append(
            f"| {name} | {row['wall_seconds']} | {row['fetched_bytes'] / 1e6:.0f} MB | {per} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
