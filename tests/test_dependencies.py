"""Every third-party module the project imports is declared in pyproject.toml: the library's and the
app's in the main dependencies or, for an optional capability imported only when asked for (Spark,
PostgreSQL), in its extra; the tests' and benchmarks' in the ``test`` extra."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ["app.py", "cli.py", "workshop_data", "clustering", "personas", "exports", "app_pages"]
TEST_CODE = ["tests", "benchmarks"]


def _files(entries: list[str]) -> list[Path]:
    out: list[Path] = []
    for entry in entries:
        path = ROOT / entry
        out += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return out


def _local_names() -> set[str]:
    names = {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    return names | {p.stem for folder in TEST_CODE for p in (ROOT / folder).glob("*.py")}


def third_party_imports(entries: list[str]) -> dict[str, set[str]]:
    """Top-level module name -> files importing it, for modules neither stdlib nor the project's."""
    local, found = _local_names(), {}
    for path in _files(entries):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local and top != "__future__":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _declared(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def _undeclared(entries: list[str], declared: set[str]) -> dict[str, set[str]]:
    dists = packages_distributions()
    missing = {}
    for module, files in third_party_imports(entries).items():
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not names & declared:
            missing[module] = files
    return missing


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_every_module_the_code_imports_is_declared() -> None:
    project = _project()
    extras = {name for reqs in project["optional-dependencies"].values() for name in _declared(reqs)}
    assert _undeclared(CODE, _declared(project["dependencies"]) | extras) == {}


def test_every_module_the_tests_and_benchmarks_import_is_declared() -> None:
    project = _project()
    test = project["optional-dependencies"]["test"]
    extras = [r.split("[", 1)[1].split("]", 1)[0].split(",") for r in test if r.startswith(project["name"] + "[")]
    declared = _declared(project["dependencies"]) | _declared(test)
    for name in (n.strip() for group in extras for n in group):
        declared |= _declared(project["optional-dependencies"][name])
    assert _undeclared(TEST_CODE, declared) == {}


def test_the_check_sees_an_undeclared_import() -> None:
    assert "threadpoolctl" in _undeclared(["clustering"], {"scikit-learn"})
