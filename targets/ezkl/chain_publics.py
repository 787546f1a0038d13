"""The public values of an artifact's proofs, checked against what the artifact and the
envelope state: the request (public inputs), the weights' commitment (hashed parameters) and
the response (public outputs); hashed and private ends state no values.

Instances of a piece (one row), as EZKL 23.0.5 lays them out (measured): its inputs (felts
of the request parts it reads, or one Poseidon hash per tensor when its inputs are hashed, as
a `hashed` link's are; none when private or `polycommit`), one hash per parameter tensor when
the parameters are hashed, and last its outputs (likewise). The parameter hashes come after
hashed inputs but before public input felts.
"""

import numpy as np

from zkc.compiler.artifacts.facts import ChainFacts, CircuitFacts
from zkc.compiler.errors import VerificationError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.compiler.target.chain import cut_part, paste_part
from zkc.targets.ezkl import proving


def name_of(facts: ChainFacts, index: int) -> str:
    return f"slice {index}" if facts.sliced else "the circuit"


def instance_layout(circuit: CircuitFacts) -> tuple[int, int, int]:
    """Where a proof of `circuit` carries its inputs, parameter hashes and outputs in its
    instances: (inputs_start, params_start, outputs_start)."""
    params = len(circuit.param_hashes)
    hashed_inputs = _mode(circuit.run_args.get("input_visibility")) == "hashed"
    inputs_start = 0 if hashed_inputs else params
    params_start = circuit.public_inputs if hashed_inputs else 0
    return inputs_start, params_start, circuit.public_inputs + params


def _claimed(values: object, shape: list[int], what: str) -> np.ndarray:
    """A request's or response's values as an array of the tensor's shape; VerificationError
    when they are not numbers of that many elements."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (ValueError, TypeError, OverflowError) as exc:
        raise VerificationError(f"{what} is not a rectangular list of numbers") from exc
    size = int(np.prod(shape))
    if arr.size != size:
        raise VerificationError(f"{what} has {arr.size} values, the circuit's has {size}")
    return arr.reshape(shape)


def check_request(facts: ChainFacts, spec: IOSpec, publics: list[list], inputs: dict) -> None:
    """Every piece reading request parts has exactly those parts' values as public inputs;
    when the artifact's inputs are hashed or private, the proof states none."""
    requested = {t.name for t in spec.inputs}
    mode = facts.visibility["inputs"]
    if mode != "public":
        if inputs:
            raise VerificationError(
                f"the artifact's inputs are {mode}: a proof of it states no input values"
            )
        _check_mode(facts, requested, "input", mode)
        return
    arrays = {
        t.name: _claimed(inputs[t.name], t.shape, f"the request's input '{t.name}'")
        for t in spec.inputs
        if t.name in inputs
    }
    if set(arrays) != requested:
        raise VerificationError(f"the request has inputs {sorted(inputs)}, not {sorted(requested)}")
    _check_mode(facts, requested, "input", mode)
    for piece in facts.pieces:
        if not any(part.tensor in requested for part in piece.inputs):
            continue
        circuit = facts.circuits[piece.circuit]
        felts = []
        for part, scale in zip(piece.inputs, circuit.input_scales, strict=True):
            felts += proving.felts(cut_part(arrays[part.tensor], part), scale)
        start = instance_layout(circuit)[0]
        if publics[piece.index][start : start + circuit.public_inputs] != felts:
            what = "the first slice's" if facts.sliced else "the proof's"
            raise VerificationError(f"{what} public inputs are not the request's inputs")


def _check_mode(facts: ChainFacts, names: set[str], side: str, mode: str) -> None:
    """Every circuit reading (writing) the model's own tensors was set up with the artifact's
    visibility for them."""
    parts = "inputs" if side == "input" else "outputs"
    for piece in facts.pieces:
        if any(part.tensor in names for part in getattr(piece, parts)):
            circuit = facts.circuits[piece.circuit]
            actual = _mode(circuit.run_args.get(f"{side}_visibility"))
            if actual != mode:
                raise VerificationError(
                    f"the circuit's {parts} are {actual}, not {mode} as the artifact states"
                )


def _mode(setting: object) -> str:
    """EZKL's visibility setting ("Public", {"Hashed": {...}}, ...) as zkc names it."""
    name = next(iter(setting)) if isinstance(setting, dict) and setting else setting
    return str(name).lower()


def check_params(facts: ChainFacts, publics: list[list]) -> None:
    """With hashed parameters, every proof carries exactly the weights' commitment the
    artifact records for its circuit (the verifying key does not fix the weights then)."""
    for piece in facts.pieces:
        circuit = facts.circuits[piece.circuit]
        if not circuit.param_hashes:
            continue
        start = instance_layout(circuit)[1]
        carried = publics[piece.index][start : start + len(circuit.param_hashes)]
        if carried != circuit.param_hashes:
            raise VerificationError(
                f"{name_of(facts, piece.index)}: the proof's weights commitment is not the "
                "artifact's (proved with other weights)"
            )


def response(
    facts: ChainFacts, spec: IOSpec, publics: list[list], claimed: dict | None
) -> dict[str, np.ndarray]:
    """The model outputs the pieces' public outputs commit to; with `claimed`,
    VerificationError unless every claimed output is exactly that. Hashed or private outputs:
    none (and a proof claiming some is refused)."""
    mode = facts.visibility["outputs"]
    _check_mode(facts, {t.name for t in spec.outputs}, "output", mode)
    if mode != "public":
        if claimed:
            raise VerificationError(
                f"the artifact's outputs are {mode}: a proof of it states no output values"
            )
        return {}
    proved = {t.name: np.zeros(t.shape, dtype=np.float64) for t in spec.outputs}
    for piece in facts.pieces:
        circuit = facts.circuits[piece.circuit]
        position = instance_layout(circuit)[2]
        for j, part in enumerate(piece.outputs):
            if part.tensor not in proved:
                continue
            felts = publics[piece.index][position : position + part.size]
            position += part.size
            values = [proving.felt_to_float(f, circuit.output_scales[j]) for f in felts]
            paste_part(proved[part.tensor], part, np.asarray(values))
    if claimed is None:
        return proved
    for name, value in proved.items():
        if name not in claimed:
            raise VerificationError(f"the response has no output '{name}'")
        mine = _claimed(claimed[name], list(value.shape), f"the response's output '{name}'")
        if not np.array_equal(mine, value):
            what = "the last slice's proof" if facts.sliced else "the proof"
            raise VerificationError(f"output '{name}' is not what {what} commits to")
    return proved
