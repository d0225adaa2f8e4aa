"""Which indexed documents does a question name, by municipality or region?"""

from __future__ import annotations

import re

from ingest.registry import DocumentRecord
from ingest.text_analysis import fold


def _names(doc: DocumentRecord) -> set[str]:
    meta = doc.meta
    names = {str(m).split("(")[0].strip() for m in meta.get("municipalities", []) or []}
    region = str(meta.get("region", ""))
    names |= {part.strip() for part in re.split(r"[(),;/]|\bregio\b|\bwoningmarktregio\b", region) if part.strip()}
    # The document's own kind and author, as people name it: "de handreiking", "het DSP-rapport".
    doc_type = str(meta.get("document_type", ""))
    if len(doc_type.split()) == 1:  # "strategie", "handreiking"; not phrases like "regionale opgave"
        names.add(doc_type)
    org = str(meta.get("organisation", "")).split()
    if org and org[0].isupper() is False and "-" in org[0]:
        names.add(org[0].split("-")[0])
    return {
        fold(n) for n in names if len(n) > 2 and n.lower() not in {"noord-holland", "utrecht", "nederland", "landelijk"}
    }


def mentioned_docs(question: str, documents: list[DocumentRecord]) -> dict[str, list[str]]:
    """doc_id → the names of its places the question mentions (whole-word, accent-folded)."""
    q = fold(question)
    found: dict[str, list[str]] = {}
    for doc in documents:
        hits = [n for n in _names(doc) if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", q)]
        if hits:
            found[doc.doc_id] = hits
    return found
