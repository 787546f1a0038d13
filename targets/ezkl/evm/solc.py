"""Solidity compiled by the `solc` package from the npm registry (solc-js), run with node: the
project installs it (`make solc`) and passes its directory explicitly; nothing is downloaded."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from zkc.compiler.errors import ToolError, UserInputError

EVM_VERSION = "cancun"
# solc-js: read a standard-JSON input on stdin, write the output on stdout (no banner).
_RUNNER = (
    "const solc = require(process.argv[1]); let input = '';"
    "process.stdin.on('data', d => input += d);"
    "process.stdin.on('end', () => process.stdout.write(solc.compile(input)));"
)


@dataclass(frozen=True)
class Compiled:
    """One contract: its ABI, creation bytecode and deployed size."""

    abi: list
    bytecode: str
    runtime_bytes: int


def solc_version(solc_dir: Path) -> str:
    package = Path(solc_dir) / "package.json"
    if not package.is_file():
        raise UserInputError(
            f"{solc_dir}: not the npm solc package (no package.json); install it with "
            "`make solc` and pass --solc build/solc/node_modules/solc"
        )
    return str(json.loads(package.read_text())["version"])


def compile_solidity(sources: dict[str, str], solc_dir: Path, runs: int = 1) -> dict[str, Compiled]:
    """Compile Solidity sources (file name -> text) with the optimizer; every contract by name.
    ToolError with the compiler's first error."""
    solc_version(solc_dir)
    node = shutil.which("node")
    if node is None:
        raise UserInputError("node is not on PATH: solc-js needs Node.js")
    request = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {
            "optimizer": {"enabled": True, "runs": runs},
            "evmVersion": EVM_VERSION,
            "outputSelection": {
                "*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}
            },
        },
    }
    done = subprocess.run(
        [node, "-e", _RUNNER, str(Path(solc_dir).resolve())],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ToolError(f"solc-js failed: {done.stderr.strip().splitlines()[-1:]}")
    output = json.loads(done.stdout)
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise ToolError(f"solc: {errors[0]['formattedMessage'].splitlines()[0]}")
    compiled = {}
    for contracts in output["contracts"].values():
        for name, contract in contracts.items():
            compiled[name] = Compiled(
                abi=contract["abi"],
                bytecode=contract["evm"]["bytecode"]["object"],
                runtime_bytes=len(contract["evm"]["deployedBytecode"]["object"]) // 2,
            )
    return compiled
