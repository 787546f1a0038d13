"""How many transactions, and how much gas, a chain's verification takes on the EVM, before
anything is built (`zkc plan`): from the gas bench/evm.py measured (gas.json beside this
module), each piece at the median measured verifier's gas plus the chain contract's fitted
gas per piece, packed into transactions of at most the block gas limit as `zkc evm verify`
packs them."""

import json
import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GAS_TABLE = Path(__file__).with_name("gas.json")


@dataclass(frozen=True)
class EvmEstimate:
    transactions: int
    gas: int  # over all transactions
    gas_limit: int

    def line(self) -> str:
        return (
            f"on the EVM (zkc evm): ~{self.transactions} transaction(s) of at most "
            f"{self.gas_limit / 1e6:.0f}M gas, ~{self.gas / 1e6:.1f}M gas in all "
            "(verifier gas measured by bench/evm.py)"
        )


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(GAS_TABLE.read_text())


def evm_estimate(pieces: int, gas_limit: int | None = None) -> EvmEstimate:
    """The estimated transactions and gas to verify a chain of `pieces` proofs."""
    table = _table()
    limit = gas_limit or table["block_gas_limit"]
    piece = statistics.median(table["verifier_gas"]) + table["chain_gas_per_piece"]
    base = table["chain_gas_per_transaction"]
    per_transaction = max(1, int((limit - base) // piece))
    transactions = -(-pieces // per_transaction)
    return EvmEstimate(transactions, int(transactions * base + pieces * piece), limit)
