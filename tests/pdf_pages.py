"""Synthetic test PDFs: HTML printed by Debian's headless Chromium (the browser tests' Chromium).

Each test writes the layout it needs (columns, ruled or borderless tables, cards, definition
lists) in a few lines of HTML, so every reading mechanism is tested on pages nobody tuned for.
PDFs are cached per HTML content for the test session.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

PAGE_CSS = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.35; }
h1 { font-size: 18pt; } h2 { font-size: 13pt; }
table { border-collapse: collapse; width: 100%; }
td, th { vertical-align: top; text-align: left; padding: 4pt 6pt; }
"""


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} ontbreekt: `make test` installeert Chromium uit de Debian-pakketten")


def html_page(body: str, css: str = "") -> str:
    return (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><style>'
        f"{PAGE_CSS}{css}</style></head><body>{body}</body></html>"
    )


def print_pdf(html: str, folder: Path, name: str) -> Path:
    """``html`` printed to ``folder/name`` (a copy of the cached print of the same HTML)."""
    require_chromium()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(html.encode()).hexdigest()[:16]
    cache = folder.parent / f".pdf-cache-{digest}.pdf"
    if not cache.exists():
        source = folder.parent / f".html-{digest}.html"
        source.write_text(html, encoding="utf-8")
        profile = folder.parent / f".chromium-{digest}"
        cmd = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={cache}",
            source.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        assert cache.exists() and cache.stat().st_size > 0, f"Chromium maakte geen PDF: {proc.stderr[-800:]}"
    target = folder / name
    target.write_bytes(cache.read_bytes())
    return target
