"""The package's import graph: no cycles, and each layer imports only what is below it.

Every import statement counts, including those inside functions (a cycle held together
by lazy imports is still a cycle), except those under ``if TYPE_CHECKING:``. Importing
``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` too, so it counts as importing them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "formcheck"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in SRC.rglob("*.py")}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                skip.update(id(n) for n in ast.walk(node))
    return skip


def imports_of(name: str) -> set[str]:
    """Every module ``name`` imports at run time (formcheck's and others', absolute)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(), str(path))
    skip = _type_checking_only(tree)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return found


def _edges(name: str) -> set[str]:
    """The formcheck modules importing ``name`` runs (the packages on the way included)."""
    out: set[str] = set()
    for target in imports_of(name):
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            step = ".".join(parts[:i])
            # a module's own enclosing packages are already running when it runs
            if step in MODULES and step != name and not name.startswith(step + "."):
                out.add(step)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walker_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_the_walker_reads_lazy_and_relative_imports() -> None:
    # formcheck.cli.root imports its command modules; cli.grade imports the library lazily
    assert "formcheck.cli.analyze" in _edges("formcheck.cli.root")
    assert "formcheck.frontends.grade" in _edges("formcheck.cli.grade")


def test_no_import_cycle() -> None:
    graph = {name: _edges(name) for name in MODULES}
    assert _cycles(graph) == []


@pytest.mark.parametrize("package", ["evaluator", "roller"])
def test_pure_stages_import_neither_typer_nor_rich(package: str) -> None:
    for name in MODULES:
        if name.startswith(f"formcheck.{package}"):
            bad = {m for m in imports_of(name) if m.split(".")[0] in ("typer", "rich", "click")}
            assert not bad, f"{name} imports {bad}"


def test_only_the_command_line_imports_the_command_line() -> None:
    for name in MODULES:
        if not name.startswith("formcheck.cli") and name != "formcheck.__main__":
            bad = {m for m in _edges(name) if m.startswith("formcheck.cli")}
            assert not bad, f"{name} imports {bad}"


def test_only_the_command_line_imports_typer() -> None:
    for name in MODULES:
        if not name.startswith("formcheck.cli"):
            bad = {m for m in imports_of(name) if m.split(".")[0] in ("typer", "click")}
            assert not bad, f"{name} imports {bad}"


def test_the_vocabulary_is_below_every_stage() -> None:
    assert not {m for m in _edges("formcheck.vocabulary") if m.startswith("formcheck.")}


def test_the_roller_stage_does_not_import_the_evaluator() -> None:
    for name in MODULES:
        if name.startswith("formcheck.roller"):
            bad = {m for m in _edges(name) if m.startswith("formcheck.evaluator")}
            assert not bad, f"{name} imports {bad}"
