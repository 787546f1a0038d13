"""zkc.compiler.pipeline.runner: the pass base, the pass runner, instruments."""
