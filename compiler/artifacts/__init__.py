"""zkc.compiler.artifacts: facts, the manifest and store, hashing, atomic writes, proofs, digest-checked downloads."""
