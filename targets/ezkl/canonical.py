"""Canonical forms of what EZKL writes in hash order, so the same inputs give the same bytes.

EZKL 23 keeps some sets and maps in Rust hash containers, whose iteration order is random per
process:
- settings: `required_range_checks` and `required_lookups` come out in hash-set order, and the
  circuit's layout (hence vk.key and pk.key) follows that order; the einsum equations'
  axis -> size maps (`einsum_params`) are hash maps. Sorted before `compile_circuit` and
  `setup`, the settings, keys and layout are the same in every process.
- model.compiled: bincode of the circuit, whose settings copy serialises each einsum map
  (`HashMap<char, usize>`) in the order of the process that compiled it. The bytes of those
  maps are rewritten in key order; the map's content, every offset and the length are
  unchanged, so EZKL reads back the same circuit.
"""

import json
import struct
from pathlib import Path

from zkc.compiler.artifacts.atomic import write_bytes_atomic
from zkc.compiler.errors import ToolError

_U64 = struct.Struct("<Q")


def canonical_settings(settings: dict) -> dict:
    """Settings with hash-ordered lists sorted and the timestamp zeroed."""
    settings = dict(settings, timestamp=0)
    for key in ("required_range_checks", "required_lookups"):
        if isinstance(settings.get(key), list):
            settings[key] = sorted(settings[key], key=lambda v: json.dumps(v, sort_keys=True))
    return settings


def write_settings(settings: dict, path: Path) -> dict:
    """Write settings in canonical form (sorted keys); returns what was written."""
    settings = canonical_settings(settings)
    write_bytes_atomic(Path(path), json.dumps(settings, sort_keys=True, indent=1).encode())
    return settings


def _map_bytes(mapping: dict[str, int], order: list[str]) -> bytes:
    out = _U64.pack(len(mapping))
    for key in order:
        out += key.encode() + _U64.pack(mapping[key])
    return out


def _equations_block(equations: list, order) -> bytes:
    """bincode of `Vec<(String, HashMap<char, usize>)>` with each map's keys in `order(map)`."""
    out = _U64.pack(len(equations))
    for equation, mapping in equations:
        text = equation.encode()
        out += _U64.pack(len(text)) + text + _map_bytes(mapping, order(mapping))
    return out


def _parse_block(data: bytes | bytearray, pos: int, equations: list) -> int | None:
    """End offset of the equations block at `pos` if the bytes there are these equations with
    these maps (keys in any order), else None."""
    if data[pos : pos + 8] != _U64.pack(len(equations)):
        return None
    pos += 8
    for equation, mapping in equations:
        text = equation.encode()
        if data[pos : pos + 8 + len(text) + 8] != (
            _U64.pack(len(text)) + text + _U64.pack(len(mapping))
        ):
            return None
        pos += 16 + len(text)
        seen = {}
        for _ in mapping:
            width = next((w for w in (1, 2, 3, 4) if _decodes(data[pos : pos + w])), None)
            if width is None:
                return None
            key = data[pos : pos + width].decode()
            seen[key] = _U64.unpack_from(data, pos + width)[0]
            pos += width + 8
        if seen != mapping:
            return None
    return pos


def _decodes(chunk: bytes | bytearray) -> bool:
    try:
        return len(chunk.decode()) == 1
    except UnicodeDecodeError:
        return False


def canonicalise_compiled(path: Path, settings: dict) -> None:
    """Rewrite the einsum maps in `model.compiled` in key order (in place, atomically).

    ToolError when the file does not hold exactly one copy of the settings' equations where
    EZKL 23 puts them (the format changed: the result would not be reproducible).
    """
    equations = [tuple(e) for e in (settings.get("einsum_params") or {}).get("equations") or []]
    if not equations:
        return
    data = bytearray(Path(path).read_bytes())
    first_text = equations[0][0].encode()
    head = _U64.pack(len(equations)) + _U64.pack(len(first_text)) + first_text
    found, start = [], 0
    while (pos := data.find(head, start)) >= 0:
        end = _parse_block(data, pos, equations)
        if end is not None:
            found.append((pos, end))
        start = pos + 1
    if len(found) != 1:
        raise ToolError(
            f"{path}: found {len(found)} copies of the einsum equations where 1 was expected; "
            "cannot write this circuit reproducibly (unexpected EZKL format)"
        )
    pos, end = found[0]
    data[pos:end] = _equations_block(equations, lambda mapping: sorted(mapping))
    write_bytes_atomic(Path(path), bytes(data))
