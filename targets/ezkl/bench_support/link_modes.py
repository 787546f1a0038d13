"""Measure the two ways EZKL can link slices: `hashed` and `polycommit` visibility.

For a two-slice model it builds both slices in each mode, chains the witnesses, proves and
verifies, and checks the link as zkc's verifier does: equal hashes in the instances
(`hashed`), equal commitment points at the start of the two proofs (`polycommit`). It also
records whether EZKL's own `swap_proof_commitments` round-trips a proof with its own
witness. zkc's verifier reads the points from the proofs instead, so it needs no witness.
Used by bench/link_modes.py.
"""

import json
import shutil
import time
from pathlib import Path

import ezkl
import numpy as np

from zkc.targets.ezkl._native import call_ezkl


def _build(
    model: Path, work: Path, tag: str, inv: str, outv: str, data: list, srs_dir: Path
) -> dict:
    args = ezkl.PyRunArgs()
    # ezkl 23's stubs declare PyRunArgs without its fields; they exist at run time.
    args.input_visibility = inv  # type: ignore[attr-defined]
    args.output_visibility = outv  # type: ignore[attr-defined]
    args.param_visibility = "fixed"  # type: ignore[attr-defined]
    args.input_scale = args.param_scale = 13  # type: ignore[attr-defined]
    args.decomp_base, args.decomp_legs = 1024, 3  # type: ignore[attr-defined]
    args.variables = [("batch_size", 1)]  # type: ignore[attr-defined]
    settings = work / f"{tag}.settings.json"
    call_ezkl("gen_settings", ezkl.gen_settings, str(model), str(settings), args)
    (work / f"{tag}.cal.json").write_text(json.dumps({"input_data": data}))
    call_ezkl(
        "calibrate_settings",
        ezkl.calibrate_settings,
        str(work / f"{tag}.cal.json"),
        str(model),
        str(settings),
        "resources",
        scales=[13],
        scale_rebase_multiplier=[1],
    )
    doc = json.loads(settings.read_text())
    k = doc["run_args"]["logrows"]
    call_ezkl(
        "compile_circuit",
        ezkl.compile_circuit,
        str(model),
        str(work / f"{tag}.compiled"),
        str(settings),
    )
    start = time.perf_counter()
    call_ezkl(
        "setup",
        ezkl.setup,
        str(work / f"{tag}.compiled"),
        str(work / f"{tag}.vk"),
        str(work / f"{tag}.pk"),
        str(srs_dir / f"kzg{k}.srs"),
    )
    return {
        "logrows": k,
        "num_rows": doc["num_rows"],
        "module_sizes": doc.get("module_sizes"),
        "setup_seconds": round(time.perf_counter() - start, 2),
        "settings": settings,
        "srs": srs_dir / f"kzg{k}.srs",
    }


def measure_link_modes(
    slices: list[Path], first_input: np.ndarray, calib: list[list], work: Path, srs_dir: Path
) -> dict:
    """Build, prove and verify a two-slice chain in each link mode; `calib[i]` is slice i's
    flat calibration input."""
    result = {}
    for mode in ("hashed", "polycommit"):
        built = [
            _build(slices[0], work, f"{mode}0", "public", mode, [calib[0]], srs_dir),
            _build(slices[1], work, f"{mode}1", mode, "public", [calib[1]], srs_dir),
        ]
        data = {"input_data": [first_input.reshape(-1).tolist()]}
        rows = []
        for i, b in enumerate(built):
            tag = f"{mode}{i}"
            row, data = _prove_slice(work, tag, b, data)
            if mode == "polycommit":
                row["link_check_with_own_witness"] = _swap_then_verify(work, tag, b)
            rows.append(row)
        rows[1].update(_link_check(work, mode))
        result[mode] = rows
    return result


def _prove_slice(work: Path, tag: str, built: dict, data: dict) -> tuple[dict, dict]:
    """Witness one built slice on `data`, prove and verify it; returns its row and the next
    slice's input data (this slice's outputs)."""
    (work / f"{tag}.in.json").write_text(json.dumps(data))
    witness = call_ezkl(
        "gen_witness",
        ezkl.gen_witness,
        str(work / f"{tag}.in.json"),
        str(work / f"{tag}.compiled"),
        str(work / f"{tag}.w.json"),
        vk_path=str(work / f"{tag}.vk"),
        srs_path=str(built["srs"]),
    )
    start = time.perf_counter()
    call_ezkl(
        "prove",
        ezkl.prove,
        str(work / f"{tag}.w.json"),
        str(work / f"{tag}.compiled"),
        str(work / f"{tag}.pk"),
        str(work / f"{tag}.proof.json"),
        str(built["srs"]),
    )
    seconds = time.perf_counter() - start
    # ezkl 23's stubs make `reduced_srs` required; the binding defaults it.
    ok = bool(
        ezkl.verify(  # type: ignore[call-arg]
            str(work / f"{tag}.proof.json"),
            str(built["settings"]),
            str(work / f"{tag}.vk"),
            str(built["srs"]),
        )
    )
    row = {k: v for k, v in built.items() if k not in ("settings", "srs")}
    row |= {"prove_seconds": round(seconds, 2), "verifies": ok}
    return row, {"input_data": witness["outputs"]}


def _link_check(work: Path, mode: str) -> dict[str, bool]:
    """The link between the two proved slices, as zkc verifies it."""
    if mode == "polycommit":
        # Slice 0's output commitment opens its proof, and slice 1's input commitment opens
        # slice 1's proof (64-byte points).
        first = [
            bytes(json.loads((work / f"{mode}{i}.proof.json").read_text())["proof"])[:64]
            for i in (0, 1)
        ]
        return {"link_points_equal": first[0] == first[1]}
    proofs = [
        json.loads((work / f"{mode}{i}.proof.json").read_text())["instances"][0] for i in (0, 1)
    ]
    return {"link_hashes_equal": proofs[0][-1] == proofs[1][0]}


def _swap_then_verify(work: Path, tag: str, built: dict) -> str:
    """Swap the proof's commitments with those of its own witness (the no-op case of a link
    check) and verify: whether a polycommit link is checkable with EZKL's API."""
    swapped = work / f"{tag}.swapped.json"
    shutil.copyfile(work / f"{tag}.proof.json", swapped)
    try:
        ezkl.swap_proof_commitments(str(swapped), str(work / f"{tag}.w.json"))
        # ezkl 23's stubs make `reduced_srs` required; the binding defaults it.
        ok = ezkl.verify(  # type: ignore[call-arg]
            str(swapped), str(built["settings"]), str(work / f"{tag}.vk"), str(built["srs"])
        )
        return "verifies" if ok else "does not verify"
    except (RuntimeError, ValueError) as exc:
        return f"fails: {str(exc).splitlines()[0][:100]}"
