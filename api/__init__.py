"""zkc's Python API (re-exported as `zkc`): compile a model, load an artifact, prove and verify
one inference, plan a compile. See docs/python-api.md."""
