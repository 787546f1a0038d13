"""Workers end with their owner, even one killed before a worker finished starting."""

import subprocess
import sys


def test_a_worker_whose_owner_died_while_it_started_exits_at_once():
    """The pool passes its own pid: a worker already reparented when its initializer runs
    (the owner was killed while the worker imported) exits instead of adopting the new parent."""
    code = "from zkc.compiler.compute.lifecycle import watch_parent; watch_parent(1 << 30); "
    code += "import time; time.sleep(30); raise SystemExit(3)"
    done = subprocess.run([sys.executable, "-c", code], timeout=20)
    assert done.returncode == 0


def test_a_worker_whose_owner_lives_keeps_running():
    code = "import os; from zkc.compiler.compute.lifecycle import watch_parent; "
    code += "watch_parent(os.getppid()); import time; time.sleep(2.5); raise SystemExit(3)"
    done = subprocess.run([sys.executable, "-c", code], timeout=20)
    assert done.returncode == 3
