"""The nested settings tree: sections, the nested variables, and the flat names of before still working."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.settings import FLAT_NAMES, SECTIONS, Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Only what each test sets: no WOONZORG_ variable of the machine, no .env of the checkout.
    import os

    for key in list(os.environ):
        if key.upper().startswith("WOONZORG_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


def test_every_field_has_one_flat_name_and_every_flat_name_a_field() -> None:
    fields = {(s, n) for s, model in SECTIONS.items() for n in model.model_fields}
    assert set(FLAT_NAMES.values()) == fields
    assert len(FLAT_NAMES) == len(fields)


def test_flat_variables_of_before_still_set_their_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOONZORG_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("WOONZORG_RETRIEVE_CANDIDATES", "33")
    monkeypatch.setenv("WOONZORG_QUESTION_LOG", "true")
    monkeypatch.setenv("WOONZORG_CHROMA_URL", "http://chroma:8000")
    monkeypatch.setenv("WOONZORG_DATA_DIR", "/srv/woonzorg")
    s = Settings()
    assert s.llm.url == "http://127.0.0.1:9/v1"
    assert s.retrieval.candidates == 33
    assert s.service.question_log is True
    assert s.index.chroma_url == "http://chroma:8000"
    assert s.data_dir == Path("/srv/woonzorg")
    assert s.llm.model == ""  # the rest of a section keeps its default


def test_nested_variable_wins_over_the_flat_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOONZORG_PORT", "7000")
    monkeypatch.setenv("WOONZORG_SERVICE__PORT", "9000")
    monkeypatch.setenv("WOONZORG_ANSWER__REFUSE_BELOW", "0.5")
    s = Settings()
    assert s.service.port == 9000
    assert s.answer.refuse_below == 0.5


def test_dotenv_file_with_flat_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("WOONZORG_LLM_MODEL=qwen\nWOONZORG_MAX_UPLOAD_FILES=3\n", encoding="utf-8")
    monkeypatch.setenv("WOONZORG_LLM_MODEL", "from-env")  # the environment wins over .env
    s = Settings()
    assert s.llm.model == "from-env"
    assert s.service.max_upload_files == 3


def test_arguments_flat_or_nested_and_updated_copies() -> None:
    s = Settings(chroma_url="http://c", llm_timeout_s=2, data_dir=Path("/d"))
    assert (s.index.chroma_url, s.llm.timeout_s, s.data_dir) == ("http://c", 2.0, Path("/d"))
    t = s.updated(llm_url="http://l", question_log=True)
    assert (t.llm.url, t.llm.timeout_s, t.service.question_log) == ("http://l", 2.0, True)
    assert s.llm.url == ""  # the original is unchanged
    assert Settings(llm={"url": "http://n"}).llm.url == "http://n"


def test_invalid_values_are_rejected_with_their_section() -> None:
    with pytest.raises(ValueError, match="max_upload_files"):
        Settings(max_upload_files=0)
    with pytest.raises(ValueError, match="refuse_below"):
        Settings().updated(refuse_below=-1)
