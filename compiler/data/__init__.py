"""zkc.compiler.data.samples: sample files, the onnxruntime reference, fidelity and budgets."""
