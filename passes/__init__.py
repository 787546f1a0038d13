"""zkc.passes: one graph-rewrite or quantization pass per file."""
