"""Every user-facing Dutch sentence is a named constant in ``prompts/`` (ARCHITECTURE.md, layer 1).

The code of the interfaces, the service and the ingest's reading, storage and pipeline keeps only
identifiers: this scans it (``ast``, nothing is imported) for string literals, f-strings included,
that read like a Dutch message: at least three words, one of them a common Dutch function word.
Documentation is not a message and stays with the code: docstrings and ``help=``/``summary=``/
``description=`` texts; neither are regex patterns nor word lists (they match document or question
text: a tuple or set of three or more strings, a string split into words) nor log lines (English,
for operators). The checker runs on the repository and on synthetic sources, so it is
seen to fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Where messages must come from prompts/ (files, or directories searched recursively).
SCOPE = (
    "assistant/api",
    "assistant/cli",
    "assistant/service",
    "ingest/store/checks.py",
    "ingest/store/consistency.py",
    "ingest/read/pdf.py",
    "ingest/read/ocr.py",
    "ingest/ops",
    "assistant/answering",
    "assistant/question",
    "assistant/retrieval",
    "ingest/records",
)
# Words that are common in Dutch sentences and rare in English ones (no "is", "in", "of").
DUTCH_WORDS = frozenset(
    {
        "de", "het", "een", "en", "niet", "geen", "van", "voor", "met", "bij", "zijn", "wordt", "worden",
        "naar", "dit", "deze", "die", "kan", "moet", "te", "om", "uit", "nog", "ook", "dan", "als", "maar",
        "wel", "er", "op", "alleen", "zonder",
    }
)  # fmt: skip
MIN_WORDS = 3
# Keyword arguments that document (CLI --help, OpenAPI, MCP tool schemas) rather than say something.
DOC_KEYWORDS = frozenset({"help", "short_help", "epilog", "summary", "description", "title", "metavar"})
LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
REGEX_FUNCTIONS = frozenset({"compile", "match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split"})
# A tuple or set display of at least this many strings is a word list (synonyms of a column label,
# stopwords), not messages; a list, a pair (problem, fix) or a single string in brackets still counts.
MIN_WORD_LIST = 3
_WORD = re.compile(r"[^\W\d_]+")


def looks_dutch(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text)]
    return len(words) >= MIN_WORDS and any(w in DUTCH_WORDS for w in words)


def _is_word_list(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Tuple | ast.Set)
        and len(node.elts) >= MIN_WORD_LIST
        and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
    )


def _split_words(tree: ast.Module) -> set[str]:
    """Names of the module's string constants that are split into words (``_FRAME_WORDS.split()``)."""
    return {
        node.func.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "split"
        and not node.args
        and isinstance(node.func.value, ast.Name)
    }


def _exempt_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes whose strings are not messages: docstrings, documentation keywords,
    regex patterns, word lists, log calls, and the pieces of an f-string (the f-string is checked
    whole)."""
    exempt: set[int] = set()
    split_names = _split_words(tree)

    def skip(node: ast.AST) -> None:
        exempt.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip(first.value)
        elif isinstance(node, ast.keyword) and node.arg in DOC_KEYWORDS:
            skip(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
            if node.func.attr in LOG_METHODS and receiver != "console":
                skip(node)
            elif node.func.attr in REGEX_FUNCTIONS and receiver == "re" and node.args:
                skip(node.args[0])
            elif node.func.attr == "split" and not node.args and isinstance(node.func.value, ast.Constant):
                skip(node.func.value)  # "a b c".split(): a word list
        elif _is_word_list(node):
            skip(node)
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and any(isinstance(t, ast.Name) and t.id in split_names for t in node.targets)
        ):
            skip(node.value)  # WORDS = """…""" then WORDS.split(): a word list
        elif isinstance(node, ast.JoinedStr):
            exempt.update(id(v) for v in node.values)
    return exempt


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def dutch_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string in ``source`` that reads like a Dutch message."""
    tree = ast.parse(source)
    exempt = _exempt_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        text = _text(node)
        if text is not None and looks_dutch(text):
            yield getattr(node, "lineno", 0), text


def scoped_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for entry in SCOPE:
        path = root / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def test_scope_exists() -> None:
    missing = [entry for entry in SCOPE if not (ROOT / entry).exists()]
    assert not missing, f"SCOPE names paths that do not exist: {missing}"


def test_dutch_messages_live_in_prompts() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in scoped_files(ROOT)
        for line, text in dutch_literals(path.read_text(encoding="utf-8"))
    ]
    assert not found, "Dutch messages outside prompts/ (make them named constants there):\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        # messages: flagged
        ('raise HTTPException(404, detail=f"Pagina {n} bestaat niet in {doc.file}.")', True),
        ('console.print("[red]Geef óf een vraag óf --jsonl BESTAND.[/]")', True),
        ('MESSAGE = "de datamap kan niet worden aangemaakt"', True),
        ('warnings.append("OCR te onzeker, niet gebruikt voor antwoorden")', True),
        ('notes.append(f"definitie loopt door op pagina {page}")', True),
        ('uncertain = [] if column else ["kolom zonder kop"]', True),
        ('NOTES = ["trekker niet gevonden", "tijdspad niet gevonden", "status niet gevonden"]', True),
        ('return ("de datamap is geen map", "kies een andere map")', True),
        ('WORDS = "de documenten zeggen"\nprint(WORDS)', True),
        # documentation, patterns, logs, English, short labels: not flagged
        ('def f():\n    """Lees de PDF en geef een lijst van pagina\'s."""', False),
        ('typer.Option(help="Alleen documenten over deze regio.")', False),
        ('router.get("/x", summary="Stel een vraag over de documenten")', False),
        ('_RE = re.compile(r"^(?:pagina\\s+)?\\d+ van \\d+$")', False),
        ('log.warning("rendering page %s of %s failed", n, file)', False),
        ('raise ValueError("unknown access level for this document")', False),
        ('table.add_column("nieuw ingebed")', False),
        # word lists that match document or question text: not flagged
        ('SYNONYMS = {"betrokken": ("met wie", "samen met", "in samenwerking met")}', False),
        ('STOP = frozenset({"stand van zaken", "waar staan we nu", "wie nog meer"})', False),
        ('_WORDS = """\nverschil tussen die dat deze\n"""\n_FRAME = {w for w in _WORDS.split()}', False),
        ('FRAME = set("voor de gemeente van".split())', False),
    ],
)
def test_checker(source: str, flagged: bool) -> None:
    assert bool(list(dutch_literals(source))) is flagged
