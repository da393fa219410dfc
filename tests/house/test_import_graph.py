"""Imports point one way (docs/architecture.md): read from the source, every import in a module
counted, those inside functions too, as a lazy import is still a dependency."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APPS = (
    "portal",
    "education",
    "review",
    "caching",
    "search",
    "feedback",
    "integrations",
    "uploads",
    "operations",
    "staff_sign_in",
)
# What each app may import of the others. The content model is at the bottom with caching and
# uploads; operations and the project may use anything.
MAY_IMPORT = {
    "caching": set(),
    "uploads": set(),
    "education": {"caching"},
    "review": {"education", "caching", "portal"},
    "search": {"education", "caching", "portal"},
    "feedback": {"education", "caching", "portal"},
    "integrations": {"education", "caching", "portal", "search"},
    # Sign-in reads the organisation's name (education) and gives the roles review/ defines.
    "staff_sign_in": {"education", "review", "caching"},
    "operations": set(APPS) - {"operations"},
    "portal": set(APPS) - {"portal"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """First-party names `path` imports: `from package import name` gives package.name, which
    `resolved` turns into the submodule it may be, or else the package."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] in APPS}


def source_files() -> list[Path]:
    return [path for app in APPS for path in (REPO / app).rglob("*.py") if "migrations" not in path.parts]


GRAPH = {module_name(path): imported(path) for path in source_files()}


def resolved(name: str) -> str | None:
    """The module an import names: itself, or the package a `from … import` took it from."""
    while name and name not in GRAPH:
        name = name.rpartition(".")[0]
    return name or None


@pytest.mark.parametrize("app", APPS)
def test_each_app_imports_only_what_is_below_it(app):
    reaching_up = sorted(
        f"{module} imports {name}"
        for module, names in GRAPH.items()
        if module.split(".")[0] == app
        for name in names
        if name.split(".")[0] not in {app, *MAY_IMPORT[app]}
    )
    assert reaching_up == []


def test_no_modules_import_each_other_round_a_loop():
    edges = defaultdict(set)
    for module, names in GRAPH.items():
        for name in names:
            target = resolved(name)
            if target and target != module and not module.startswith(target + "."):
                edges[module].add(target)
    # Tarjan's strongly connected components: any with more than one module is a loop.
    index, low, stack, on_stack, loops, counter = {}, {}, [], set(), [], [0]

    def visit(module):
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for target in edges[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for module in list(GRAPH):
        if module not in index:
            visit(module)
    assert loops == []
