"""Load test: N concurrent clients for T seconds against ``woonzorg serve`` on loopback.

    python -m evals.load_test --clients 40 --seconds 60 --out evals/reports/load.md

Starts its own server (``woonzorg serve`` on a free 127.0.0.1 port, the index in
``--data-dir``, rate limiting off for this run only) unless ``--url`` names one that runs.
``--workers N`` (N > 1 needs ``--chroma-server``) runs N API processes; ``--chroma-server``
serves a copy of the index's vectors (``<data-dir>/chroma``) with ``chroma run`` on another free
port and points the server at it (WOONZORG_CHROMA_URL), so the embedded store is never shared.
Each client loops over a mix of the dev questions: ``POST /api/ask`` and ``GET /api/search``
(two asks per search). Every non-200 answer, time-out or connection error is an error.
Bounded: no new request after ``--seconds``; in-flight ones get ``--timeout`` to finish.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from evals.bench import load_average, percentiles


@dataclass
class Sample:
    kind: str  # ask | search
    ms: float
    status: int  # 0: no response (time-out, connection error)
    error: str = ""


@dataclass
class LoadResult:
    clients: int
    seconds: float
    samples: list[Sample] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        ok = [s for s in self.samples if s.status == 200 and not s.error]
        errors = Counter(s.error or f"HTTP {s.status}" for s in self.samples if s not in ok)
        out: dict[str, Any] = {
            "clients": self.clients,
            "seconds": round(self.seconds, 1),
            "requests": len(self.samples),
            "errors": sum(errors.values()),
            "error_kinds": dict(errors),
            "throughput_rps": round(len(ok) / self.seconds, 2) if self.seconds else 0.0,
            "all_ms": percentiles([s.ms for s in ok]),
        }
        for kind in ("ask", "search"):
            mine = [s for s in ok if s.kind == kind]
            out[f"{kind}_ms"] = percentiles([s.ms for s in mine])
            out[f"{kind}_rps"] = round(len(mine) / self.seconds, 2) if self.seconds else 0.0
        return out


def _questions(path: Path) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [str(r["question"]) for r in rows if not r.get("context")]  # follow-ups need their history


async def _client(n: int, http: httpx.AsyncClient, questions: list[str], deadline: float, result: LoadResult) -> None:
    i = n  # clients start at different questions
    while time.monotonic() < deadline:
        question = questions[i % len(questions)]
        kind = "search" if i % 3 == 2 else "ask"
        i += 1
        start = time.perf_counter()
        try:
            if kind == "ask":
                resp = await http.post("/api/ask", json={"question": question})
            else:
                resp = await http.get("/api/search", params={"q": question, "k": 5})
            status, error = resp.status_code, ""
            if status == 200:
                body = resp.json()
                if ("answer" if kind == "ask" else "results") not in body:
                    error = "malformed body"
        except httpx.TimeoutException:
            status, error = 0, "time-out"
        except httpx.HTTPError as exc:
            status, error = 0, type(exc).__name__
        result.samples.append(Sample(kind, (time.perf_counter() - start) * 1000, status, error))


async def run_load(url: str, questions: list[str], clients: int, seconds: float, timeout: float) -> LoadResult:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as http:
        result = LoadResult(clients, seconds)
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(_client(n, http, questions, deadline, result) for n in range(clients)))
        result.seconds = time.monotonic() - start  # includes the last in-flight requests
        return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], limit_s: float = 180.0, path: str = "/health") -> None:
    name = Path(str(proc.args[0] if isinstance(proc.args, list) else proc.args)).name
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} stopped with exit code {proc.returncode}")
        try:
            if httpx.get(f"{url}{path}", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready within {limit_s:.0f} s")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's worker processes)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return out


def _rss_mb(pid: int) -> float:
    """Resident memory of the process and its descendants, MB."""
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of the process and its descendants so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total


def _wait_idle(pid: int, limit_s: float = 120.0) -> None:
    """Until the process tree stops working (each worker has loaded its index): < 0.1 CPU s per s."""
    deadline = time.monotonic() + limit_s
    before = _cpu_s(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = _cpu_s(pid)
        if now - before < 0.1:
            return
        before = now


def start_chroma(data_dir: Path) -> tuple[str, subprocess.Popen[bytes], Path]:
    """``chroma run`` serving a copy of ``data_dir/chroma`` (the embedded store stays untouched:
    another process may have it open). Returns its URL, process and the copy's directory."""
    copy = Path(tempfile.mkdtemp(prefix="load-chroma-"))
    shutil.copytree(data_dir / "chroma", copy / "chroma")
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(copy / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc, 120.0, "/api/v2/heartbeat")
    except Exception:
        proc.kill()
        shutil.rmtree(copy, ignore_errors=True)
        raise
    return url, proc, copy


