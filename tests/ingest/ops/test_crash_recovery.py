"""Kill -9 the ingest (real processes), rerun it: the index equals a clean ingest.

The short version of ``python -m evals.fault_trials`` (see evals/reports/faults.md for the
10-trial run): three trials with a fixed seed, aimed at mid-embedding, the text phase
(reading, staging, swapping in) and the BM25 save.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.fault_trials import DEFAULT_PDFS, run_trials, write_report
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def test_killed_ingests_recover_to_the_clean_index(tmp_path: Path) -> None:
    report = run_trials(3, seed=11, work=tmp_path / "work", pdfs=[CORPUS / name for name in DEFAULT_PDFS])
    summary = write_report(report, tmp_path / "faults.md").read_text(encoding="utf-8")

    assert report.reference.check_ok, summary
    assert [t.plan.group for t in report.trials] == ["embedding", "text phase", "BM25 rebuild"]
    assert all(t.killed for t in report.trials), summary  # each one really died mid-run
    assert report.failures == 0, summary
