"""One real ``woonzorg serve`` over the session corpus index, shared by the API and browser tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.settings import Settings
from tests.conftest import CORPUS, free_port
from tests.processes import running_server

WOONZORG = Path(sys.executable).parent / "woonzorg"
START_TIMEOUT = 120.0


def serve_env(data_dir: Path) -> dict[str, str]:
    """The environment without the developer's WOONZORG_ settings: this data dir and the repo's corpus."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    env["WOONZORG_DATA_DIR"] = str(data_dir)
    env["WOONZORG_CORPUS_DIR"] = str(CORPUS)
    return env


@pytest.fixture(scope="session")
def live_url(corpus_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``woonzorg serve`` on a free loopback port; stopped at the end of the session."""
    workdir = tmp_path_factory.mktemp("serve")  # no .env of the repo is picked up here
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(WOONZORG), "serve", "--host", "127.0.0.1", "--port", str(port)]
    env = serve_env(corpus_settings.data_dir)
    with running_server(cmd, f"{base}/health", workdir / "serve.log", START_TIMEOUT, env=env, cwd=workdir):
        yield base
