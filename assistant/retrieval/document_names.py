"""Which indexed documents does a question name, by municipality or region?"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from ingest.store.registry import DocumentRecord
from ingest.text.analysis import fold, tokenize


def _place_names(doc: DocumentRecord) -> set[str]:
    meta = doc.meta
    names = {str(m).split("(")[0].strip() for m in meta.get("municipalities", []) or []}
    region = str(meta.get("region", ""))
    names |= {part.strip() for part in re.split(r"[(),;/]|\bregio\b|\bwoningmarktregio\b", region) if part.strip()}
    return names


def _names(doc: DocumentRecord, places_only: bool = False) -> set[str]:
    meta = doc.meta
    names = _place_names(doc)
    if not places_only:
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


@cache
def whole_word(name: str) -> re.Pattern[str]:
    # Compiled once per name: with hundreds of documents re's own cache (512) overflows.
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


class NameIndex:
    """Every document's names (places; with ``places_only=False`` also its kind and author),
    folded once per index version. A question is matched against the distinct names — hundreds
    at 15k pages — instead of re-deriving and folding every document's names per question,
    which cost ~30 ms per call at 670 documents."""

    def __init__(self, documents: Iterable[DocumentRecord]) -> None:
        self._order: dict[str, int] = {}
        self._by_name: dict[bool, dict[str, list[str]]] = {True: {}, False: {}}
        for doc in documents:
            self._order[doc.doc_id] = len(self._order)
            for places_only in (True, False):
                for name in sorted(_names(doc, places_only)):
                    self._by_name[places_only].setdefault(name, []).append(doc.doc_id)

    def mentioned(self, question: str, places_only: bool = False) -> dict[str, list[str]]:
        """doc_id → the names of its places (and, unless ``places_only``, of its kind: "de
        handreiking") the question mentions (whole-word, accent-folded), in document order."""
        q = fold(question)
        found: dict[str, list[str]] = {}
        for name, doc_ids in self._by_name[places_only].items():
            if name in q and whole_word(name).search(q):
                for doc_id in doc_ids:
                    found.setdefault(doc_id, []).append(name)
        return {d: found[d] for d in sorted(found, key=self._order.__getitem__)}


def naming_terms(documents: list[DocumentRecord]) -> set[str]:
    """Stems of the words people use to *name* a document rather than to ask about its subject:
    places, the document kind, the main title (not its quoted subtitle) and the author's name
    or abbreviation ("DSP", "RGV", "EHA"). A manifest's long descriptions of who wrote it
    ("… met woningcorporaties, zorgpartijen …") are subject words and stay out."""
    words: list[str] = []
    for doc in documents:
        words += sorted(_place_names(doc))
        words.append(str(doc.meta.get("document_type", "")))
        words.append(re.split(r"[‘“'\":]", doc.title)[0])  # "Raadsvoorstel Woonzorgvisie Beverwijk en Heemskerk"
        org = str(doc.meta.get("organisation", ""))
        words += re.findall(r"\b[A-Z]{2,}\b", org)  # abbreviations: RGV, EHA, DSP, RVO
        head = re.split(r"[(,;]", org)[0].split()
        if head and head[0].lower() not in {"gemeente", "regio", "expertteam", "provincie"}:
            words.append(head[0])  # the bureau's own name: "DSP-groep"
    return set(tokenize(" ".join(words)))
