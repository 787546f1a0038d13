"""EVM verifiers for EZKL artifacts: each circuit's Solidity verifier (rendered by EZKL), the
chain contract that verifies a sliced model's linked proofs (ZkcChain.sol), calldata, and a
local EVM (py-evm) to run them."""
