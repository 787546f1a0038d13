// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// The verifier EZKL renders for one circuit (halo2-solidity-verifier): it reverts or returns
/// false unless `proof` is a valid proof of `instances`.
interface IHalo2Verifier {
    function verifyProof(bytes calldata proof, uint256[] calldata instances) external returns (bool);
}

/// Verifies a zkc chain: the proofs of a sliced model's pieces, in order, each against its
/// circuit's verifier, every link's commitments equal on both sides, and the request and
/// response the caller states equal to the public values the pieces carry, as `zkc verify`
/// does off chain.
///
/// What each piece must satisfy is its table (one word per rule, see `_apply`); the contract
/// stores only keccak256(verifier, table) per piece, set once at deployment, and the caller
/// passes the tables with the proofs. A chain too large for one transaction is verified in
/// several: each call verifies the next pieces of a run (keyed by the caller and a nonce) and
/// records the producer side of every link it crosses; the last call returns true.
contract ZkcChain {
    uint256 private constant COUNT = 0; // a: the number of public values
    uint256 private constant PRODUCE = 1; // link a: keep hash of d[b, b + c)
    uint256 private constant CONSUME = 2; // link a: hash of d[b, b + c) equals the producer's
    uint256 private constant REQUEST = 3; // instances[b + j] == request[a + j], j < c
    uint256 private constant RESPONSE = 4; // instances[b + j] == response[a + j], j < c
    uint256 private constant CONSTANT = 5; // instances[a] == the next word
    uint256 private constant CLAIM = 6; // request has a values, response b
    // d (the low byte): 0 the proof's bytes, 1 the public values

    /// One piece: its circuit's verifier, its table, its proof and public values.
    struct Proved {
        address verifier;
        uint256[] table;
        bytes proof;
        uint256[] instances;
    }

    /// What the caller states: the request's and the response's public values.
    struct Claim {
        uint256[] request;
        uint256[] response;
    }

    bytes32[] public pieceHashes;
    mapping(bytes32 => uint256) public next;
    mapping(bytes32 => bytes32) private claims;
    mapping(bytes32 => bytes32) private ends;

    constructor(bytes32[] memory hashes) {
        require(hashes.length > 0, "no pieces");
        pieceHashes = hashes;
    }

    function pieces() external view returns (uint256) {
        return pieceHashes.length;
    }

    /// Verify pieces [start, start + items.length) of the run `nonce` of the caller; true when
    /// the chain is complete. Reverts naming the first rule that fails.
    function verify(
        bytes32 nonce,
        uint256 start,
        Proved[] calldata items,
        Claim calldata claim
    ) external returns (bool) {
        bytes32 run = keccak256(abi.encode(msg.sender, nonce));
        require(next[run] == start, "zkc: pieces out of order");
        require(items.length > 0 && start + items.length <= pieceHashes.length, "zkc: range");
        bytes32 stated = keccak256(abi.encode(claim.request, claim.response));
        if (start == 0) {
            claims[run] = stated;
        } else {
            require(claims[run] == stated, "zkc: request or response changed");
        }
        for (uint256 k = 0; k < items.length; ++k) {
            Proved calldata item = items[k];
            require(
                keccak256(abi.encode(item.verifier, item.table)) == pieceHashes[start + k],
                "zkc: not this chain's piece"
            );
            _verifyProof(item);
            for (uint256 t = 0; t < item.table.length; ++t) {
                t = _apply(run, item, t, claim);
            }
        }
        next[run] = start + items.length;
        return next[run] == pieceHashes.length;
    }

    /// The piece's proof valid for its public values: its verifier returns true (a verifier
    /// that reverts, as EZKL's do on a bad proof, is the same refusal, named).
    function _verifyProof(Proved calldata item) private {
        try IHalo2Verifier(item.verifier).verifyProof(item.proof, item.instances) returns (
            bool valid
        ) {
            require(valid, "zkc: proof");
        } catch {
            revert("zkc: proof");
        }
    }

    /// Apply rule `t` of the piece's table; returns the index of the rule's last word.
    function _apply(
        bytes32 run,
        Proved calldata item,
        uint256 t,
        Claim calldata claim
    ) private returns (uint256) {
        uint256 word = item.table[t];
        uint256 op = word >> 248;
        uint256 a = (word >> 160) & 0xffffffffffffffff;
        uint256 b = (word >> 96) & 0xffffffffffffffff;
        uint256 c = (word >> 32) & 0xffffffffffffffff;
        if (op == COUNT) {
            require(item.instances.length == a, "zkc: public values");
        } else if (op == PRODUCE || op == CONSUME) {
            bytes32 slot = keccak256(abi.encode(run, a));
            bytes32 seen = _hash(item, word & 0xff, b, c);
            if (op == PRODUCE) {
                ends[slot] = seen;
            } else {
                require(ends[slot] != 0 && ends[slot] == seen, "zkc: link");
            }
        } else if (op == REQUEST || op == RESPONSE) {
            uint256[] calldata stated = op == REQUEST ? claim.request : claim.response;
            require(a + c <= stated.length && b + c <= item.instances.length, "zkc: claim range");
            for (uint256 j = 0; j < c; ++j) {
                require(item.instances[b + j] == stated[a + j], "zkc: request or response");
            }
        } else if (op == CONSTANT) {
            require(t + 1 < item.table.length, "zkc: table");
            require(item.instances[a] == item.table[t + 1], "zkc: constant");
            return t + 1;
        } else if (op == CLAIM) {
            require(claim.request.length == a && claim.response.length == b, "zkc: claim size");
        } else {
            revert("zkc: table");
        }
        return t;
    }

    function _hash(
        Proved calldata item,
        uint256 source,
        uint256 start,
        uint256 length
    ) private pure returns (bytes32) {
        if (source == 0) {
            require(start + length <= item.proof.length, "zkc: link range");
            return keccak256(item.proof[start:start + length]);
        }
        require(start + length <= item.instances.length, "zkc: link range");
        return keccak256(abi.encode(item.instances[start:start + length]));
    }
}
