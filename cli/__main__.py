"""`python -m zkc.cli`: the same as the `zkc` command."""

from zkc.cli.main import entry

entry()
