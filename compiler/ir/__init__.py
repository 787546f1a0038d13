"""zkc.compiler.ir: the IR (onnx-ir) at its edges: loading and saving, load checks, input shapes, IO specs, graph helpers."""
