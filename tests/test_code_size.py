"""The size budget (STYLE.md): no module over 250 lines, no function over 50, and the
formatter owns the layout (no formatter-off markers), over every Python file of the
project: the package folders, the benchmarks and the tests."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("compiler", "passes", "targets", "model_zoo", "cli", "bench", "tests")
MAX_MODULE_LINES = 250
MAX_FUNCTION_LINES = 50


def python_files() -> list[Path]:
    return [p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))]


def long_functions(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function longer than the budget (from `def` to its
    last line; decorators not counted)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append((node.name, node.lineno, length))
    return found


def test_no_module_over_the_budget():
    over = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in python_files()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert not over, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(over)


def test_no_function_over_the_budget():
    over = [
        f"{p.relative_to(ROOT)}:{line} {name}: {length} lines"
        for p in python_files()
        for name, line, length in long_functions(p.read_text())
    ]
    assert not over, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(over)


def test_the_formatter_owns_the_layout():
    markers = ("fmt: " + "skip", "fmt: " + "off")
    found = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in python_files()
        for i, line in enumerate(p.read_text().splitlines(), start=1)
        if any(m in line for m in markers)
    ]
    assert not found, "formatter switched off at:\n" + "\n".join(found)


def test_the_checks_would_catch_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert long_functions(f"def f():\n{body}\n") == [("f", 1, MAX_FUNCTION_LINES + 1)]
    assert long_functions("def g():\n    return 1\n") == []
