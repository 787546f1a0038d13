"""zkc.compiler.pieces.parts: building the plan's pieces (slice and tile models) and running them with onnxruntime."""
