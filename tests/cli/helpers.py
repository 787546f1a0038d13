"""Assertions on CLI output."""


def assert_one_error_line(err: str) -> None:
    """A user's mistake is reported as exactly one `zkc: error:` line and never a traceback."""
    errors = [line for line in err.splitlines() if line.startswith("zkc: error:")]
    assert len(errors) == 1, err
    assert err.rstrip().splitlines()[-1] == errors[0]
    assert "Traceback" not in err
