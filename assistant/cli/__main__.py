"""``python -m assistant.cli``: the same as ``woonzorg``."""

from assistant.cli import app

app()
