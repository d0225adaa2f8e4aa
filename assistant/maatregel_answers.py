"""Who-does-what questions answered from maatregel records, not from loose table lines.

"Wie is trekker van maatregel 1d?", "Welke maatregel gaat over …?", "Bij welke
maatregelen staat de trekker op PM?" — each answer line is one record, cited with
its row's verbatim text on its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_models import Citation
from assistant.question_analysis import QuestionProfile
from assistant.record_match import best_matches
from assistant.search_index import SearchIndex
from ingest.maatregelen import Maatregel
from ingest.text_analysis import fold, tokenize

_ABOUT_MEASURES = re.compile(r"\b(maatregel\w*|trekker\w*|measures?|leads?|actiepunt\w*)\b", re.I)


# "Hoe zijn de maatregelen verdeeld over de actielijnen?": an overview counted from the records.
_DISTRIBUTION = re.compile(
    r"\b(verdeeld|verdeling|per actielijn|per doel|hoeveel maatregelen|how many measures|distributed|"
    r"overzicht van (de |alle )?maatregelen)\b",
    re.I,
)


@dataclass
class RecordAnswer:
    records: list[Maatregel]
    missing_ids: list[str]
    overview: bool = False  # count the records per actielijn and doel instead of listing them


def is_about_measures(profile: QuestionProfile) -> bool:
    return bool(_ABOUT_MEASURES.search(profile.text))


def find(profile: QuestionProfile, index: SearchIndex, doc_ids: list[str] | None) -> RecordAnswer | None:
    """The records a question asks about, or None when it is not a question records can answer."""
    files = {index.documents[d].file for d in doc_ids} if doc_ids else None
    pool = [m for m in index.maatregelen if files is None or m.file in files]
    if not is_about_measures(profile):
        return None
    wanted = [i for i in profile.ids if re.fullmatch(r"\d{1,2}[a-z]", i)]
    if wanted and not any(m.id in wanted for m in pool):
        pool = index.maatregelen  # the scope guessed from the wording must not hide a named maatregel
    if not pool:
        return None
    if wanted:
        found = [m for m in pool if m.id in wanted]
        return RecordAnswer(found, [i for i in wanted if i not in {m.id for m in found}])
    if _DISTRIBUTION.search(profile.text):
        return RecordAnswer(pool, [], overview=True)
    # "… staat de trekker op PM?", "… waar RGV trekker is": a trekker the records know, named in the question.
    q = fold(profile.text)
    trekkers = {fold(m.trekker) for m in pool if m.trekker}
    named = [t for t in trekkers if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", q)]
    if named and re.search(r"\btrekker", q):
        return RecordAnswer([m for m in pool if fold(m.trekker) in named], [])
    # "Welke maatregel gaat over een bewustwordingscampagne?": the record whose text carries the question's words.
    terms = [t for t in profile.terms if t not in index.naming_terms and t not in set(tokenize("maatregel trekker"))]
    if not terms:
        return None
    found = best_matches(pool, lambda m: f"{m.maatregel} {m.doel} {m.status}", terms, index, 0.05, 3)
    return RecordAnswer(found, []) if found else None


def describe(m: Maatregel, english: bool) -> str:
    parts = [
        f"{'Measure' if english else 'Maatregel'} {m.id}: {m.maatregel}",
        f"trekker: {m.trekker or 'niet vermeld'}",
        f"tijdspad: {m.tijdspad or 'niet vermeld'}",
    ]
    if m.betrokken:
        parts.append(f"betrokken: {', '.join(m.betrokken)}")
    if m.status:
        parts.append(f"waar staan we nu: {m.status}")
    return " — ".join(parts[:1]) + " — " + "; ".join(parts[1:])


def citations_for(records: list[Maatregel], index: SearchIndex) -> list[Citation]:
    by_file = index.by_file
    out: list[Citation] = []
    for n, m in enumerate(records, 1):
        doc = by_file[m.file]
        out.append(
            Citation(
                n=n, file=m.file, doc_id=doc.doc_id, title=doc.title, page=m.page, quote=m.quote, section=m.actielijn
            )
        )
    return out


def overview(records: list[Maatregel]) -> list[tuple[str, Maatregel]]:
    """Per actielijn: its number of maatregelen, per doel with their ids; each line paired with
    the record whose row cites it (the first of that actielijn)."""
    groups: dict[tuple[str, str], list[Maatregel]] = {}
    for m in records:
        groups.setdefault((m.file, m.actielijn), []).append(m)
    lines = []
    for (_, actielijn), rows in groups.items():
        per_doel: dict[int, list[str]] = {}
        for m in rows:
            per_doel.setdefault(m.doel_nr, []).append(m.id)
        doelen = "; ".join(
            f"doel {nr}: {len(ids)} ({ids[0]}–{ids[-1]})" if len(ids) > 1 else f"doel {nr}: 1 ({ids[0]})"
            for nr, ids in per_doel.items()
        )
        lines.append((f"{actielijn}: {len(rows)} maatregelen — {doelen}", rows[0]))
    return lines


def totals(records: list[Maatregel]) -> str:
    actielijnen = {(m.file, m.actielijn) for m in records}
    doelen = {(m.file, m.doel_nr) for m in records}
    return f"{len(records)} maatregelen in {len(doelen)} doelen en {len(actielijnen)} actielijnen"
