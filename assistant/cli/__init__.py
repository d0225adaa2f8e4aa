"""The ``woonzorg`` command line: one module per command group, plug-ins through entry points.

Each group module holds a ``commands`` Typer whose commands join the root here. Other packages
add commands the way llm's plug-ins do: an entry point in the group ``woonzorg.commands`` naming
a ``register_commands(app)`` function (``evals`` registers ``eval`` and ``bench`` so). Heavy
libraries load inside the commands that need them, so ``woonzorg --help`` stays fast.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import Annotated

import typer
from rich.logging import RichHandler

from assistant.cli import index, questions, records, service
from assistant.cli.common import console

PLUGIN_GROUP = "woonzorg.commands"

app = typer.Typer(help="Woonzorg-assistent: beleidsdocumenten over wonen en zorg doorzoeken.", no_args_is_help=True)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Meer logregels.")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False)],
    )
    for noisy in ("httpx", "chromadb", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)



for group in (index, questions, records, service):
    app.add_typer(group.commands)


def load_plugins(target: typer.Typer) -> list[str]:
    """Let every installed plug-in register its commands; returns their names."""
    names = []
    for ep in entry_points(group=PLUGIN_GROUP):
        ep.load()(target)
        names.append(ep.name)
    return names


load_plugins(app)

__all__ = ["app", "load_plugins"]
