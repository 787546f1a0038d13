"""Witness, prove and verify with EZKL, and decode the circuit's field elements into floats."""

import json
from pathlib import Path

import ezkl
import numpy as np

from zkc.compiler.errors import VerificationError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.targets.ezkl._native import call_ezkl, captured_native_output


def to_ezkl_input(inputs: dict[str, np.ndarray], spec: IOSpec) -> dict:
    """Lay inputs out as EZKL's input file: `{"input_data": [[flat values], ...]}` in graph order."""
    return {"input_data": [inputs[t.name].reshape(-1).astype(float).tolist() for t in spec.inputs]}


def gen_witness(
    data_path: Path,
    compiled_path: Path,
    witness_path: Path,
    vk_path: Path | None,
    srs_path: Path | None,
) -> dict:
    """`ezkl gen-witness` with every path explicit; returns the witness EZKL returns.

    A circuit with polycommit visibility commits to its tensors with the SRS at `srs_path`
    (and needs `vk_path` for it). EZKL reads `$EZKL_REPO_PATH/srs/kzg{k}.srs` (default
    `~/.ezkl/srs`) when no path is given, so `srs_path=None` (no commitments wanted: a search
    before setup, a witness for outputs only) is passed as a path that does not exist, which
    EZKL skips: it never reads an SRS zkc did not choose.
    """
    srs = srs_path if srs_path is not None else witness_path.with_name("no-srs-wanted")
    return call_ezkl(
        "gen_witness",
        ezkl.gen_witness,
        str(data_path),
        str(compiled_path),
        str(witness_path),
        vk_path=str(vk_path) if vk_path is not None else None,
        srs_path=str(srs),
    )


def generate_witness(
    compiled_path: Path,
    inputs: dict[str, np.ndarray],
    spec: IOSpec,
    work_dir: Path,
    vk_path: Path | None = None,
    srs_path: Path | None = None,
) -> tuple[Path, dict]:
    """Run the circuit's forward pass on one input; returns the witness file and its contents.

    With `vk_path` EZKL also computes what the verifying key needs (as SN2 miners run it);
    polycommit commitments need `srs_path` too (see `gen_witness`).
    """
    data_path = work_dir / "input.json"
    witness_path = work_dir / "witness.json"
    data_path.write_text(json.dumps(to_ezkl_input(inputs, spec)))
    witness = gen_witness(data_path, compiled_path, witness_path, vk_path, srs_path)
    return witness_path, witness


def felt_to_float(felt: str, scale: int) -> float:
    """One field element rescaled to a float."""
    return ezkl.felt_to_float(felt, scale)


def decode_outputs(
    witness_outputs: list[list[str]], scales: list[int], spec: IOSpec
) -> dict[str, np.ndarray]:
    """Field elements of each output, rescaled to floats, in the outputs' shapes."""
    result = {}
    for tensor, felts, scale in zip(spec.outputs, witness_outputs, scales, strict=True):
        values = [ezkl.felt_to_float(f, scale) for f in felts]
        result[tensor.name] = np.asarray(values, dtype=np.float64).reshape(tensor.shape)
    return result


def public_outputs(
    felts: list[str], scales: list[int], spec: IOSpec, claimed: dict | None, what: str
) -> dict[str, np.ndarray]:
    """Decode the outputs' public felts (laid out flat, in output order); with `claimed`,
    VerificationError unless every claimed output is exactly what `what` commits to."""
    per_output, pos = [], 0
    for tensor in spec.outputs:
        per_output.append(felts[pos : pos + tensor.size])
        pos += tensor.size
    proved = decode_outputs(per_output, scales, spec)
    if claimed is None:
        return proved
    for name, value in proved.items():
        mine = np.asarray(claimed.get(name, []), dtype=np.float64)
        if mine.shape != value.shape or not np.array_equal(mine, value):
            raise VerificationError(f"output '{name}' is not what {what} commits to")
    return proved


def felts(values: np.ndarray, scale: int) -> list[str]:
    """The public-instance field elements of float values at a scale (as validators compute)."""
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    return [ezkl.float_to_felt(float(x), scale, ezkl.PyInputType.F32) for x in flat]


def input_felts(inputs: dict[str, np.ndarray], scales: list[int], spec: IOSpec) -> list[str]:
    """The public-instance field elements of the inputs, as a validator recomputes them."""
    felts: list[str] = []
    for tensor, scale in zip(spec.inputs, scales, strict=True):
        flat = np.asarray(inputs[tensor.name], dtype=np.float64).reshape(-1)
        felts.extend(ezkl.float_to_felt(float(x), scale, ezkl.PyInputType.F32) for x in flat)
    return felts


def prove(
    witness_path: Path, compiled_path: Path, pk_path: Path, proof_path: Path, srs_path: Path
) -> dict:
    """Create a proof for a witness; returns the EZKL proof JSON."""
    call_ezkl(
        "prove",
        ezkl.prove,
        str(witness_path),
        str(compiled_path),
        str(pk_path),
        str(proof_path),
        str(srs_path),
    )
    return json.loads(proof_path.read_text())


def verify(proof_path: Path, settings_path: Path, vk_path: Path, srs_path: Path) -> bool:
    """Verify an EZKL proof file; False (never an exception) for a proof that does not verify."""
    try:
        with captured_native_output():
            # ezkl 23's stubs make `reduced_srs` required; the binding defaults it.
            verified = ezkl.verify(  # type: ignore[call-arg]
                str(proof_path), str(settings_path), str(vk_path), str(srs_path)
            )
            return bool(verified)
    except (RuntimeError, ValueError, OSError):
        # EZKL raises on malformed or non-verifying proofs; both mean "not verified".
        return False
