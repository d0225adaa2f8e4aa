"""Kill -9 trials: SIGKILL ``woonzorg ingest`` at seeded random moments, rerun, compare with a clean ingest.

    python -m evals.fault_trials --trials 10 --out evals/reports/faults.md

A clean reference ingest of a few small corpus PDFs is run first (and timed, with its
phases observed from the data dir). Each trial then starts the same ingest in a fresh data
dir with a cold embedding cache, kills it (SIGKILL, whole process group) at a seeded random
moment aimed at one phase of the reference (start-up, text phase, BM25 save, embedding,
after the last write), notes how far it got (from the registry, the embedding cache and the
BM25 stamp on disk), reruns the ingest to completion and requires:

- the rerun exits 0 and ``woonzorg check`` finds nothing (0 duplicates, 0 orphan, missing or
  mismatched vectors, no leftover versions, nothing still waiting for embeddings, BM25 ids
  equal to the registry's with a current stamp);
- the same active documents, chunk ids and chunk texts as the reference.

Everything runs as real processes (``.venv/bin/woonzorg``) on real PDFs; the index is read
with plain read-only SQLite and ``woonzorg check --json`` (never an in-process Chroma that
could race a writer).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
# The two smallest corpus PDFs (5 + 7 pages, 19 + 26 chunks): a whole trial stays under a minute.
DEFAULT_PDFS = (
    "handreiking-regionaal-afgestemde-woonzorgvisie.pdf",
    "woonzorgvisie-heemskerk-beverwijk-raadsvoorstel-2025.pdf",
)
WOONZORG = Path(sys.executable).parent / "woonzorg"
POLL_S = 0.05
# Text phase and BM25 save last a few hundred ms at most: watched this closely, so kills land in them.
POLL_FAST_S = 0.005
RUN_TIMEOUT_S = 600.0


# -- observing a data dir from outside --------------------------------------------------------


def _ro(path: Path) -> sqlite3.Connection:
    # Read-only: observing must never change what the trial measures.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


@dataclass
class DiskState:
    """What a data dir holds at one moment, read with plain SQLite and the BM25 stamp file."""

    registry: bool = False
    docs: dict[str, tuple[str, bool]] = field(default_factory=dict)  # file → (status, embedded)
    cached_vectors: int = 0
    registry_version: str = ""
    bm25_version: str = ""

    @property
    def bm25_current(self) -> bool:
        return bool(self.registry_version) and self.bm25_version == self.registry_version

    def phase(self, n_files: int) -> str:
        """How far an ingest of ``n_files`` got, in pipeline order."""
        if not self.registry:
            return "start-up (imports, model)"
        statuses = [s for s, _ in self.docs.values()]
        live = statuses.count("active")
        embedded = sum(1 for s, e in self.docs.values() if s == "active" and e)
        if "indexing" in statuses:
            return f"staging a document ({live}/{n_files} live)"
        if live < n_files:
            return f"text phase ({live}/{n_files} live)"
        if not self.bm25_current:
            return "BM25 rebuild"
        if embedded < n_files:
            return f"embedding ({embedded}/{n_files} docs done, {self.cached_vectors} vectors cached)"
        return "finished"

    def describe(self) -> str:
        docs = ", ".join(
            f"{file.split('-')[0]}…:{status}{'+vec' if emb else ''}"
            for file, (status, emb) in sorted(self.docs.items())
        )
        bm25 = "current" if self.bm25_current else ("stale" if self.bm25_version else "none")
        return f"docs [{docs or '-'}], cache {self.cached_vectors}, BM25 {bm25}"


def read_state(data_dir: Path) -> DiskState:
    state = DiskState()
    registry = data_dir / "registry.sqlite"
    try:
        if registry.exists():
            with closing(_ro(registry)) as db:
                cols = {r[1] for r in db.execute("PRAGMA table_info(documents)")}
                if cols:
                    state.registry = True
                    embedded = "embedded_model" if "embedded_model" in cols else "''"
                    state.docs = {
                        file: (status, bool(model))
                        for file, status, model in db.execute(f"SELECT file, status, {embedded} FROM documents")
                    }
                    row = db.execute("SELECT value FROM state WHERE key = 'version'").fetchone()
                    state.registry_version = row[0] if row else "0"
        cache = data_dir / "embed_cache.sqlite"
        if cache.exists():
            with closing(_ro(cache)) as db:
                state.cached_vectors = int(db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
    except sqlite3.Error:
        pass  # mid-creation (schema not there yet): what was read so far stands
    try:
        state.bm25_version = json.loads((data_dir / "bm25" / "version.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        state.bm25_version = ""
    return state


def registry_content(data_dir: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(active (doc_id, file), active chunks (chunk_id, doc_id, text)) in a stable order."""
    with closing(_ro(data_dir / "registry.sqlite")) as db:
        docs = db.execute("SELECT doc_id, file FROM documents WHERE status = 'active' ORDER BY file").fetchall()
        chunks = db.execute(
            "SELECT c.chunk_id, c.doc_id, c.text FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"
            " WHERE d.status = 'active' ORDER BY d.file, c.ord"
        ).fetchall()
    return [tuple(d) for d in docs], [tuple(c) for c in chunks]  # type: ignore[misc]


