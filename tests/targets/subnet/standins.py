"""Small stand-ins for the subnet's `execution_layer` package, so a generated input.py imports.

Same names and behaviour as subnet 2's `BaseInput`, `InputRegistry` and `RequestType`:
a benchmark request generates its data; any other validates, then processes, the given data.
"""

import importlib
import sys
import textwrap
from pathlib import Path

BASE_INPUT = """
from abc import ABC, abstractmethod
from enum import Enum


class RequestType(Enum):
    BENCHMARK = "benchmark_request"
    RWR = "real_world_request"


class BaseInput(ABC):
    def __init__(self, request_type, data=None):
        self.request_type = request_type
        if request_type == RequestType.BENCHMARK:
            self.data = self.generate()
        else:
            if data is None:
                raise ValueError("Data must be provided for non-benchmark requests")
            self.validate(data)
            self.data = self.process(data)

    @staticmethod
    @abstractmethod
    def generate(): ...

    @staticmethod
    @abstractmethod
    def validate(data): ...

    @staticmethod
    @abstractmethod
    def process(data): ...

    def to_array(self):
        return list(self.data.values())
"""

INPUT_REGISTRY = """
from importlib import import_module

from .base_input import BaseInput


class InputRegistry:
    _handlers = {}

    @classmethod
    def register(cls, circuit_id):
        def decorator(handler_class):
            cls._handlers[circuit_id] = handler_class
            return handler_class
        return decorator

    @classmethod
    def get_handler(cls, circuit_id):
        if circuit_id not in cls._handlers:
            import_module(f"deployment_layer.model_{circuit_id}.input")
        return cls._handlers[circuit_id]
"""


_SAVED_BYTECODE_FLAG: list[bool] = []


def install(root: Path, deployment_layer: Path):
    """Lay out `execution_layer/` and a `deployment_layer` package under `root`; returns the registry module.

    Importing the package's input.py must not write `__pycache__` into the package (the
    session's package is shared by tests that check its exact files)."""
    _SAVED_BYTECODE_FLAG.append(sys.dont_write_bytecode)
    sys.dont_write_bytecode = True
    package = root / "execution_layer"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "base_input.py").write_text(textwrap.dedent(BASE_INPUT))
    (package / "input_registry.py").write_text(textwrap.dedent(INPUT_REGISTRY))
    link = root / "deployment_layer"
    if not link.exists():
        link.symlink_to(deployment_layer.resolve(), target_is_directory=True)
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    return importlib.import_module("execution_layer.input_registry")


def uninstall(root: Path) -> None:
    """Undo `install`: drop the modules and the path entry."""
    for name in list(sys.modules):
        if name.split(".")[0] in ("execution_layer", "deployment_layer"):
            del sys.modules[name]
    sys.path.remove(str(root))
    if _SAVED_BYTECODE_FLAG:
        sys.dont_write_bytecode = _SAVED_BYTECODE_FLAG.pop()
