"""The import graph of the project's own code: layers, and no module-level circles.

Read from the source (``ast``), not from a running process: what a module imports at its top
level (outside ``if TYPE_CHECKING:``) must never lead back to it, and no app imports — even
lazily, even for type checking — from an app above it (docs/architecture.md, "Layers").
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "callao": ROOT / "callao",
    "accounts": ROOT / "accounts",
    "incidents": ROOT / "incidents",
    "predictions": ROOT / "predictions",
    "reports": ROOT / "reports",
    "analytics": ROOT / "analytics",
    "prevention": ROOT / "prevention",
    "forecasting": ROOT / "forecasting" / "src" / "forecasting",
}
# The project package's foundations, which every app may use; the rest of callao (urls,
# views, celery, admin site) sits on top of the apps.
CALLAO_BASE = {
    "callao.api",
    "callao.cache",
    "callao.charts",
    "callao.dates",
    "callao.env",
    "callao.errors",
    "callao.pdf",
    "callao.providers",
    "callao.text",
}
DOMAIN_TOP = {"predictions", "reports", "analytics", "prevention"}
# What each package may import from the project (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    "forecasting": set(),
    "callao-base": set(),
    "accounts": {"callao-base"},
    "incidents": {"callao-base", "accounts", "forecasting"},
    **{app: {"callao-base", "accounts", "incidents", "forecasting"} for app in DOMAIN_TOP},
    "callao": set(PACKAGES) | {"callao-base"},
}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    top_level: bool  # runs when the module is imported (not in a function, not type-only)
    line: int


def _module_name(path: Path) -> str:
    for package, folder in PACKAGES.items():
        if path.is_relative_to(folder):
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    raise ValueError(path)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in PACKAGES.values():
        if folder.is_dir():
            for path in folder.rglob("*.py"):
                if "migrations" not in path.parts:
                    found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (a module, or its package)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(nodes: list[ast.stmt], *, top_level: bool) -> Iterator[tuple[ast.stmt, bool]]:
    for node in nodes:
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from _walk(node.body, top_level=False)
            yield from _walk(node.orelse, top_level=top_level)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _walk(node.body, top_level=False)
        elif isinstance(node, ast.ClassDef | ast.If | ast.Try | ast.With | ast.For | ast.While):
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []):
                    inner = child.body if isinstance(child, ast.ExceptHandler) else [child]
                    yield from _walk(inner, top_level=top_level)
        else:
            yield node, top_level


def _imports(module: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node, top_level in _walk(tree.body, top_level=True):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                yield Import(module, target, top_level, node.lineno)


IMPORTS = [found for module, path in MODULES.items() for found in _imports(module, path)]


def _layer(module: str) -> str:
    if module in CALLAO_BASE:
        return "callao-base"
    return module.split(".")[0]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_scan_sees_the_project() -> None:
    assert {
        "accounts.models",
        "incidents.services",
        "predictions.tasks",
        "reports.services",
    } <= set(MODULES)
    assert any(
        i.source == "incidents.models" and i.target == "incidents.querysets" for i in IMPORTS
    )


def test_no_module_level_import_circles() -> None:
    edges: dict[str, set[str]] = {}
    for found in IMPORTS:
        if found.top_level:
            edges.setdefault(found.source, set()).add(found.target)
    assert _cycles(edges) == []


def test_the_circle_finder_finds_a_planted_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_no_package_imports_from_a_layer_above_it(layer: str) -> None:
    upward = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in IMPORTS
        if _layer(found.source) == layer
        and _layer(found.target) != layer
        and _layer(found.target) not in MAY_IMPORT[layer]
    ]
    assert upward == []


def test_tasks_import_their_services_only_when_they_run() -> None:
    """Services import tasks at the top to enqueue them; a task imports its service lazily."""
    eager = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in IMPORTS
        if found.source.rsplit(".", 1)[-1] == "tasks"
        and ".services" in f".{found.target}"
        and found.top_level
    ]
    assert eager == []


def test_only_the_settings_file_reads_the_environment() -> None:
    """Every setting is read in callao/settings.py (through callao/env.py); code reads settings."""
    readers = ("os.environ", "os.getenv", "env_str(", "env_int(", "env_bool(", "env_list(")
    allowed = {"callao.settings", "callao.env"}
    # The entry points only name the settings module, as Django's templates do.
    entry_points = {"callao.celery", "callao.asgi", "callao.wsgi"}
    found = []
    for module, path in MODULES.items():
        if module in allowed or module.startswith("forecasting"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if module in entry_points and 'setdefault("DJANGO_SETTINGS_MODULE"' in line:
                continue
            if any(reader in line for reader in readers):
                found.append(f"{module}:{number}: {line.strip()}")
    assert found == []
