"""Render a circuit's `input.py` (the subnet's input handler) from its jinja2 template."""

import re
from importlib import resources

import jinja2

from zkc.compiler.ir.io_spec import IOSpec
from zkc.targets.subnet.lock import RANGE_SLACK, InputRange


def _attr(name: str, index: int) -> str:
    """A Python identifier for an input name (ONNX names like `input.1` are not)."""
    ident = re.sub(r"\W", "_", name)
    return ident if ident.isidentifier() and not ident.startswith("_") else f"input_{index}"


def render_input_py(
    circuit_id: str,
    spec: IOSpec,
    ranges: dict[str, InputRange],
    name: str,
    version: str,
    artifact_key: str,
    zkc_version: str,
) -> str:
    """The input.py source for a circuit: schema in input order, generate, validate, process."""
    template_text = (
        resources.files("zkc.targets.subnet").joinpath("templates/input.py.j2").read_text()
    )
    env = jinja2.Environment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    attrs = [_attr(t.name, i) for i, t in enumerate(spec.inputs)]
    if len(set(attrs)) != len(attrs):
        attrs = [f"input_{i}" for i in range(len(spec.inputs))]
    fields = [
        {
            "name": t.name,
            "attr": attr,
            "size": t.size,
            "low": ranges[t.name].low,
            "high": ranges[t.name].high,
            "integer": not t.dtype.startswith(("float", "double", "bfloat")),
        }
        for t, attr in zip(spec.inputs, attrs, strict=True)
    ]
    return env.from_string(template_text).render(
        circuit_id=circuit_id,
        fields=fields,
        slack=RANGE_SLACK,
        name=name,
        version=version,
        artifact_key=artifact_key,
        zkc_version=zkc_version,
    )
