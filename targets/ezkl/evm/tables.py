"""Each piece's rules for the chain contract (ZkcChain.sol): the checks `zkc verify` makes off
chain (zkc.targets.ezkl.chain_verify, chain_publics), as words the contract applies.

A word is op (8 bits) | a (64) | b (64) | c (64) | 32 unused | d (8), as ZkcChain.sol reads it.
The claim the caller states is canonical: the request is every public input tensor's field
elements, in the model's input order and each tensor's flat order, at the one scale the pieces
read it at; the response likewise for the outputs.
"""

from dataclasses import dataclass, field

import numpy as np

from zkc.compiler.artifacts.facts import ChainFacts, CircuitFacts, PartRef
from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.compiler.target.chain import cut_part
from zkc.targets.ezkl.chain_publics import instance_layout
from zkc.targets.ezkl.chain_verify import POINT_BYTES

COUNT, PRODUCE, CONSUME, REQUEST, RESPONSE, CONSTANT, CLAIM = range(7)
IN_PROOF, IN_INSTANCES = 0, 1


def word(op: int, a: int = 0, b: int = 0, c: int = 0, d: int = 0) -> int:
    return (op << 248) | (a << 160) | (b << 96) | (c << 32) | d


@dataclass(frozen=True)
class Claim:
    """The claim's layout: per public tensor (name, scale, offset in the vector, size); for
    hashed ends, per Poseidon hash (piece, instance position), in the vector's order."""

    request: list[tuple[str, int, int, int]]
    response: list[tuple[str, int, int, int]]
    request_hashes: list[tuple[int, int]] = field(default_factory=list)
    response_hashes: list[tuple[int, int]] = field(default_factory=list)

    @property
    def sizes(self) -> tuple[int, int]:
        return (
            sum(t[3] for t in self.request) + len(self.request_hashes),
            sum(t[3] for t in self.response) + len(self.response_hashes),
        )


def chain_tables(facts: ChainFacts, spec: IOSpec) -> tuple[list[list[int]], Claim]:
    """The table of every piece, in order, and the layout of the claim they check."""
    claim = Claim(
        request=_layout(facts, spec.inputs, "inputs") if _public(facts, "inputs") else [],
        response=_layout(facts, spec.outputs, "outputs") if _public(facts, "outputs") else [],
        request_hashes=_hashes(facts, {t.name for t in spec.inputs}, "inputs"),
        response_hashes=_hashes(facts, {t.name for t in spec.outputs}, "outputs"),
    )
    shapes = {t.name: list(t.shape) for t in [*spec.inputs, *spec.outputs]}
    consumes: list[list[int]] = [[] for _ in facts.pieces]
    produces: list[list[int]] = [[] for _ in facts.pieces]
    for number, link in enumerate(facts.links):
        sent = _span(facts, link.producer, "out", link.output)
        received = _span(facts, link.consumer, "in", link.input)
        produces[link.producer].append(word(PRODUCE, number, *sent))
        consumes[link.consumer].append(word(CONSUME, number, *received))
    tables: list[list[int]] = [[] for _ in facts.pieces]
    tables[0].append(word(CLAIM, *claim.sizes))
    for piece in facts.pieces:
        circuit = facts.circuit_of(piece.index)
        count = circuit.public_inputs + len(circuit.param_hashes) + circuit.public_outputs
        table = tables[piece.index]
        table.append(word(COUNT, count))
        inputs_start, params_start, outputs_start = instance_layout(circuit)
        for k, value in enumerate(circuit.param_hashes):
            table += [word(CONSTANT, params_start + k), felt_int(value)]
        # links first: a piece proved on another input than its producer's output is named so
        table += consumes[piece.index]
        table += _claim_runs(REQUEST, claim.request, shapes, piece.inputs, inputs_start)
        table += _claim_runs(RESPONSE, claim.response, shapes, piece.outputs, outputs_start)
        table += _hash_runs(REQUEST, claim.request_hashes, piece.index)
        table += _hash_runs(RESPONSE, claim.response_hashes, piece.index)
        table += produces[piece.index]
    return tables, claim


def _public(facts: ChainFacts, side: str) -> bool:
    return facts.visibility[side] == "public"


