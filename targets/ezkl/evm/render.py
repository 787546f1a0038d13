"""A circuit's Solidity verifier, rendered by EZKL's `create_evm_verifier`.

EZKL writes the contract, then asks a native solc for its ABI, which it fetches with svm into
`~/.svm` (a download). zkc compiles the contract itself with solc-js (zkc.targets.ezkl.evm.solc),
so the call runs in a child process whose HOME is an empty temporary directory: nothing is
fetched into the user's home, and the ABI step's failure there is expected and reported as such
only when the contract was not written."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from zkc.compiler.errors import ToolError

_CHILD = """
import asyncio, os, sys, ezkl
vk, settings, sol, abi, srs = sys.argv[1:6]
async def main():
    return await ezkl.create_evm_verifier(vk, settings, sol, abi, srs, False)
try:
    asyncio.run(main())
except RuntimeError as exc:
    print(str(exc).splitlines()[0], file=sys.stderr)
sys.stderr.flush()
os._exit(0)  # EZKL's failed fetch left threads that crashed the interpreter's exit under load
"""


def render_verifier(vk: Path, settings: Path, srs: Path, sol: Path, attempts: int = 2) -> str:
    """Write the verifier contract of one circuit to `sol`; returns its source."""
    errors = []
    for _ in range(attempts):
        with tempfile.TemporaryDirectory(prefix="zkc-evm-") as home:
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, str(vk), str(settings), str(sol), f"{home}/abi"]
                + [str(srs)],
                capture_output=True,
                text=True,
                env={**os.environ, "HOME": home},
                check=False,
            )
        text = sol.read_text() if sol.is_file() else ""
        if done.returncode == 0 and "contract Halo2Verifier" in text:
            return text
        errors.append(done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"])
    raise ToolError(f"EZKL did not render a verifier for {vk.parent}: {errors[-1][0]}")