# -- running the CLI --------------------------------------------------------------------------


def cli_env(data_dir: Path) -> dict[str, str]:
    # Nothing of the caller's WOONZORG_* settings leaks in (e.g. a Chroma server URL).
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")}
    env.update(WOONZORG_DATA_DIR=str(data_dir), WOONZORG_CORPUS_DIR=str(CORPUS), COLUMNS="200")
    return env


def start_ingest(pdf_dir: Path, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as fh:
        return subprocess.Popen(
            [str(WOONZORG), "-v", "ingest", str(pdf_dir)],
            env=cli_env(data_dir),
            cwd=data_dir.parent,  # no .env from the repo
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the kill reaches every child
        )


def run_check(data_dir: Path) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [str(WOONZORG), "check", "--json"],
        env=cli_env(data_dir),
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        report = {"ok": False, "problems": [f"no JSON from woonzorg check: {done.stderr[-500:]}"]}
    return done.returncode, report


# -- reference and trials ---------------------------------------------------------------------


@dataclass
class Reference:
    seconds: float
    timeline: list[tuple[float, str]]  # (seconds since start, phase first seen)
    docs: list[tuple[str, str]]
    chunks: list[tuple[str, str, str]]
    check_ok: bool


@dataclass
class Trial:
    n: int
    plan: KillPlan
    kill_at: float = 0.0  # seconds after the ingest started
    killed: bool = False  # False: the ingest had already exited on its own
    phase: str = ""
    state: str = ""
    rerun_rc: int = -1
    rerun_s: float = 0.0
    rerun_note: str = ""
    check_rc: int = -1
    cached_at_kill: int = 0  # vectors in the embedding cache when the ingest died
    recomputed: int = 0  # embeddings the rerun computed (cache misses)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def observe(proc: subprocess.Popen[bytes], data_dir: Path, n_files: int) -> list[tuple[float, str]]:
    """Poll the data dir while ``proc`` runs: (seconds since start, phase) each time it changes."""
    started = time.monotonic()
    timeline: list[tuple[float, str]] = []
    while proc.poll() is None:
        elapsed = time.monotonic() - started
        phase = read_state(data_dir).phase(n_files)
        if not timeline or timeline[-1][1] != phase:
            timeline.append((round(elapsed, 2), phase))
        if elapsed > RUN_TIMEOUT_S:
            raise TimeoutError(f"ingest in {data_dir} ran longer than {RUN_TIMEOUT_S:.0f} s")
        time.sleep(POLL_FAST_S if group_of(phase) in (1, 2) else POLL_S)
    return timeline


def reference_run(pdf_dir: Path, root: Path, n_files: int) -> Reference:
    data_dir = root / "reference" / "data"
    data_dir.mkdir(parents=True)
    started = time.monotonic()
    proc = start_ingest(pdf_dir, data_dir, root / "reference" / "ingest.log")
    timeline = observe(proc, data_dir, n_files)
    rc = proc.wait()
    seconds = time.monotonic() - started
    timeline.append((round(seconds, 2), f"exit {rc}"))
    if rc != 0:
        raise RuntimeError(f"reference ingest failed ({rc}): {(root / 'reference' / 'ingest.log').read_text()[-2000:]}")
    docs, chunks = registry_content(data_dir)
    check_rc, report = run_check(data_dir)
    return Reference(seconds, timeline, docs, chunks, check_rc == 0 and bool(report.get("ok")))


def run_trial(n: int, plan: KillPlan, pdf_dir: Path, root: Path, ref: Reference, n_files: int) -> Trial:
    trial = Trial(n, plan)
    data_dir = root / f"trial-{n:02d}" / "data"
    data_dir.mkdir(parents=True)
    proc = start_ingest(pdf_dir, data_dir, data_dir.parent / "killed.log")
    trial.kill_at = wait_for_kill(proc, data_dir, n_files, plan)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        trial.killed = True
    proc.wait()
    after = read_state(data_dir)
    trial.phase = after.phase(n_files) if trial.killed else f"already exited ({proc.returncode})"
    trial.state = after.describe()

    started = time.monotonic()
    rerun = start_ingest(pdf_dir, data_dir, data_dir.parent / "rerun.log")
    trial.rerun_rc = rerun.wait(timeout=RUN_TIMEOUT_S)
    trial.rerun_s = time.monotonic() - started
    log_text = (data_dir.parent / "rerun.log").read_text(errors="replace")
    # The pipeline logs "<file>: N vectors stored (M computed)": M is what the cache lacked.
    trial.recomputed = sum(int(m) for m in re.findall(r"vectors stored \((\d+) computed\)", log_text))
    trial.cached_at_kill = after.cached_vectors
    trial.rerun_note = ", ".join(
        f"{s} {log_text.count(f': {s} ')}"
        for s in ("ingested", "unchanged", "replaced", "rejected")
        if f": {s} " in log_text
    )
    if trial.rerun_rc != 0:
        trial.failures.append(f"rerun exited {trial.rerun_rc}: {log_text[-800:]}")

    trial.check_rc, report = run_check(data_dir)
    if trial.check_rc != 0 or not report.get("ok"):
        trial.failures += [f"check: {p}" for p in report.get("problems", [])] or [f"check exited {trial.check_rc}"]
    if report.get("pending_docs"):
        trial.failures.append(f"still waiting for embeddings after the rerun: {report['pending_docs']}")
    if report.get("vectors") != len(ref.chunks):
        trial.failures.append(f"{report.get('vectors')} vectors, reference {len(ref.chunks)} chunks")
    docs, chunks = registry_content(data_dir)
    if docs != ref.docs:
        trial.failures.append(f"active documents differ from the reference: {docs} vs {ref.docs}")
    if chunks != ref.chunks:
        differ = {c[0] for c in chunks} ^ {c[0] for c in ref.chunks}
        trial.failures.append(f"chunk ids or texts differ from the reference ({len(differ)} ids differ)")
    return trial


# Pipeline phases as seen on disk, in order. Kill targets cycle through them so that 10 trials
# hit every phase, the long embedding phase (where most crashes land in practice) most often.
GROUPS = ("start-up", "text phase", "BM25 rebuild", "embedding", "finished")
CYCLE = ("embedding", "text phase", "BM25 rebuild", "embedding", "start-up", "finished")


def group_of(phase: str) -> int:
    if phase.startswith(("text phase", "staging")):
        return 1
    for i, name in enumerate(GROUPS):
        if phase.startswith(name):
            return i
    return len(GROUPS)  # "exit …"


@dataclass(frozen=True)
class KillPlan:
    """Kill ``delay`` seconds after the ingest is first seen in phase group ``group`` (or a
    later one, should polling miss a very short phase)."""

    group: str
    delay: float


def kill_plans(n: int, timeline: list[tuple[float, str]], seed: int) -> list[KillPlan]:
    """Seeded moments spread over every phase of the reference ingest: the k-th of m trials aimed
    at a phase dies in the k-th m-th of that phase's reference duration (jittered)."""
    first: dict[int, float] = {}
    for t, phase in timeline:
        first.setdefault(group_of(phase), t)
    starts = sorted(first.items())
    # No rounding up: the BM25 save lasts ~20 ms on an idle machine, a longer aim would miss it.
    duration = {g: max(0.002, nxt - t) for (g, t), (_, nxt) in itertools.pairwise(starts)}
    rng = random.Random(seed)
    targets = [CYCLE[i % len(CYCLE)] for i in range(n)]
    plans = []
    for i, name in enumerate(targets):
        g = GROUPS.index(name)
        k, m = targets[:i].count(name), targets.count(name)
        # "finished" lasts until the process exits: aim at its first half so the kill lands.
        span = duration.get(g, 0.01) * (0.5 if name == "finished" else 1.0)
        plans.append(KillPlan(name, round((k + rng.random()) / m * span, 3)))
    return plans


def wait_for_kill(proc: subprocess.Popen[bytes], data_dir: Path, n_files: int, plan: KillPlan) -> float:
    """Poll until the plan's moment (returns seconds since start) or until ``proc`` exits."""
    started = time.monotonic()
    target = GROUPS.index(plan.group)
    anchor: float | None = 0.0 if target == 0 else None
    while proc.poll() is None:
        now = time.monotonic() - started
        if anchor is None and group_of(read_state(data_dir).phase(n_files)) >= target:
            anchor = now
        if anchor is not None and now - anchor >= plan.delay:
            return now
        if now > RUN_TIMEOUT_S:
            raise TimeoutError(f"ingest in {data_dir} ran longer than {RUN_TIMEOUT_S:.0f} s")
        if anchor is None:
            time.sleep(POLL_FAST_S if target in (1, 2) else POLL_S)
        else:
            time.sleep(max(0.0, min(POLL_S, anchor + plan.delay - now)))
    return time.monotonic() - started


@dataclass
class FaultReport:
    command: str
    seed: int
    pdfs: list[str]
    reference: Reference
    trials: list[Trial]
    seconds: float

    @property
    def failures(self) -> int:
        return sum(not t.ok for t in self.trials)

    def phases_hit(self) -> dict[str, int]:
        """Trials per phase group actually reached at the kill (pipeline order)."""
        hit = {name: 0 for name in GROUPS}
        for t in self.trials:
            if t.killed:
                hit[GROUPS[min(group_of(t.phase), len(GROUPS) - 1)]] += 1
        not_killed = sum(not t.killed for t in self.trials)
        return {**hit, "exited before the kill": not_killed} if not_killed else hit


def run_trials(trials: int, seed: int, work: Path, pdfs: list[Path], command: str = "") -> FaultReport:
    started = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    pdf_dir = work / "pdfs"
    pdf_dir.mkdir(exist_ok=True)
    for pdf in pdfs:
        (pdf_dir / pdf.name).write_bytes(pdf.read_bytes())
    ref = reference_run(pdf_dir, work, len(pdfs))
    results = []
    for i, plan in enumerate(kill_plans(trials, ref.timeline, seed), 1):
        trial = run_trial(i, plan, pdf_dir, work, ref, len(pdfs))
        print(
            f"trial {i}: {plan.group} +{plan.delay:.2f}s, killed at {trial.kill_at:.2f}s, {trial.phase};"
            f" rerun {trial.rerun_s:.1f}s;"
            f" {'ok' if trial.ok else 'FAILED: ' + '; '.join(trial.failures)}",
            file=sys.stderr,
            flush=True,
        )
        results.append(trial)
    return FaultReport(command, seed, [p.name for p in pdfs], ref, results, time.monotonic() - started)


def write_report(report: FaultReport, out: Path) -> Path:
    ref = report.reference
    lines = [
        "# Kill -9 trials of the ingest",
        "",
        f"Command: `{report.command}`  ",
        f"{len(report.trials)} trials, seed {report.seed}, {os.cpu_count()} cores ({platform.machine()}),"
        f" {report.seconds / 60:.1f} min in all. PDFs: {', '.join(f'`{p}`' for p in report.pdfs)}"
        f" ({len(ref.chunks)} chunks), cold embedding cache in every trial.",
        "",
        f"**Failures: {report.failures} of {len(report.trials)} trials.**",
        "",
        "Phase on disk when the ingest died: "
        + ", ".join(f"{name} {n}" for name, n in report.phases_hit().items())
        + f". The reruns embedded {sum(t.recomputed for t in report.trials)} passages in all, exactly what the"
        " killed runs had not yet cached"
        + (
            ""
            if all(t.recomputed == len(ref.chunks) - t.cached_at_kill for t in report.trials if t.killed)
            else " (NOT for every trial: see the table)"
        )
        + ": finished embedding batches survive a kill.",
        "",
        f"Clean reference ingest: {ref.seconds:.1f} s, `woonzorg check` "
        f"{'ok' if ref.check_ok else 'NOT ok'}. Phases seen on disk (seconds after start):",
        "",
        " → ".join(f"{t:.2f} {phase}" for t, phase in ref.timeline),
        "",
        "Each trial: fresh data dir, `woonzorg ingest <pdfs>` as a subprocess, SIGKILL to its process group at a"
        " seeded moment aimed at one phase of the reference timeline (the k-th of m trials aimed at a phase dies in"
        " the k-th m-th of that phase's reference duration, counted from when the phase is first seen on disk),"
        " the state left on disk, then"
        " `woonzorg ingest <pdfs>` again to completion and `woonzorg check --json`. Pass = rerun exit 0, check ok"
        " (0 duplicate chunks, 0 orphan / missing / mismatched vectors, no leftover versions, nothing waiting for"
        " embeddings, BM25 ids = registry ids with a current stamp) and the same active documents, chunk ids and"
        " chunk texts as the reference.",
        "",
        "| # | aimed at | killed at s | phase on disk at kill | left on disk | rerun s | rerun outcomes"
        " | rerun embedded | result |",
        "|---:|---|---:|---|---|---:|---|---:|---|",
    ]
    for t in report.trials:
        result = "ok" if t.ok else "**FAILED**"
        lines.append(
            f"| {t.n} | {t.plan.group} +{t.plan.delay:.2f} s | {t.kill_at:.2f} | {t.phase} | {t.state}"
            f" | {t.rerun_s:.1f} | {t.rerun_note or '-'} | {t.recomputed} | {result} |"
        )
    failed = [t for t in report.trials if not t.ok]
    if failed:
        lines += ["", "## Failures", ""]
        for t in failed:
            lines += [f"### Trial {t.n}", "", *[f"- {f}" for f in t.failures], ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("evals/reports/faults.md"))
    parser.add_argument("--work", type=Path, default=None, help="Work dir (default: a new temp dir, removed after).")
    parser.add_argument("--pdf", action="append", default=None, help="Corpus PDF name (repeatable).")
    args = parser.parse_args(argv)
    import shutil
    import tempfile

    pdfs = [CORPUS / name for name in (args.pdf or DEFAULT_PDFS)]
    command = "python -m evals.fault_trials " + " ".join(sys.argv[1:] if argv is None else argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="fault-trials-"))
    try:
        report = run_trials(args.trials, args.seed, work, pdfs, command)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"report: {write_report(report, args.out)}; failures {report.failures} of {len(report.trials)}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