def start_server(
    data_dir: Path, corpus_dir: Path, query_cache: bool = True, workers: int = 1, chroma_url: str = ""
) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    env = {
        **os.environ,
        "WOONZORG_DATA_DIR": str(data_dir),
        "WOONZORG_CORPUS_DIR": str(corpus_dir),
        # Load from one address would hit the per-client limit at once; this run only measures capacity.
        "WOONZORG_RATE_LIMIT_PER_MINUTE": "0",
        "WOONZORG_LLM_URL": "",  # extractive answers: what the goals are about
    }
    if chroma_url:
        env["WOONZORG_CHROMA_URL"] = chroma_url
    if not query_cache:  # every ask embeds its question, as distinct questions from many users do
        env["WOONZORG_QUERY_CACHE_SIZE"] = "0"
    woonzorg = Path(sys.executable).with_name("woonzorg")
    cmd = [str(woonzorg), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc)
        if workers > 1:  # /health answers once the first worker is up; let the others load too
            _wait_idle(proc.pid)
    except Exception:
        proc.kill()
        raise
    return url, proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


def write_report(summary: dict[str, Any], command: str, path: Path) -> None:
    a, s, al = summary["ask_ms"], summary["search_ms"], summary["all_ms"]
    verdict = "met" if summary["errors"] == 0 else "NOT met"
    lines = [
        "# Load test",
        "",
        f"Command: `{command}`  ",
        f"{summary['clients']} concurrent clients for {summary['seconds']} s against `woonzorg serve` "
        f"({_processes(summary)}) on 127.0.0.1, the 5-PDF corpus, extractive answers, rate limit off for the run. "
        f"Mix: two `POST /api/ask` per `GET /api/search?k=5`, dev questions without follow-ups. "
        f"Load average at the end {summary.get('load_average')} on {os.cpu_count()} cores (shared machine). "
        f"Server RSS after the run: {summary.get('server_rss_mb', '–')} MB; server CPU "
        f"{summary.get('server_cpu_ms_per_request', '–')} ms per request"
        + (f" (+ Chroma server {summary.get('chroma_cpu_ms_per_request', '–')} ms)" if summary["chroma_server"] else "")
        + ".",
        "",
        f"**Errors: {summary['errors']} of {summary['requests']} requests (goal 0: {verdict}).** "
        + (f"Kinds: {summary['error_kinds']}" if summary["errors"] else ""),
        "",
        "| | requests/s | p50 ms | p95 ms | p99 ms | n |",
        "|---|---:|---:|---:|---:|---:|",
        f"| all | {summary['throughput_rps']} | {al['p50']} | {al['p95']} | {al['p99']} | {al['n']} |",
        f"| POST /api/ask | {summary['ask_rps']} | {a['p50']} | {a['p95']} | {a['p99']} | {a['n']} |",
        f"| GET /api/search | {summary['search_rps']} | {s['p50']} | {s['p95']} | {s['p99']} | {s['n']} |",
        "",
        (
            f"The {summary.get('distinct_questions', '?')} distinct questions repeat; the query-vector cache was "
            "off (`--no-query-cache`), so every request embedded its question as a new one would."
            if summary.get("query_cache") is False
            else f"The {summary.get('distinct_questions', '?')} distinct questions repeat, so after the first round "
            "the service's query-vector cache answers their embeddings: this measures retrieval and answering "
            "under concurrency; run with `--no-query-cache` to embed every request."
        ),
        "",
        "Latency here is queueing plus work: with 40 clients on 2 cores each request waits for the ones "
        "ahead of it, so p50 ≈ clients ÷ throughput. Single-request latency is in bench.md.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def _processes(summary: dict[str, Any]) -> str:
    workers = summary.get("workers", 1)
    api = "one uvicorn process" if workers == 1 else f"{workers} uvicorn worker processes"
    return api + (", vectors in a Chroma server" if summary.get("chroma_server") else ", embedded Chroma")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="Per request, seconds.")
    parser.add_argument("--url", help="A running server; else one is started on a free loopback port.")
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="Index of the 5-PDF corpus.")
    parser.add_argument("--corpus-dir", type=Path, default=Path("corpus"))
    parser.add_argument("--questions", type=Path, default=Path("../shared/evals/dev_questions.jsonl"))
    parser.add_argument(
        "--no-query-cache", action="store_true", help="Server embeds every question (no query-vector cache)."
    )
    parser.add_argument("--workers", type=int, default=1, help="API processes (more than 1 needs --chroma-server).")
    parser.add_argument(
        "--chroma-server",
        action="store_true",
        help="Serve a copy of <data-dir>/chroma with `chroma run` and point the server at it.",
    )
    parser.add_argument("--out", type=Path, help="Write the markdown report here.")
    parser.add_argument("--json", type=Path, help="Write the summary as JSON here.")
    args = parser.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("loopback only: --url must point at 127.0.0.1/localhost")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.url is None and args.workers > 1 and not args.chroma_server:
        parser.error("--workers > 1 needs --chroma-server (embedded Chroma is not safe for several processes)")
    proc = chroma = None
    chroma_copy: Path | None = None
    url = args.url
    try:
        if url is None:
            chroma_url = ""
            if args.chroma_server:
                chroma_url, chroma, chroma_copy = start_chroma(args.data_dir)
            url, proc = start_server(
                args.data_dir,
                args.corpus_dir,
                query_cache=not args.no_query_cache,
                workers=args.workers,
                chroma_url=chroma_url,
            )
        questions = _questions(args.questions)
        cpu0 = _cpu_s(proc.pid) if proc is not None else 0.0
        chroma0 = _cpu_s(chroma.pid) if chroma is not None else 0.0
        load_before = load_average()
        result = asyncio.run(run_load(url, questions, args.clients, args.seconds, args.timeout))
        summary = result.summary()
        summary["distinct_questions"] = len(set(questions))
        summary["load_average_before"] = load_before
        summary["load_average"] = load_average()
        summary["query_cache"] = args.url is not None or not args.no_query_cache
        summary["workers"] = args.workers
        summary["chroma_server"] = args.chroma_server
        if proc is not None:
            summary["server_rss_mb"] = _rss_mb(proc.pid)
            if summary["requests"]:
                summary["server_cpu_ms_per_request"] = round(
                    (_cpu_s(proc.pid) - cpu0) * 1000 / summary["requests"], 1
                )
        if chroma is not None and summary["requests"]:
            summary["chroma_cpu_ms_per_request"] = round((_cpu_s(chroma.pid) - chroma0) * 1000 / summary["requests"], 1)
    finally:
        if proc is not None:
            _stop(proc)
        if chroma is not None:
            _stop(chroma)
        if chroma_copy is not None:
            shutil.rmtree(chroma_copy, ignore_errors=True)
    command = "python -m evals.load_test " + " ".join(sys.argv[1:] if argv is None else argv)
    summary["command"] = command
    print(json.dumps(summary, indent=1))
    if args.out:
        write_report(summary, command, args.out)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
