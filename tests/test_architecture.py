"""The layering of ARCHITECTURE.md, checked on the imports themselves (``ast``, nothing is imported).

Three rules: no import cycles; no module imports a layer above its own (so ``ingest`` never
imports ``assistant`` and the product never imports ``evals``); and outside their own package the
interfaces (``assistant.api``, ``assistant.cli``, ``assistant.ui``) and ``evals`` use only what
``assistant`` exports in ``__all__`` (and the interfaces below them: the CLI starts the API's app).
The checker runs on the repository and on small synthetic trees that break each rule, so it is
seen to fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("prompts", "ingest", "assistant", "evals")

# Lowest first; a module may import its own layer and the ones below it. The longest prefix decides.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("prompts", "ingest.models", "ingest.settings"),
    ("ingest.text",),
    ("ingest.read",),
    ("ingest.store",),
    ("ingest.records",),
    ("ingest.ops", "ingest"),
    ("assistant.models",),
    ("assistant.retrieval",),
    ("assistant.question",),
    ("assistant.answering",),
    ("assistant.service", "assistant.ui"),
    ("assistant",),  # the public API in ``assistant/__init__.py``: exactly that module, see ``layer``
    ("assistant.api",),
    ("assistant.cli",),
    ("evals",),
)
# Package roots that stand for their ``__init__`` alone; their other modules sit in the layers above.
EXACT = frozenset({"assistant"})
# Interfaces on top of the public API: outside their own package they import ``from assistant import …``.
# They may build on one another (the CLI starts the API's app) in layer order; ``assistant.ui`` is static files.
PUBLIC_API_USERS = ("assistant.api", "assistant.cli", "assistant.ui", "evals")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported project module
    names: tuple[str, ...]  # for ``from X import a, b``: a, b (empty for ``import X``)
    line: int
    typing_only: bool = False  # under ``if TYPE_CHECKING:``: a dependency, but never run


def modules(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Lines under ``if TYPE_CHECKING:``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(root: Path) -> Iterator[Import]:
    known = modules(root)

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(tree):
            typing_only = getattr(node, "lineno", 0) in skip
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = resolve(alias.name)
                    if target:
                        yield Import(module, target, (), node.lineno, typing_only)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the module's own package upwards
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                # ``from pkg import module`` imports the module; ``from module import name`` the module.
                for alias in node.names:
                    target = resolve(f"{base}.{alias.name}") if f"{base}.{alias.name}" in known else resolve(base)
                    if target:
                        yield Import(module, target, tuple(a.name for a in node.names), node.lineno, typing_only)


def layer(module: str) -> int:
    best, rank = -1, len(LAYERS)
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            covers = module == prefix or (prefix not in EXACT and module.startswith(prefix + "."))
            if covers and len(prefix) > best:
                best, rank = len(prefix), i
    return rank


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def upward_imports(found: Iterable[Import]) -> list[str]:
    return [
        f"{i.source}:{i.line} imports {i.target} (a layer above)" for i in found if layer(i.target) > layer(i.source)
    ]


def private_api_uses(found: Iterable[Import], public: set[str]) -> list[str]:
    problems = []
    for i in found:
        user = next((p for p in PUBLIC_API_USERS if _within(i.source, p)), None)
        if user is None or not _within(i.target, "assistant"):
            continue
        if any(_within(i.target, p) for p in PUBLIC_API_USERS):  # an interface's own or a lower one
            continue
        if i.target != "assistant" or not set(i.names) <= public:
            shown = f"from {i.target} import {', '.join(i.names)}" if i.names else f"import {i.target}"
            problems.append(f"{i.source}:{i.line} {shown} (use `from assistant import …`, its __all__)")
    return problems


def cycles(found: Iterable[Import]) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for i in found:
        # An import only for annotations does not run, so it cannot make an import-time cycle.
        if i.source != i.target and not i.typing_only:
            graph.setdefault(i.source, set()).add(i.target)
    # Tarjan's strongly connected components: every component with two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
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
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def public_names(root: Path) -> set[str]:
    tree = ast.parse((root / "assistant" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return {ast.literal_eval(e) for e in node.value.elts}  # type: ignore[attr-defined]
    return set()


def violations(root: Path) -> list[str]:
    found = list(imports(root))
    return (
        [f"import cycle: {' → '.join(c)}" for c in cycles(found)]
        + upward_imports(found)
        + private_api_uses(found, public_names(root))
    )


def test_the_repository_keeps_its_layers() -> None:
    assert violations(ROOT) == []


# -- the checker fails on each kind of violation ---------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"assistant/__init__.py": '__all__ = ["Assistant"]\n', **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for package in PACKAGES:
        (tmp_path / package).mkdir(exist_ok=True)
    return tmp_path


def test_a_clean_synthetic_tree_passes(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "ingest/text/words.py": "STOP = {'de'}\n",
            "ingest/read/pages.py": "from ingest.text.words import STOP\n",
            "assistant/retrieval/index.py": "from ingest.read.pages import STOP\n",
            "assistant/api/routes.py": "from assistant import Assistant\nfrom assistant.api import deps\n",
            "assistant/api/deps.py": "X = 1\n",
            "evals/run.py": "from assistant import Assistant\nfrom evals import helpers\n",
            "evals/helpers.py": "Y = 1\n",
        },
    )
    assert violations(root) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # ingest reaching into the assistant
            {
                "ingest/read/pages.py": "from assistant.retrieval.index import SearchIndex\n",
                "assistant/retrieval/index.py": "",
            },
            "ingest.read.pages:1 imports assistant.retrieval.index (a layer above)",
        ),
        (  # the product depending on its test harness, lazily inside a function
            {"assistant/answering/engine.py": "def f():\n    from evals.run import main\n", "evals/run.py": ""},
            "assistant.answering.engine:2 imports evals.run (a layer above)",
        ),
        (  # retrieval reading the question layer
            {
                "assistant/retrieval/index.py": "import assistant.question.analysis\n",
                "assistant/question/analysis.py": "",
            },
            "assistant.retrieval.index:1 imports assistant.question.analysis (a layer above)",
        ),
        (  # an interface wiring internals instead of the public API
            {
                "assistant/api/routes.py": "from assistant.retrieval.index import SearchIndex\n",
                "assistant/retrieval/index.py": "",
            },
            "assistant.api.routes:1 from assistant.retrieval.index import SearchIndex (use `from assistant import …`",
        ),
        (  # a name the package does not export
            {"evals/run.py": "from assistant import AnswerEngine\n"},
            "evals.run:1 from assistant import AnswerEngine (use",
        ),
        (  # two modules importing each other
            {
                "assistant/answering/a.py": "from assistant.answering import b\n",
                "assistant/answering/b.py": "from assistant.answering.a import X\n",
            },
            "import cycle: assistant.answering.a → assistant.answering.b",
        ),
    ],
)
def test_the_checker_reports_each_violation(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    found = violations(_tree(tmp_path, files))
    assert any(v.startswith(expected) for v in found), found


def test_a_type_checking_import_may_close_a_cycle_but_not_go_upward(tmp_path: Path) -> None:
    guarded = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import {}\n"
    root = _tree(
        tmp_path,
        {
            "assistant/answering/a.py": "from assistant.answering import b\n",
            "assistant/answering/b.py": guarded.format("assistant.answering.a"),
        },
    )
    assert violations(root) == []
    root = _tree(tmp_path, {"ingest/ops/run.py": guarded.format("assistant.models"), "assistant/models.py": ""})
    assert violations(root) == ["ingest.ops.run:3 imports assistant.models (a layer above)"]
