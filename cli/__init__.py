"""zkc.cli: the click application. Thin: parses, calls the library, prints."""
