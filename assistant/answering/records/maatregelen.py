"""Who-does-what questions answered from maatregel records, not from loose table lines.

"Wie is trekker van maatregel 3b?", "Welke maatregel gaat over …?", "Bij welke
maatregelen staat de trekker op PM?" — each answer line is one record, cited with
its row's verbatim text on its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.records.match import best_matches
from assistant.models import Citation
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.index import SearchIndex
from ingest.records.maatregelen import Maatregel
from ingest.text.analysis import fold, tokenize
from prompts import answer as P

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


_ID_WORDS = r"(?:actie(?:punt)?|maatregel|project|activiteit|punt|nr\.?|nummer)"


def _shape(text: str) -> str:
    return re.sub(r"\d+", "0", fold(text))


def _distinctive(ident: str) -> bool:
    """ "M7", "L-1", "4.2", "1d" identify a measure on their own; a bare "3" only with its word."""
    return bool(re.search(r"\d", ident)) and not ident.isdigit()


def _id_pattern(ident: str) -> str:
    return rf"(?<![\w.-]){re.escape(fold(ident))}(?![\w-]|\.\d)"


def named_ids(question: str, pool: list[Maatregel]) -> tuple[list[Maatregel], list[str]]:
    """Records the question names by their id as the documents write them, and ids in the question
    that look like the pool's ids but belong to no record (asked for, not there: refuse)."""
    q = fold(question)
    found = []
    for m in pool:
        if not m.id:
            continue
        bare = _distinctive(m.id) and re.search(_id_pattern(m.id), q)
        worded = re.search(rf"\b{_ID_WORDS}\s*{_id_pattern(m.id)}", q)
        if bare or worded:
            found.append(m)
    shapes = {_shape(m.id) for m in pool if _distinctive(m.id)}
    tokens = set(re.findall(r"(?<![\w.-])([a-z]{0,3}[-.]?\d{1,3}[a-z]?(?:\.\d{1,2})?)(?![\w-])", q))
    tokens |= set(re.findall(rf"\b{_ID_WORDS}\s*(\d{{1,3}}[a-z]?)\b", q))
    have = {fold(m.id) for m in found}

    def asked(t: str) -> bool:
        return _shape(t) in shapes or (t.isdigit() and bool(re.search(rf"\b{_ID_WORDS}\s*{t}\b", q)))

    missing = sorted(t for t in tokens if t not in have and asked(t))
    # A year or a count is no id: only tokens shaped like this pool's ids, or numbers after "actie" etc.
    missing = [t for t in missing if not re.fullmatch(r"(?:19|20)\d\d", t)]
    # Named as the question writes them ("M14", not the folded "m14").
    written = [w.group(0) if (w := re.search(re.escape(t), question, re.I)) else t for t in missing]
    return found, written


def find(profile: QuestionProfile, index: SearchIndex, doc_ids: list[str] | None) -> RecordAnswer | None:
    """The records a question asks about, or None when it is not a question records can answer."""
    files = {index.documents[d].file for d in doc_ids} if doc_ids else None
    pool = [m for m in index.maatregelen if files is None or m.file in files]
    found, missing = named_ids(profile.text, pool)
    if not found and missing and pool is not index.maatregelen:
        # The scope guessed from the wording must not hide a named maatregel.
        found, missing = named_ids(profile.text, index.maatregelen)
    if missing and not found and not (is_about_measures(profile) or re.search(rf"\b{_ID_WORDS}\b", fold(profile.text))):
        missing = []  # "tabel 4.12" in a question about something else is no measure asked for
    if not (found or missing) and not is_about_measures(profile):
        return None
    if not pool and not found:
        return None
    if found or missing:
        return RecordAnswer(found, missing)
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
    name = m.id_label or (P.MEASURE_EN if english else P.MEASURE_NL).format(id=m.id)
    what = f"{m.titel}. {m.maatregel}" if m.titel and not m.maatregel.startswith(m.titel) else m.maatregel
    parts = [
        f"{name}: {what}",
        P.TREKKER_NL.format(trekker=m.trekker or P.NOT_STATED_NL),
        P.TIJDSPAD_NL.format(tijdspad=m.tijdspad or P.NOT_STATED_NL),
    ]
    if m.betrokken:
        parts.append(P.BETROKKEN_NL.format(parties=", ".join(m.betrokken)))
    if m.status:
        parts.append(P.STATUS_NL.format(status=m.status))
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
            P.OVERVIEW_DOEL_NL.format(nr=nr, count=len(ids), first=ids[0], last=ids[-1])
            if len(ids) > 1
            else P.OVERVIEW_DOEL_ONE_NL.format(nr=nr, id=ids[0])
            for nr, ids in per_doel.items()
        )
        lines.append((P.OVERVIEW_ACTIELIJN_NL.format(actielijn=actielijn, count=len(rows), doelen=doelen), rows[0]))
    return lines


def totals(records: list[Maatregel]) -> str:
    actielijnen = {(m.file, m.actielijn) for m in records}
    doelen = {(m.file, m.doel_nr) for m in records}
    return P.MEASURE_TOTALS_NL.format(maatregelen=len(records), doelen=len(doelen), actielijnen=len(actielijnen))
