"""EVM verification cost: mlp_digits whole and cut into 3 linked pieces, verified in a local EVM
(py-evm through eth-tester) by the contracts `zkc evm` writes.

Measures: each contract's deployed size and deployment gas; the bare verifier's gas per piece;
the chain contract's gas per transaction at a 30M gas limit, and how many transactions it takes;
the verifier bundle's size against the full artifact. Writes targets/ezkl/evm/gas.json, the
measured gas `zkc plan` estimates a chain's transactions from.

    python bench/evm.py --out bench/results --srs-dir DIR --solc build/solc/node_modules/solc
    # an artifact compiled elsewhere (bench/scale.py --keep DIR), joining the table:
    python bench/evm.py --out bench/results --srs-dir DIR --solc ... \
        --artifact DIR/r8.zkc --proof DIR/proof.json --case resnet8_digits32
"""

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
from _results import host, write_results

import zkc
from zkc.model_zoo.export import export_zoo_model
from zkc.targets.ezkl.evm.estimate import GAS_TABLE
from zkc.targets.ezkl.evm.local import BLOCK_GAS_LIMIT

MODEL = "mlp_digits"
CASES = {"whole": {}, "3 pieces": {"slices": 3}}


def measure(case: str, options: dict, files, work: Path, srs_dir: Path, solc: Path) -> dict:
    """Compile the zoo model as `options` say, prove one held-out sample, measure on the EVM."""
    with np.load(files.calibration_path) as data:
        calibration = data[data.files[0]]
    with np.load(files.holdout_path) as data:
        sample = data[data.files[0]][0]
    name = case.replace(" ", "_")
    artifact = zkc.compile(
        files.onnx_path,
        calibration,
        output=work / f"{name}.zkc",
        dev_srs=True,
        srs_dir=srs_dir,
        cache_dir=None,
        **options,
    )
    proof = artifact.prove(sample).save(work / f"{name}.proof.json")
    return measure_artifact(case, artifact, proof, work, solc)


def measure_artifact(
    case: str, artifact: zkc.Artifact, proof: Path, work: Path, solc: Path
) -> dict:
    """An artifact's verifier bundle and EVM contracts, and one proof verified on the EVM."""
    name = case.replace(" ", "_")
    bundle = artifact.export_verifier(work / f"{name}.verifier")
    contracts = artifact.export_evm(work / f"{name}.evm", solc=solc)
    result = contracts.verify(proof, gas_limit=BLOCK_GAS_LIMIT)
    assert result.verified, result.reason
    return {
        "case": case,
        "pieces": contracts.pieces,
        "runtime_bytes": contracts.runtime_bytes,
        "deploy_gas": result.deploy_gas,
        "piece_gas": result.piece_gas,
        "transactions": result.transactions,
        "bundle_bytes": bundle.bytes,
        "artifact_bytes": bundle.artifact_bytes,
    }


def gas_table(rows: list[dict]) -> dict:
    """What `zkc plan` estimates a chain's EVM verification from: every measured piece's bare
    verifier gas, and the chain contract's gas above the verifiers, fitted as a base per
    transaction plus an amount per piece (least squares over the single-transaction rows)."""
    single = [r for r in rows if len(r["transactions"]) == 1]
    design = np.array([[1.0, r["pieces"]] for r in single])
    above = np.array([r["transactions"][0] - sum(r["piece_gas"]) for r in single], dtype=float)
    (base, per_piece), *_ = np.linalg.lstsq(design, above, rcond=None)
    return {
        "source": "bench/evm.py (py-evm through eth-tester; EZKL 23.0.5 verifiers)",
        "cases": [r["case"] for r in rows],
        "verifier_gas": sorted(g for r in rows for g in r["piece_gas"]),
        "chain_gas_per_transaction": int(round(base)),
        "chain_gas_per_piece": int(round(per_piece)),
        "block_gas_limit": BLOCK_GAS_LIMIT,
    }


def markdown(rows: list[dict]) -> str:
    lines = [
        f"# EVM verification: {MODEL} (py-evm via eth-tester, solc-js; one run, this machine)",
        "",
        "| case | pieces | verifier gas per piece | chain gas per transaction | transactions "
        "(30M) | deployment gas | largest verifier | bundle / artifact bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        verifiers = {k: v for k, v in r["runtime_bytes"].items() if k.startswith("verifier")}
        lines.append(
            f"| {r['case']} | {r['pieces']} | {', '.join(f'{g:,d}' for g in r['piece_gas'])} | "
            f"{', '.join(f'{g:,d}' for g in r['transactions'])} | {len(r['transactions'])} | "
            f"{sum(r['deploy_gas'].values()):,d} | {max(verifiers.values()):,d} B | "
            f"{r['bundle_bytes']:,d} / {r['artifact_bytes']:,d} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--srs-dir", type=Path, required=True)
    parser.add_argument("--solc", type=Path, required=True)
    parser.add_argument(
        "--artifact",
        type=Path,
        help="Measure this compiled artifact (with --proof) instead of compiling the zoo "
        "model; its row joins the existing results.",
    )
    parser.add_argument("--proof", type=Path, help="A proof file of --artifact.")
    parser.add_argument("--case", default=None, help="The row's name (default: the artifact's).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-evm-") as tmp:
        work = Path(tmp)
        if args.artifact is not None:
            if args.proof is None:
                parser.error("--artifact needs --proof")
            previous = json.loads((args.out / "evm.json").read_text())["rows"]
            case = args.case or args.artifact.stem
            artifact = zkc.load(args.artifact, srs_dir=args.srs_dir)
            row = measure_artifact(case, artifact, args.proof, work, args.solc)
            rows = [r for r in previous if r["case"] != case] + [row]
        else:
            files = export_zoo_model(MODEL, work / "m.onnx", work / "c.npz", work / "h.npz")
            rows = [
                measure(case, options, files, work, args.srs_dir, args.solc)
                for case, options in CASES.items()
            ]
    write_results(args.out, "evm", {"host": host(), "model": MODEL, "rows": rows}, markdown(rows))
    GAS_TABLE.write_text(json.dumps(gas_table(rows), indent=1) + "\n")


if __name__ == "__main__":
    main()
