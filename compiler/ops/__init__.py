"""zkc.compiler.ops: what tiling knows of each op, one module per op family: whether a node can
head or continue a unit, what its tiles read, and how a tile computes it (the registry is
zkc.compiler.ops.registry.TILE_OPS)."""
