"""zkc.compiler.compute: where proofs, calibration and setup run (inline, a local process pool, Dask)."""
