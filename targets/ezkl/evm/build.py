"""`zkc evm`: an artifact's EVM verifiers. Each distinct circuit's verifier (EZKL renders it;
solc-js compiles it) and the chain contract (ZkcChain.sol), with every piece's table and the
claim's layout in `evm.json`, so a proof file becomes calldata without the artifact."""

import dataclasses
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from zkc.compiler.artifacts.atomic import atomic_directory
from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.targets.ezkl.circuit import SETTINGS_FILE, VK_FILE
from zkc.targets.ezkl.evm.render import render_verifier
from zkc.targets.ezkl.evm.solc import EVM_VERSION, Compiled, compile_solidity, solc_version
from zkc.targets.ezkl.evm.tables import chain_tables
from zkc.targets.ezkl.srs import SrsDirectory

EVM_FORMAT = "zkc-evm/1"
EVM_FILE = "evm.json"
CHAIN = "ZkcChain"
EIP170_BYTES = 24_576  # the largest contract code Ethereum deploys


@dataclass(frozen=True)
class EvmBuild:
    """A written EVM directory: its contracts' deployed sizes, pieces and transactions."""

    path: Path
    runtime_bytes: dict[str, int]
    pieces: int


def build_evm(
    art_dir: Path,
    key: str,
    facts: ChainFacts,
    spec: IOSpec,
    srs: SrsDirectory,
    solc_dir: Path,
    output: Path,
) -> EvmBuild:
    """Write the contracts of an (already checked) artifact to `output`, atomically."""
    version = solc_version(solc_dir)
    if Path(output).resolve() == Path(art_dir).resolve():
        raise UserInputError(f"{output}: is the artifact itself; choose another directory")
    tables, claim = chain_tables(facts, spec)
    compiled: dict[str, Compiled] = {}
    with atomic_directory(Path(output)) as tmp:
        for circuit in facts.circuits:
            name = f"verifier_{circuit.index:03d}"
            where = Path(art_dir) / circuit.directory
            source = render_verifier(
                where / VK_FILE,
                where / SETTINGS_FILE,
                srs.checked(circuit.srs),
                tmp / f"{name}.sol",
            )
            compiled[name] = compile_solidity({f"{name}.sol": source}, solc_dir)["Halo2Verifier"]
        chain_source = (files("zkc.targets.ezkl.evm") / f"{CHAIN}.sol").read_text()
        (tmp / f"{CHAIN}.sol").write_text(chain_source)
        compiled[CHAIN] = compile_solidity({f"{CHAIN}.sol": chain_source}, solc_dir, 200)[CHAIN]
        doc = {
            "format": EVM_FORMAT,
            "artifact_key": key,
            "solc": version,
            "evm_version": EVM_VERSION,
            "contracts": {
                name: {"abi": c.abi, "bytecode": c.bytecode, "runtime_bytes": c.runtime_bytes}
                for name, c in compiled.items()
            },
            "pieces": [
                {"verifier": f"verifier_{piece.circuit:03d}", "table": [hex(w) for w in table]}
                for piece, table in zip(facts.pieces, tables, strict=True)
            ],
            "claim": dataclasses.asdict(claim),
        }
        (tmp / EVM_FILE).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    sizes = {name: c.runtime_bytes for name, c in compiled.items()}
    return EvmBuild(Path(output), sizes, len(facts.pieces))


def load_evm(directory: Path) -> dict:
    """A `zkc evm` directory's evm.json; UserInputError when it is not one."""
    path = Path(directory) / EVM_FILE
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise UserInputError(f"{path}: not a zkc evm directory ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != EVM_FORMAT:
        raise UserInputError(f'{path}: not a zkc evm file (expected "format": "{EVM_FORMAT}")')
    return doc
