"""`zkc compile`."""

from collections import Counter
from pathlib import Path

import click

from zkc.cli.config_options import config_from, plan_options, quantize_options
from zkc.cli.options import cache_dir_option, json_option, srs_dir_option
from zkc.cli.render import RichReporter, print_json, quantization_line


@click.command("compile")
@click.argument("model", type=click.Path(path_type=Path))
@click.option(
    "--calibration",
    "calibration",
    required=True,
    type=click.Path(path_type=Path),
    help=".npz with one array per graph input, shaped (samples, *input_shape).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Artifact directory to write (NAME.zkc).",
)
@click.option(
    "--eval",
    "eval_path",
    type=click.Path(path_type=Path),
    help="Held-out .npz for the fidelity report (default: the last 25% of --calibration).",
)
@click.option(
    "--dev-srs", is_flag=True, help="Generate a missing SRS locally (INSECURE, for tests/dev only)."
)
@srs_dir_option
@cache_dir_option
@click.option("--no-cache", is_flag=True, help="Build without reading or writing the cache.")
@click.option(
    "--dump-ir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the IR as text after every pass.",
)
@plan_options
@quantize_options
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    show_default="one per 2 cores",
    help="Calibrate and set up this many distinct circuits at once in local processes.",
)
@click.option(
    "--scheduler",
    help="Calibrate and set up the circuits on this Dask cluster "
    "(tcp://HOST:PORT); its workers must see the output's directory at the same path.",
)
@json_option
def compile_command(
    model,
    calibration,
    output,
    eval_path,
    dev_srs,
    srs_dir,
    cache_dir,
    no_cache,
    dump_ir,
    workers,
    scheduler,
    as_json,
    **params,
):
    """Compile an ONNX model into a proving artifact (settings, circuit, keys, manifest).

    \b
    Example:
      zkc compile build/lenet.onnx --calibration build/calib.npz -o build/lenet.zkc --dev-srs
      zkc compile build/resnet.onnx --calibration build/calib.npz -o build/resnet.zkc \\
          --max-logrows 15 --dev-srs          # sliced: every slice within logrows 15
    """
    from zkc.api.building import compile_with
    from zkc.compiler.compute.runners import ProveRunner, default_workers

    result = compile_with(
        model,
        calibration,
        config_from(params),
        output=output,
        eval=eval_path,
        dev_srs=dev_srs,
        srs_dir=srs_dir,
        cache_dir=None if no_cache else cache_dir,
        runner=ProveRunner(workers or default_workers(), scheduler),
        reporter=RichReporter(quiet=as_json),
        dump_ir=dump_ir,
    )
    if as_json:
        print_json(compile_summary(result))
        return
    state = "reused from cache (no setup)" if result.cached else "built"
    click.echo(f"{model} -> {result.path}  [{state}] key {result.manifest.key[:16]}")
    for line in circuit_lines(result.manifest):
        click.echo(line)


def compile_summary(result) -> dict:
    """`zkc compile --json`: the artifact, its key and the chain's headline facts."""
    m, c = result.manifest, result.manifest.circuit
    summary = {
        "artifact": str(result.path),
        "key": m.key,
        "cached": result.cached,
        "logrows": c.logrows,
        "num_rows": c.num_rows,
        "input_scales": c.first.input_scales,
        "param_scale": c.first.param_scale,
        "srs": c.srs.model_dump(),
        "fidelity": m.fidelity.model_dump(),
    }
    if c.sliced:
        summary["slices"] = [
            {
                "index": p.index,
                "circuit": p.circuit,
                "logrows": c.circuit_of(p.index).logrows,
                "num_rows": c.circuit_of(p.index).num_rows,
                "estimated_logrows": p.estimated_logrows,
            }
            for p in c.pieces
        ]
    return summary


def circuit_lines(m) -> list[str]:
    """The chain, fidelity, quantization and SRS warning, for humans."""
    c = m.circuit
    lines = [
        f"  circuit: logrows {c.logrows}, {c.num_rows} rows, input scale "
        f"{c.first.input_scales}, param scale {c.first.param_scale}"
    ]
    if c.sliced:
        counts = Counter(c.circuit_of(p.index).logrows for p in c.pieces)
        ks = ", ".join(f"{k}" if n == 1 else f"{k} x{n}" for k, n in sorted(counts.items()))
        if len(c.pieces) <= 8:
            ks = ", ".join(str(c.circuit_of(p.index).logrows) for p in c.pieces)
        shared = f", {len(c.circuits)} distinct" if len(c.circuits) < len(c.pieces) else ""
        lines.append(
            f"  sliced: {len(c.pieces)} linked circuits{shared} (logrows {ks}), links {c.link}"
        )
    lines.append(f"  fidelity: {m.fidelity.summary()}")
    lines.append("  " + quantization_line(c.quantization, c.sliced))
    if c.srs.insecure_dev:
        lines.append("  WARNING: set up with an INSECURE locally generated SRS (--dev-srs)")
    return lines
