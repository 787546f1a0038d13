"""A dev SRS is generated once per file, even by processes racing to create it (each
generation is random: a second one replacing the first would orphan keys set up with it)."""

import subprocess
import sys

from zkc.compiler.artifacts.hashing import sha256_file

CODE = """
import sys
from pathlib import Path
from zkc.targets.ezkl.srs import find_srs
path, facts = find_srs(Path(sys.argv[1]), 12, allow_dev_generate=True)
print(facts.sha256)
"""


def test_processes_racing_for_one_dev_srs_all_get_the_same_file(tmp_path):
    racers = [
        subprocess.Popen([sys.executable, "-c", CODE, str(tmp_path)], stdout=subprocess.PIPE)
        for _ in range(3)
    ]
    hashes = {racer.communicate(timeout=120)[0].decode().strip() for racer in racers}
    assert all(racer.returncode == 0 for racer in racers)
    assert hashes == {sha256_file(tmp_path / "kzg12.srs")}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".kzg12.srs.lock",
        "kzg12.srs",
        "kzg12.srs.zkc-dev.json",
    ]
