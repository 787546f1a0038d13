"""zkc.compiler: the IR, the pass pipeline, artifacts and the compile driver."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("zkc")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
