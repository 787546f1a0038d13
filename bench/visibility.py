"""Visibility combinations: each compiled, proved and verified (or refused at compile time), whole
and cut into linked pieces, with logrows and prove time against the public/fixed default.

    python bench/visibility.py --out bench/results --srs-dir DIR

mlp_digits (the zoo's digits MLP), one held-out sample proved per combination; prove time is one
run in a fresh prover (`Artifact.prove`, inline), on this machine.
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from _results import host, write_results

import zkc
from zkc.model_zoo.export import export_zoo_model

MODEL = "mlp_digits"
COMBINATIONS = [  # input, output, parameters
    ("public", "public", "fixed"),
    ("private", "public", "fixed"),
    ("hashed", "public", "fixed"),
    ("public", "hashed", "fixed"),
    ("public", "public", "hashed"),
    ("private", "public", "hashed"),
    ("hashed", "hashed", "hashed"),
    ("public", "public", "private"),
    ("private", "private", "fixed"),
    ("public", "public", "public"),
]
SHAPES = {"whole": {}, "2 pieces": {"slices": 2}}


def one(combination, shape: str, files, work: Path, srs_dir: Path, sample) -> dict:
    inputs, outputs, params = combination
    row = {"input": inputs, "output": outputs, "params": params, "shape": shape}
    with np.load(files.calibration_path) as data:
        calibration = data[data.files[0]]
    try:
        artifact = zkc.compile(
            files.onnx_path,
            calibration,
            output=work / f"{inputs}-{outputs}-{params}-{shape.replace(' ', '_')}.zkc",
            dev_srs=True,
            srs_dir=srs_dir,
            cache_dir=None,
            input_visibility=inputs,
            output_visibility=outputs,
            param_visibility=params,
            **SHAPES[shape],
        )
    except zkc.UserInputError as exc:
        return {**row, "result": "refused", "why": str(exc)}
    start = time.perf_counter()
    proof = artifact.prove(sample, workers=1)
    seconds = time.perf_counter() - start
    circuits = artifact.manifest.circuit.circuits
    return {
        **row,
        "result": "verified" if artifact.verify(proof) else "FAILED TO VERIFY",
        "logrows": max(c.logrows for c in circuits),
        "prove_s": round(seconds, 2),
        "public_values": sum(
            c.public_inputs + len(c.param_hashes) + c.public_outputs for c in circuits
        ),
    }


def markdown(rows: list[dict]) -> str:
    base = {
        r["shape"]: r for r in rows if (r["input"], r["output"], r["params"]) == COMBINATIONS[0]
    }
    lines = [
        f"# Visibility: {MODEL}, whole and in 2 linked pieces (one run each, this machine)",
        "",
        "| input | output | params | shape | result | logrows | prove s (x default) | "
        "public values |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r["result"] == "refused":
            lines.append(
                f"| {r['input']} | {r['output']} | {r['params']} | {r['shape']} | refused: "
                f"{r['why']} | | | |"
            )
            continue
        ratio = r["prove_s"] / base[r["shape"]]["prove_s"]
        lines.append(
            f"| {r['input']} | {r['output']} | {r['params']} | {r['shape']} | {r['result']} | "
            f"{r['logrows']} | {r['prove_s']:.2f} ({ratio:.2f}x) | {r['public_values']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--srs-dir", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-visibility-") as tmp:
        work = Path(tmp)
        files = export_zoo_model(MODEL, work / "m.onnx", work / "c.npz", work / "h.npz")
        with np.load(files.holdout_path) as data:
            sample = data[data.files[0]][0]
        rows = [
            one(combination, shape, files, work, args.srs_dir, sample)
            for shape in SHAPES
            for combination in COMBINATIONS
        ]
    doc = {"host": host(), "model": MODEL, "rows": rows}
    write_results(args.out, "visibility", doc, markdown(rows))


if __name__ == "__main__":
    main()
