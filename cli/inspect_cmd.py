"""`zkc inspect`."""

import json
from pathlib import Path

import click

from zkc.cli.options import json_option
from zkc.cli.render import print_json


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
    from zkc.compiler.artifact import PROVENANCE, load_manifest, verify_files

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
    click.echo(f"  target {manifest.target}: logrows {c['logrows']}, {c['num_rows']} rows, "
               f"input scales {c['input_scales']}, param scale {c['param_scale']}, "
               f"output scales {c['output_scales']}")  # fmt: skip
    srs = c["srs"]
    click.echo(
        f"  SRS k={srs['logrows']} sha256 {srs['sha256'][:16]}"
        + ("  (INSECURE dev SRS)" if srs["insecure_dev"] else "")
    )
    if c.get("sliced"):
        _echo_slices(c)
    for t in manifest.io.inputs:
        click.echo(f"  input  {t.name} {tuple(t.shape)}")
    for t in manifest.io.outputs:
        click.echo(f"  output {t.name} {tuple(t.shape)}")
    seconds = provenance.get("pass_seconds", {})
    click.echo(f"  pipeline {manifest.pipeline}:")
    for p in manifest.passes:
        took = f"{seconds[p.name]:.3f}s" if p.name in seconds else "-"
        click.echo(f"    {p.name} v{p.version}  modified={p.modified}  {took}  -> {p.digest[:12]}")
    click.echo(f"  fidelity: {manifest.fidelity.summary()}")
    quantization = c.get("quantization", {})
    if quantization.get("method") in ("zkc-search", "zkc-search-sliced"):
        chosen = quantization["chosen"]
        shared = " (shared by every slice)" if quantization["method"] == "zkc-search-sliced" else ""
        click.echo(f"  quantization: zkc search for {quantization['budget']}: scale {chosen['scale']}{shared}, "
                   f"decomposition {chosen['decomp_base']}^{chosen['decomp_legs']}, "
                   f"{len(quantization['candidates'])} points tried")  # fmt: skip
    elif quantization:
        click.echo(f"  quantization: {quantization['method']}")
    for name, entry in manifest.files.items():
        click.echo(f"  file {name:24s} {entry.size:>12,d} bytes  sha256 {entry.sha256[:16]}")
    if provenance.get("timings"):
        click.echo(
            "  timings: " + ", ".join(f"{k} {v:.1f}" for k, v in provenance["timings"].items())
        )


def _echo_slices(circuit: dict) -> None:
    """The slice graph: each slice's nodes, logrows (estimated and real) and its linked tensors."""
    slices = circuit["slices"]
    how = "KZG commitments in the proofs" if circuit["link"] == "polycommit" else "Poseidon hashes"
    click.echo(f"  slices: {len(slices)} circuits, links {circuit['link']} ({how}), "
               f"decomposition {circuit['decomposition']}")  # fmt: skip
    for s in slices:
        nodes = s["nodes"]
        span = f"{nodes[0]} .. {nodes[-1]}" if len(nodes) > 1 else nodes[0]
        click.echo(f"    slice {s['index']}: {len(nodes)} nodes ({span}); logrows {s['logrows']} "
                   f"(estimated {s['estimated_logrows']}), {s['num_rows']} rows "
                   f"(estimated {s['estimated_rows']})")  # fmt: skip
        click.echo(f"      in  {', '.join(s['inputs'])}")
        click.echo(f"      out {', '.join(s['outputs'])}")
