"""EVM verification cost: mlp_digits whole and cut into 3 linked pieces, verified in a local EVM
(py-evm through eth-tester) by the contracts `zkc evm` writes.

Measures: each contract's deployed size and deployment gas; the bare verifier's gas per piece;
the chain contract's gas per transaction at a 30M gas limit, and how many transactions it takes;
the verifier bundle's size against the full artifact.

    python bench/evm.py --out bench/results --srs-dir DIR --solc build/solc/node_modules/solc
"""

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np
from _results import host, write_results

import zkc
from zkc.compiler.artifacts.proof import load_proof
from zkc.model_zoo.export import export_zoo_model
from zkc.targets import open_artifact
from zkc.targets.ezkl.evm.build import build_evm, load_evm
from zkc.targets.ezkl.evm.local import BLOCK_GAS_LIMIT, LocalEvm
from zkc.targets.ezkl.evm.verify import deploy, verify_on_evm
from zkc.targets.ezkl.srs import SrsDirectory

MODEL = "mlp_digits"
CASES = {"whole": {}, "3 pieces": {"slices": 3}}


def measure(case: str, options: dict, files, work: Path, srs_dir: Path, solc: Path) -> dict:
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
    bundle = artifact.export_verifier(work / f"{name}.verifier")
    compiled = open_artifact(artifact.path, srs_dir)
    built = build_evm(
        compiled.path,
        compiled.key,
        compiled.facts,
        compiled.spec,
        SrsDirectory(srs_dir),
        solc,
        work / f"{name}.evm",
    )
    doc = load_evm(built.path)
    evm = LocalEvm(BLOCK_GAS_LIMIT)
    deployment = deploy(evm, doc)
    result = verify_on_evm(evm, doc, deployment, load_proof(proof), os.urandom(32))
    assert result.verified, result.reason
    return {
        "case": case,
        "pieces": built.pieces,
        "runtime_bytes": built.runtime_bytes,
        "deploy_gas": deployment.gas,
        "piece_gas": result.piece_gas,
        "transactions": result.transactions,
        "bundle_bytes": bundle.bytes,
        "artifact_bytes": bundle.artifact_bytes,
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-evm-") as tmp:
        work = Path(tmp)
        files = export_zoo_model(MODEL, work / "m.onnx", work / "c.npz", work / "h.npz")
        rows = [
            measure(case, options, files, work, args.srs_dir, args.solc)
            for case, options in CASES.items()
        ]
    write_results(args.out, "evm", {"host": host(), "model": MODEL, "rows": rows}, markdown(rows))


if __name__ == "__main__":
    main()
