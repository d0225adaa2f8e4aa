"""Reading speed: pages per second for text + layout + structure + records, no embedding.

    python -m evals.read_speed ../shared/corpus ../shared/fixtures/bad/huge-pages.pdf

Per file: read with positions (pypdfium2; OCR where a page has no text layer), chunk, and extract
every record kind — the work that makes a document searchable by words. CPU seconds are printed
beside wall time, with the machine's load average, so a busy machine shows as such.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ingest.ops.pipeline import discover_pdfs
from ingest.read.chunking import chunk_document
from ingest.read.pdf import PdfRejected, read_pdf
from ingest.records import ReadDocument, extract_records


def measure(path: Path) -> tuple[int, float, float]:
    """(pages, wall seconds, CPU seconds) for one PDF."""
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = read_pdf(path, max_pages=100_000)
    chunk_document(path.stem, path.stem, pdf.pages)
    extract_records(ReadDocument(path.name, path.stem, pdf.pages, pdf.layouts))
    return len(pdf.pages), time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    total_pages, total_wall, total_cpu = 0, 0.0, 0.0
    for path in discover_pdfs(args.paths):
        try:
            pages, wall, cpu = measure(path)
        except PdfRejected as exc:
            print(f"{path.name}: geweigerd ({exc.message})")
            continue
        total_pages, total_wall, total_cpu = total_pages + pages, total_wall + wall, total_cpu + cpu
        print(f"{path.name}: {pages} pagina's, {wall:.2f} s ({pages / wall:.1f} pagina's/s), CPU {cpu:.2f} s")
    if total_wall:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"totaal: {total_pages} pagina's in {total_wall:.2f} s = {total_pages / total_wall:.1f} pagina's/s "
            f"(CPU {total_cpu:.2f} s = {total_pages / total_cpu:.1f} pagina's/CPU-s); load average {load}"
        )


if __name__ == "__main__":
    main()
