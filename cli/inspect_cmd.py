"""`zkc inspect`."""

import json
from pathlib import Path

import click

from zkc.cli.options import json_option
from zkc.cli.render import print_json, quantization_line


@click.command("inspect")
@click.argument("artifact", type=click.Path(path_type=Path))
@click.option("--no-verify", is_flag=True, help="Do not re-hash the artifact's files.")
@json_option
def inspect_command(artifact, no_verify, as_json):
    """Show what an artifact is: passes run, logrows, scales, file sizes, fidelity.

    \b
    Example:
      zkc inspect build/lenet.zkc --json
    """
    from zkc.compiler.artifacts.manifest import PROVENANCE, load_manifest, verify_files

    manifest = load_manifest(artifact)
    if not no_verify:
        verify_files(artifact, manifest)
    provenance_path = Path(artifact) / PROVENANCE
    provenance = json.loads(provenance_path.read_text()) if provenance_path.is_file() else {}
    if as_json:
        print_json({"manifest": manifest.model_dump(mode="json"), "provenance": provenance})
        return
    c = manifest.circuit
    click.echo(f"artifact {artifact}  key {manifest.key}")
    click.echo(
        f"  zkc {manifest.zkc_version}; " + ", ".join(f"{k} {v}" for k, v in manifest.tools.items())
    )
    click.echo(
        f"  target {manifest.target}: logrows {c.logrows}, {c.num_rows} rows, "
        f"input scales {c.first.input_scales}, param scale {c.first.param_scale}, "
        f"output scales {c.last.output_scales}"
    )
    click.echo(
        f"  SRS k={c.srs.logrows} sha256 {c.srs.sha256[:16]}"
        + ("  (INSECURE dev SRS)" if c.srs.insecure_dev else "")
    )
    if c.sliced:
        _echo_slices(c)
    _echo_visibility(c)
    for kind, tensors in (("input ", manifest.io.inputs), ("output", manifest.io.outputs)):
        for t in tensors:
            click.echo(f"  {kind} {t.name} {tuple(t.shape)}")
    seconds = provenance.get("pass_seconds", {})
    click.echo(f"  pipeline {manifest.pipeline}:")
    for p in manifest.passes:
        took = f"{seconds[p.name]:.3f}s" if p.name in seconds else "-"
        click.echo(f"    {p.name} v{p.version}  modified={p.modified}  {took}  -> {p.digest[:12]}")
    click.echo(f"  fidelity: {manifest.fidelity.summary()}")
    _echo_quantization(c)
    for name, entry in manifest.files.items():
        click.echo(f"  file {name:24s} {entry.size:>12,d} bytes  sha256 {entry.sha256[:16]}")
    if provenance.get("timings"):
        click.echo(
            "  timings: " + ", ".join(f"{k} {v:.1f}" for k, v in provenance["timings"].items())
        )


def _echo_visibility(c) -> None:
    """What a proof states of the inputs, outputs and weights; the weights' commitment a model
    owner publishes when they are hashed."""
    v = c.visibility
    click.echo(f"  visibility: inputs {v['inputs']}, outputs {v['outputs']}, params {v['params']}")
    for circuit in c.circuits:
        if circuit.param_hashes:
            where = f" of circuit {circuit.index}" if c.sliced else ""
            hashes = ", ".join(circuit.param_hashes)
            click.echo(f"  weights commitment{where} (Poseidon, one per tensor): {hashes}")


def _echo_quantization(c) -> None:
    click.echo("  " + quantization_line(c.quantization, c.sliced))


def _echo_slices(c) -> None:
    """The slice graph: each slice's nodes, logrows (estimated and real) and its linked tensors."""
    how = "KZG commitments in the proofs" if c.link == "polycommit" else "Poseidon hashes"
    click.echo(
        f"  slices: {len(c.pieces)} circuits ({len(c.circuits)} distinct), links {c.link} "
        f"({how}), decomposition {c.decomposition}"
    )
    for s in c.pieces:
        circuit = c.circuits[s.circuit]
        span = f"{s.nodes[0]} .. {s.nodes[-1]}" if len(s.nodes) > 1 else s.nodes[0]
        click.echo(
            f"    slice {s.index} (circuit {s.circuit}): {len(s.nodes)} nodes ({span}); "
            f"logrows {circuit.logrows} (estimated {s.estimated_logrows}), "
            f"{circuit.num_rows} rows (estimated {s.estimated_rows})"
        )
        click.echo(f"      in  {', '.join(_part(p) for p in s.inputs)}")
        click.echo(f"      out {', '.join(_part(p) for p in s.outputs)}")


def _part(part) -> str:
    """A tensor and the box of it (per axis start:stop)."""
    return f"{part.tensor}[{','.join(f'{a}:{b}' for a, b in part.box)}]"
