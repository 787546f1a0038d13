"""Versions of zkc and the tools an artifact depends on (part of every artifact key)."""

from importlib.metadata import PackageNotFoundError, version

from zkc.compiler import __version__

TOOLS = ("ezkl", "onnx", "onnx-ir", "onnxruntime", "onnxscript", "onnxsim")


def tool_versions() -> dict[str, str]:
    """Installed versions of the tools that shape an artifact."""
    found = {}
    for name in TOOLS:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def zkc_version() -> str:
    """The installed zkc version."""
    return __version__
