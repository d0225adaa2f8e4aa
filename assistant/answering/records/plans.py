"""Questions about a plan's numbered proposals and its phases, answered from their records.

"Wat houdt voorstel 4 in?", "Welke voorstellen gaan over sociale huur?", "Welke fasen
kent het uitvoeringsplan?", "Wat gebeurt er in 2025?" — each answer line is one
record, cited with the verbatim heading-and-text quote of its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answering.records.match import best_matches
from assistant.models import Citation
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.index import SearchIndex
from ingest.records.phases import Phase
from ingest.records.voorstellen import Voorstel
from ingest.text.analysis import tokenize
from prompts import answer as P

# "voorstel" as a proposal, not the "raadsvoorstel" or "wetsvoorstel" a question may name.
_ABOUT_PROPOSALS = re.compile(r"(?<![\w-])(voorstel(len)?|proposals?)\b", re.I)
_PROPOSAL_NR = re.compile(r"\b(?:voorstel|proposal)\s+(\d{1,2})\b", re.I)
_ABOUT_PHASES = re.compile(r"\b(fase\w*|fasering|phases?|phased)\b", re.I)
_YEAR = re.compile(r"\b(20\d\d)\b")


@dataclass
class PlanAnswer:
    lines: list[tuple[str, Citation]]  # answer text, and the citation that shows it
    missing: list[str] = field(default_factory=list)  # asked-for items the documents do not have


def find(profile: QuestionProfile, index: SearchIndex, doc_ids: list[str] | None) -> PlanAnswer | None:
    """The proposal or phase records a question asks about; None when it asks about neither."""
    files = {index.documents[d].file for d in doc_ids} if doc_ids else None
    if _ABOUT_PROPOSALS.search(profile.text):
        pool = [v for v in index.voorstellen if files is None or v.file in files]
        return _proposals(profile, index, pool) if pool else None
    if _ABOUT_PHASES.search(profile.text):
        phases = [p for p in index.phases if files is None or p.file in files]
        return _phases(profile, index, phases) if phases else None
    return None


def _proposals(profile: QuestionProfile, index: SearchIndex, pool: list[Voorstel]) -> PlanAnswer | None:
    numbers = [int(n) for n in _PROPOSAL_NR.findall(profile.text)]
    if numbers:
        found = [v for v in pool if v.nr in numbers]
        missing = [P.PROPOSAL_NAME_NL.format(nr=n) for n in numbers if n not in {v.nr for v in found}]
        return PlanAnswer([_proposal_line(v, index) for v in found], missing)
    frame = set(tokenize("voorstel voorstellen proposal proposals welke doet doen"))
    terms = [t for t in profile.terms if t not in index.naming_terms and t not in frame]
    if not terms:  # "Welke voorstellen doet het rapport?": all of them
        return PlanAnswer([_proposal_line(v, index) for v in pool])
    found = best_matches(pool, lambda v: f"{v.tekst} {v.thema} {v.titel}", terms, index, 0.1, 4)
    # None: not about these proposals' subjects, so the passages answer.
    return PlanAnswer([_proposal_line(v, index) for v in found]) if found else None


def _phases(profile: QuestionProfile, index: SearchIndex, phases: list[Phase]) -> PlanAnswer:
    years = {int(y) for y in _YEAR.findall(profile.text)}
    chosen = [p for p in phases if any(p.year <= y <= (p.end_year or p.year) for y in years)] if years else []
    return PlanAnswer([_phase_line(p, index) for p in (chosen or phases)])


def _citation(file: str, page: int, quote: str, section: str, index: SearchIndex) -> Citation:
    doc = index.by_file[file]
    return Citation(n=0, file=file, doc_id=doc.doc_id, title=doc.title, page=page, quote=quote, section=section)


def _proposal_line(v: Voorstel, index: SearchIndex) -> tuple[str, Citation]:
    theme = f" ({v.thema})" if v.thema else ""
    line = P.PROPOSAL_LINE_NL.format(nr=v.nr, theme=theme, text=v.tekst)
    return line, _citation(v.file, v.page, v.quote, v.section, index)


def _phase_line(p: Phase, index: SearchIndex) -> tuple[str, Citation]:
    years = f"{p.year}-{p.end_year}" if p.end_year else str(p.year)
    return f"{years} — {p.phase}: {p.description}", _citation(p.file, p.page, p.quote, p.section, index)
