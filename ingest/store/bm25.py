"""BM25 over the chunks (bm25s + Dutch Snowball), persisted beside the vector store.

Built once per index version and loaded at start — never rebuilt per query. The
directory is swapped in whole, and stamped with the registry version it was built
from, so readers never load a half-written index.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

from ingest.text.analysis import tokenize

log = logging.getLogger(__name__)

_IDS = "chunk_ids.json"
_STAMP = "version.json"
MISSING = "missing"  # load_checked's problem when no index was ever saved
# A temp dir this old is left over from a killed save (a live save takes seconds), never in use.
_STALE_TMP_SECONDS = 3600.0


class Bm25Index:
    def __init__(self, model: bm25s.BM25 | None, chunk_ids: list[str], version: str) -> None:
        self._model = model
        self.chunk_ids = chunk_ids
        self.version = version
        self._position = {cid: i for i, cid in enumerate(chunk_ids)}

    @classmethod
    def build(cls, items: list[tuple[str, str]], version: str) -> Bm25Index:
        """``items``: (chunk_id, search_text) pairs."""
        return cls.from_tokens([(cid, tokenize(text)) for cid, text in items], version)

    @classmethod
    def from_tokens(cls, items: list[tuple[str, list[str]]], version: str) -> Bm25Index:
        """``items``: (chunk_id, tokens) pairs, tokens as ``tokenize`` gives them."""
        if not items:
            return cls(None, [], version)
        model = bm25s.BM25(k1=1.2, b=0.75)
        model.index([tokens or ["_"] for _, tokens in items], show_progress=False)
        return cls(model, [cid for cid, _ in items], version)

    def save(self, directory: Path) -> None:
        tmp = directory.with_name(f"{directory.name}.tmp-{time.time_ns()}")
        _remove_stale_tmp_dirs(directory)
        tmp.mkdir(parents=True)
        try:
            if self._model is not None:
                self._model.save(str(tmp), show_progress=False)
            (tmp / _IDS).write_text(json.dumps(self.chunk_ids))
            (tmp / _STAMP).write_text(json.dumps({"version": self.version}))
            _fsync_tree(tmp)
        except BaseException:
            # E.g. disk full: the half-written copy goes, the index in place stays as it was.
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = directory.with_name(f"{directory.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        _fsync_tree(directory.parent, files=False)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> Bm25Index | None:
        """The saved index, or None when it is missing or unreadable (never raises).

        A damaged index is not an error for the caller: the registry is the truth, so the
        search index rebuilds BM25 from it in memory and the next ingest writes a new copy.
        """
        index, problem = cls.load_checked(directory)
        if index is None and problem != MISSING:
            log.warning("BM25 index in %s is unusable (%s); it will be rebuilt from the registry", directory, problem)
        return index

    @classmethod
    def load_checked(cls, directory: Path) -> tuple[Bm25Index | None, str]:
        """(index, "") or (None, what is wrong): ``MISSING`` when there is no saved index at all."""
        if not (directory / _STAMP).exists() and not (directory / _IDS).exists():
            return None, MISSING
        try:
            version = json.loads((directory / _STAMP).read_text(encoding="utf-8"))["version"]
            ids = json.loads((directory / _IDS).read_text(encoding="utf-8"))
            if not isinstance(version, str) or not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                return None, "stamp or chunk ids have an unexpected shape"
            model = bm25s.BM25.load(str(directory), show_progress=False) if ids else None
            problem = _model_problem(model, len(ids)) if model is not None else ""
        except Exception as exc:  # truncated npy/json, zip or pickle errors …: any damage, one answer
            return None, f"{type(exc).__name__}: {exc}"[:300]
        if problem:
            return None, problem
        return cls(model, ids, version), ""

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top-``k`` (chunk_id, score); ``allowed`` is a boolean mask applied before ranking."""
        tokens = tokenize(query)
        if self._model is None or not tokens:
            return []
        known = [t for t in tokens if t in self._model.vocab_dict]
        if not known:
            return []
        scores = self._model.get_scores(known)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def document_frequencies(self, mask: np.ndarray | None = None) -> Counter[str]:
        """term → how many chunks contain it (only the chunks ``mask`` allows), from the posting
        lists: each term's column of the score matrix has one entry per chunk that contains it."""
        if self._model is None:
            return Counter()
        indptr = np.asarray(self._model.scores["indptr"])
        indices = np.asarray(self._model.scores["indices"])
        if mask is None:
            counts = np.diff(indptr)
        else:
            allowed = np.concatenate([[0], np.cumsum(mask[indices], dtype=np.int64)])
            counts = allowed[indptr[1:]] - allowed[indptr[:-1]]
        columns = len(counts)
        return Counter(
            {term: int(counts[i]) for term, i in self._model.vocab_dict.items() if i < columns and counts[i] > 0}
        )

    def mask_for(self, chunk_ids: set[str] | None) -> np.ndarray | None:
        if chunk_ids is None:
            return None
        mask = np.zeros(len(self.chunk_ids), dtype=bool)
        for cid in chunk_ids:
            pos = self._position.get(cid)
            if pos is not None:
                mask[pos] = True
        return mask


def _model_problem(model: bm25s.BM25, n_ids: int) -> str:
    """Why the loaded arrays cannot be the index of ``n_ids`` chunks ("" when they can).

    Checked once at load, so a damaged file fails here and not as an IndexError in a query.
    """
    scores = model.scores
    data, indices, indptr = (np.asarray(scores[k]) for k in ("data", "indices", "indptr"))
    if int(scores.get("num_docs", -1)) != n_ids:
        return f"model counts {scores.get('num_docs')} chunks, chunk_ids.json {n_ids}"
    if indptr.ndim != 1 or len(indptr) == 0 or len(data) != len(indices) or int(indptr[-1]) != len(data):
        return "sparse matrix is inconsistent (indptr/data/indices)"
    if int(indptr[0]) != 0 or bool(np.any(np.diff(indptr) < 0)):
        return "sparse matrix is inconsistent (indptr not monotonic)"
    if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= n_ids):
        return "sparse matrix points at chunks that do not exist"
    vocab = model.vocab_dict or {}
    if vocab and max(vocab.values()) >= len(indptr):
        return "vocabulary points outside the matrix"
    return ""


def _remove_stale_tmp_dirs(directory: Path) -> None:
    """Temp dirs of saves that were killed mid-write (they never became the index)."""
    now = time.time()
    for tmp in directory.parent.glob(f"{directory.name}.tmp-*"):
        try:
            if tmp.is_dir() and now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            continue


def _fsync_tree(directory: Path, files: bool = True) -> None:
    """Flush the files of ``directory`` and the directory entry itself: a rename is only as
    durable as the data it points at (matters after a power cut, not after kill -9)."""
    if files:
        for f in directory.iterdir():
            if f.is_file():
                with f.open("rb") as fh:
                    os.fsync(fh.fileno())
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
