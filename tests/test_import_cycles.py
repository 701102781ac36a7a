"""No import cycles in ``tui/``: the modules form a layered graph.

The graph is built from the source with ``ast``. Every import statement
counts, wherever it is: at module level, under ``if TYPE_CHECKING:`` and
inside functions. An import moved into a function or behind
``TYPE_CHECKING`` still means the two modules need each other; it only
moves the failure from import time to the first call, so it hides a cycle
instead of removing it.

An import names the module it loads: ``from . import x`` is the submodule
``x`` when there is one, ``from .x import y`` is ``x``. Loading a submodule
also runs its package's ``__init__``; that implicit edge is left out, since
every package's ``__init__`` imports its own submodules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tui"

#: Edges a cycle may go through, each with the reason it is allowed (none).
ALLOWED: dict[tuple[str, str], str] = {}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """The modules of ``known`` that one import statement in ``module`` loads."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    for target in targets:
        while target and target not in known:  # ``import tui.x.y`` of an attribute path: its module
            target = target.rpartition(".")[0]
        if target and target != module:
            yield target


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of the package at ``root`` -> the modules of the package it imports."""
    paths = {_module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    known = set(paths)
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = {
            target
            for node in ast.walk(tree)  # every statement: module level, TYPE_CHECKING, functions
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for target in _imported(node, module, path.name == "__init__.py", known)
        }
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _described(component: list[str], graph: Mapping[str, set[str]]) -> str:
    members = set(component)
    edges = (f"{a} -> {b}" for a in component for b in sorted(graph[a] & members))
    return "cycle: " + "; ".join(edges)


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from . import a\n")
    (package / "a.py").write_text("from .sub.b import thing\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import C\n"
    )
    (package / "c.py").write_text("def f():\n    from pkg import VERSION\n")
    graph = import_graph(package)
    assert graph == {
        "pkg": {"pkg.a"}, "pkg.a": {"pkg.sub.b"}, "pkg.sub": set(), "pkg.sub.b": {"pkg.c"}, "pkg.c": {"pkg"},
    }
    assert cycles(graph) == [["pkg", "pkg.a", "pkg.c", "pkg.sub.b"]]


def test_tui_has_no_import_cycle() -> None:
    graph = import_graph()
    assert "tui.session.snapshot" in graph and "tui.cli.args" in graph["tui.cli.commands"]
    for source, target in ALLOWED:
        graph[source].discard(target)
    assert [_described(component, graph) for component in cycles(graph)] == []
