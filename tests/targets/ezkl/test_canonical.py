"""Canonical forms of what EZKL writes in hash order (zkc.targets.ezkl.canonical)."""

import json
import struct

import pytest

from zkc.compiler.errors import ToolError
from zkc.targets.ezkl.canonical import canonical_settings, canonicalise_compiled

U64 = struct.Struct("<Q")
EQUATIONS = [["ab,bc->ac", {"a": 1, "b": 64, "c": 2}], ["k,nk->n", {"k": 32, "n": 10}]]


def _block(order: list[list[str]]) -> bytes:
    """bincode of the equations with each map's keys in the given orders."""
    out = U64.pack(len(EQUATIONS))
    for (equation, mapping), keys in zip(EQUATIONS, order, strict=True):
        out += U64.pack(len(equation)) + equation.encode() + U64.pack(len(mapping))
        out += b"".join(k.encode() + U64.pack(mapping[k]) for k in keys)
    return out


def test_einsum_maps_are_rewritten_in_key_order(tmp_path):
    settings = {"einsum_params": {"equations": EQUATIONS}}
    head, tail = b"\x01" * 40 + b"ab,bc->ac", b"\x02" * 30  # an op naming the equation too
    files = []
    for n, order in enumerate(([["c", "a", "b"], ["n", "k"]], [["b", "c", "a"], ["k", "n"]])):
        path = tmp_path / f"{n}.compiled"
        path.write_bytes(head + _block(order) + tail)
        canonicalise_compiled(path, settings)
        files.append(path.read_bytes())
    assert files[0] == files[1] == head + _block([["a", "b", "c"], ["k", "n"]]) + tail


def test_a_file_without_the_equations_is_refused(tmp_path):
    path = tmp_path / "model.compiled"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(ToolError, match="found 0 copies of the einsum equations"):
        canonicalise_compiled(path, {"einsum_params": {"equations": EQUATIONS}})
    assert path.read_bytes() == b"\x00" * 64  # left as it was
    canonicalise_compiled(path, {"einsum_params": {"equations": []}})  # nothing to do


def test_hash_ordered_settings_lists_are_sorted():
    a = {"required_range_checks": [[0, 16383], [-1, 1]], "required_lookups": [], "timestamp": 7}
    b = {"required_range_checks": [[-1, 1], [0, 16383]], "required_lookups": [], "timestamp": 9}
    assert json.dumps(canonical_settings(a)) == json.dumps(canonical_settings(b))
    assert canonical_settings(a)["timestamp"] == 0