def _hashes(facts: ChainFacts, names: set[str], side: str) -> list[tuple[int, int]]:
    """With hashed ends: (piece, instance position) of the Poseidon hash of every part of a
    model tensor a piece reads (writes), in piece order; one hash per tensor of the piece."""
    if facts.visibility[side] != "hashed":
        return []
    found = []
    for piece in facts.pieces:
        circuit = facts.circuit_of(piece.index)
        inputs_start, _, outputs_start = instance_layout(circuit)
        start = inputs_start if side == "inputs" else outputs_start
        parts = piece.inputs if side == "inputs" else piece.outputs
        found += [(piece.index, start + j) for j, p in enumerate(parts) if p.tensor in names]
    return found


def _hash_runs(op: int, hashes: list[tuple[int, int]], piece: int) -> list[int]:
    """Rules binding a piece's hash instances to the claim's positions of them."""
    pairs = [(position, k) for k, (p, position) in enumerate(hashes) if p == piece]
    return [word(op, claim, instance, length) for instance, claim, length in _runs(pairs)]


def _layout(facts: ChainFacts, tensors, side: str) -> list[tuple[str, int, int, int]]:
    """Each model tensor's scale (one for every piece reading or writing it; UserInputError if
    not), offset and size in the claim vector."""
    layout, offset = [], 0
    for tensor in tensors:
        scales = set()
        for piece in facts.pieces:
            circuit = facts.circuit_of(piece.index)
            parts = piece.inputs if side == "inputs" else piece.outputs
            own = circuit.input_scales if side == "inputs" else circuit.output_scales
            scales |= {s for p, s in zip(parts, own, strict=True) if p.tensor == tensor.name}
        if len(scales) != 1:
            raise UserInputError(
                f"'{tensor.name}' is read at scales {sorted(scales)} by different pieces: "
                "an on-chain claim needs one (compile with one input scale)"
            )
        size = int(np.prod(tensor.shape))
        layout.append((tensor.name, scales.pop(), offset, size))
        offset += size
    return layout


def _claim_runs(
    op: int, layout: list[tuple[str, int, int, int]], shapes: dict, parts: list[PartRef], start: int
) -> list[int]:
    """Rules binding a piece's public values of model tensors to the claim: runs of instance
    positions that map onto consecutive claim positions. Positions follow chain_publics: an
    input part of a piece reading the request takes its size whatever it is, an output part
    only when it is a model output."""
    where = {name: offset for name, _, offset, _ in layout}
    pairs: list[tuple[int, int]] = []
    position = start
    for part in parts:
        if part.tensor not in where:
            position += part.size if op == REQUEST else 0
            continue
        index = np.arange(int(np.prod(shapes[part.tensor]))).reshape(shapes[part.tensor])
        flat = cut_part(index, part).reshape(-1)
        pairs += [(position + k, where[part.tensor] + int(i)) for k, i in enumerate(flat)]
        position += part.size
    return [word(op, claim, instance, length) for instance, claim, length in _runs(pairs)]


def _runs(pairs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(instance, claim) pairs as (first instance, first claim, length) runs."""
    runs: list[list[int]] = []
    for instance, claim in pairs:
        last = runs[-1] if runs else None
        if last and instance == last[0] + last[2] and claim == last[1] + last[2]:
            last[2] += 1
        else:
            runs.append([instance, claim, 1])
    return [(a, b, n) for a, b, n in runs]


def _span(facts: ChainFacts, piece: int, side: str, tensor: int) -> tuple[int, int, int]:
    """(start, length, source) of one link end: bytes of the proof (polycommit points) or
    positions of the public values (hashed)."""
    circuit: CircuitFacts = facts.circuit_of(piece)
    counts = circuit.input_commitments if side == "in" else circuit.output_commitments
    if facts.link == "hashed":
        inputs_start, _, outputs_start = instance_layout(circuit)
        first = inputs_start if side == "in" else outputs_start
        return first + sum(counts[:tensor]), counts[tensor], IN_INSTANCES
    skip = sum(counts[:tensor]) + (sum(circuit.input_commitments) if side == "out" else 0)
    return skip * POINT_BYTES, counts[tensor] * POINT_BYTES, IN_PROOF


def felt_int(value: str) -> int:
    """An instance as EZKL writes it (32 bytes, little-endian hex) as an integer."""
    return int.from_bytes(bytes.fromhex(value), "little")
