"""zkc.compiler.target: the Target protocol and what the compiler hands a target and gets back."""
