"""A local EVM (py-evm through eth-tester, in process, no network) to deploy the contracts of
`zkc evm` and run verifications: what the tests and `zkc evm verify` use, and how gas is
measured."""

from dataclasses import dataclass

from zkc.compiler.errors import UserInputError

BLOCK_GAS_LIMIT = 30_000_000  # one transaction at most this (Ethereum's block gas target)


@dataclass(frozen=True)
class Receipt:
    """A transaction's outcome: succeeded, gas used, or why it reverted."""

    ok: bool
    gas: int
    reason: str


class LocalEvm:
    """One in-process chain with a funded account; a verification's transactions get at most
    `gas_limit` each (deployments the block's limit)."""

    def __init__(self, gas_limit: int = BLOCK_GAS_LIMIT) -> None:
        try:
            from eth_tester import EthereumTester, PyEVMBackend
        except ImportError as exc:
            raise UserInputError(
                "a local EVM needs eth-tester and py-evm: pip install 'zkc[evm]'"
            ) from exc
        overrides = {"gas_limit": max(gas_limit, BLOCK_GAS_LIMIT)}
        params = PyEVMBackend.generate_genesis_params(overrides=overrides)
        self.tester = EthereumTester(PyEVMBackend(genesis_parameters=params))
        self.account = self.tester.get_accounts()[0]
        self.gas_limit = gas_limit

    def deploy(self, bytecode: str, arguments: bytes = b"") -> tuple[str, int]:
        """Deploy a contract; its address and the gas the deployment used."""
        data = "0x" + bytecode.removeprefix("0x") + arguments.hex()
        tx = self.tester.send_transaction(
            {"from": self.account, "data": data, "gas": max(self.gas_limit, BLOCK_GAS_LIMIT)}
        )
        receipt = self.tester.get_transaction_receipt(tx)
        if receipt["status"] != 1 or not receipt["contract_address"]:
            raise UserInputError(
                f"deployment failed (gas {receipt['gas_used']:,d}): a contract over EIP-170's "
                "24,576 bytes, or out of gas"
            )
        return receipt["contract_address"], receipt["gas_used"]

    def transact(self, to: str, data: bytes) -> Receipt:
        """Send a transaction; on a revert, the reason (from the same call, re-run)."""
        message = {"from": self.account, "to": to, "data": "0x" + data.hex(), "gas": self.gas_limit}
        tx = self.tester.send_transaction(message)
        receipt = self.tester.get_transaction_receipt(tx)
        if receipt["status"] == 1:
            return Receipt(True, receipt["gas_used"], "")
        return Receipt(False, receipt["gas_used"], self._reason(message))

    def view(self, to: str, data: bytes) -> bytes:
        """What a read-only call returns."""
        return _bytes(self.tester.call({"from": self.account, "to": to, "data": "0x" + data.hex()}))

    def _reason(self, message: dict) -> str:
        from eth_tester.exceptions import TransactionFailed

        try:
            self.tester.call(message)
        except TransactionFailed as exc:
            return str(exc.args[0] if exc.args else exc)
        return "reverted (the call alone succeeds: out of gas in the transaction)"


def _bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    return bytes.fromhex(str(value).removeprefix("0x"))
