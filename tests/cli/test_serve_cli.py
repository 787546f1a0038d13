"""`zkc serve` refuses bad start-up input with one line and exit 2 (the server itself: tests/targets/subnet)."""

from tests.cli.helpers import assert_one_error_line


def test_needs_exactly_one_identity(zkc, tmp_path):
    code, _, err = zkc("serve", tmp_path)
    assert code == 2 and "exactly one of --wallet" in err
    assert_one_error_line(err)


def test_missing_wallet_names_it(zkc, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    code, _, err = zkc("serve", tmp_path, "--wallet", "nowallet/nohotkey")
    assert code == 2 and "--wallet nowallet/nohotkey" in err
    assert_one_error_line(err)


def test_not_a_circuit(zkc, tmp_path):
    code, _, err = zkc("serve", tmp_path / "x", "--hotkey-uri", "//Bob")
    assert code == 2 and "x: no such artifact, package or directory" in err
    assert_one_error_line(err)
