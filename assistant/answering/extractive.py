"""The default, LLM-free answerer: pick the evidence sentences that answer the question.

Candidates are the sentences (prose) or rows (tables) of the retrieved passages,
scored by how much of the question's informative vocabulary they carry, by the
passage's rank, and by whether they hold the kind of answer the question asks
for (a definition, a number with its unit, a trekker, a date). Quotes are exact
slices of the page text, so every citation can be verified.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant.answering.units import PageUnits, Unit
from assistant.answering.vocabulary import used_by_most_documents
from assistant.models import Passage
from assistant.question.analysis import QuestionProfile
from assistant.retrieval.index import SearchIndex
from ingest.read.chunking import split_units
from ingest.records.begrippen import Begrip
from ingest.records.labels import SYNONYMS
from ingest.text.analysis import fold, name_stem, tokenize

_DEFINES = re.compile(
    r"\b(is|zijn|betekent|betekenen|wordt\s+verstaan|verstaan\s+we|worden\s+verstaan|houdt\s+in|omvat|bedoeld)\b", re.I
)
_VALUE = {
    # A reason is said with a causal word, whatever it is about.
    "reason": re.compile(
        r"\b(omdat|doordat|want|vanwege|daardoor|dankzij|wegens|immers|namelijk|aangezien|daarom|zodat|"
        r"because|due to|since|therefore|so that)\b",
        re.I,
    ),
    "money": re.compile(r"€|\beuro\b|\bmiljoen\b|\bmiljard\b", re.I),
    "percentage": re.compile(r"\d\s?%|\bprocent\b", re.I),
    "duration": re.compile(r"\d+\s*(dag|dagen|week|weken|maand|maanden|jaar|jaren|uur)\b", re.I),
    # Digits, or a count written out ("zes woningen", "twintig plekken").
    "count": re.compile(
        r"\d|\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|twintig|"
        r"dertig|veertig|vijftig|honderd|duizend|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|"
        r"hundred|thousand)\b",
        re.I,
    ),
    "date": re.compile(r"\b(19|20)\d{2}\b|\bQ\s?\d\b", re.I),
    "any": re.compile(r""),
}
# Words that say who does something: the trekker of a measure, who is responsible, who carries it out.
_TREKKER = re.compile(
    r"\b(trekker|verantwoordelijk\w*|(wordt|worden|werd) uitgevoerd door|in opdracht van|opdrachtgever|penvoerder)\b",
    re.I,
)
# A line that names the actor of the item above it: "Verantwoordelijk: …", "trekker: …".
# The words are the record reader's own labels for the trekker field (one list, ingest/records/labels.py).
ROLE_LINE = re.compile(
    r"^\s*(" + "|".join(re.escape(w) for w in sorted(SYNONYMS["trekker"], key=len, reverse=True)) + r")\s*:", re.I
)
_ROW_LETTER = re.compile(r"^\(?([a-z])\)")

# How many cited sentences each kind of question gets.
_BUDGET = {"definition": 3, "number": 2, "who": 4, "when": 2, "procedure": 6, "comparison": 6, "broad": 3}


@dataclass
class Candidate:
    passage: Passage
    rank: int
    start: int  # offsets into the page text
    end: int
    text: str
    tokens: frozenset[str]
    section_tokens: frozenset[str]  # of the passage's section path, tokenized once per passage
    score: float = 0.0
    extend: int = 0  # how many following sentences of the page belong with this one
    unit: Unit | None = None  # the block unit it is (None: split from text, no layout stored)
    page_units: PageUnits | None = None


UnitsOf = Callable[[str, int], "PageUnits | None"]


@lru_cache(maxsize=1 << 16)
def tokens_of(text: str) -> frozenset[str]:
    """A unit's stems, once per text: the same pages' units are scored on many asks."""
    return frozenset(tokenize(text))


def candidates(passages: list[Passage], units_of: UnitsOf | None = None) -> list[Candidate]:
    """The sentences, list items and table rows of the passages, each once.

    With the page's blocks (``units_of``), a candidate is one unit of its block: it never runs
    from a heading or a footnote into a sentence, and a row carries its column names as context.
    Without them (a page stored before positions were read) the passage text is split by its
    punctuation and lines."""
    out: list[Candidate] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, p in enumerate(passages):
        section = tokens_of(p.section)
        page = units_of(p.doc_id, p.page) if units_of is not None else None
        if page is None:
            for s, e in split_units(p.text, p.kind == "table"):
                text = p.text[s:e]
                if len(text.split()) < 3:
                    continue
                out.append(Candidate(p, rank, p.char_start + s, p.char_start + e, text, tokens_of(text), section))
            continue
        raw = [u for u in page.units if u.kind == "raw" and u.start < p.char_end and p.char_start < u.end]
        for s, e in split_units(p.text, p.kind == "table") if raw else []:
            s, e = p.char_start + s, p.char_start + e
            if (
                any(u.start <= s < u.end for u in raw)
                and len(p.text[s - p.char_start : e - p.char_start].split()) >= 3
                and (p.doc_id, p.page, s) not in seen
            ):
                seen.add((p.doc_id, p.page, s))
                text = page.text[s:e]
                out.append(Candidate(p, rank, s, e, text, tokens_of(text), section, page_units=page))
        for u in page.within(p.char_start, p.char_end):
            if u.kind == "raw":
                continue
            if (p.doc_id, p.page, u.start) in seen:
                continue  # overlapping chunks hold the same unit: the best-ranked one keeps it
            seen.add((p.doc_id, p.page, u.start))
            start, end = page.read_alone(u)  # "Daarnaast zijn 190 …" is scored with what it adds to
            text = page.text[start:end]
            if len(text.split()) < 3 and u.kind != "row":
                continue
            context = section | tokens_of(page.heading_at(u.start))
            if u.kind == "row":
                context |= tokens_of(" ".join(page.headers.get(u.block, [])))
            out.append(Candidate(p, rank, start, end, text, tokens_of(text), context, unit=u, page_units=page))
    return out


def term_weights(
    profile: QuestionProfile, index: SearchIndex, known_only: bool, naming_weight: float = 1.0
) -> dict[str, float]:
    """IDF weight of each of the question's key terms, once per ask. ``naming_weight`` < 1
    discounts words that name a document or place: they say where to look, not what the answer says."""
    terms = [t for t in profile.terms if not known_only or index.term_df.get(t)]
    return {t: index.idf(t) * (naming_weight if t in index.naming_terms else 1.0) for t in terms}


def covered(weights: dict[str, float], tokens: frozenset[str] | set[str]) -> float:
    """Weighted share of the terms in ``weights`` present in ``tokens``."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


_DEFINING_VERBS = {"is", "zijn", "betekent", "betekenen", "omvat", "omvatten"}


_WORDS = re.compile(r"\w+")


@lru_cache(maxsize=1 << 16)
def _word_stems(text: str) -> tuple[tuple[str, ...], tuple[frozenset[str], ...]]:
    """The lower-cased words of ``text`` and each word's stems, once per text (every candidate
    of a definition question is checked, and the same sentences come back on many asks)."""
    words = tuple(_WORDS.findall(text.lower()))
    return words, tuple(frozenset(tokenize(w)) for w in words)


def defines_term(text: str, terms: set[str]) -> bool:
    """ "X zijn …", "Deze “X” zijn …", "Onder X verstaan we …": a sentence that defines a key term."""
    words, stems = _word_stems(text)
    for i, st in enumerate(stems):
        if st.isdisjoint(terms):
            continue
        after = words[i + 1 : i + 4]
        if any(w in _DEFINING_VERBS for w in after):
            return True
        if i > 0 and words[i - 1] == "onder" and "verstaan" in words[i + 1 : i + 6]:
            return True
    return False


@lru_cache(maxsize=1 << 16)
def stems_of(text: str) -> tuple[str, ...]:
    """``tokenize(text)`` in order, once per text (immutable: the cache is shared)."""
    return tuple(tokenize(text))


def contains_phrase(text: str, phrase: list[str]) -> bool:
    stems = stems_of(text)
    n = len(phrase)
    want = tuple(phrase)
    return any(stems[i : i + n] == want for i in range(len(stems) - n + 1))


def has_expected_value(profile: QuestionProfile, text: str) -> bool:
    return bool(_VALUE[profile.expects].search(text))


# Words that name the kind of value asked for, not the subject it is about.
_VALUE_WORDS = set(
    tokenize(
        "geld bedrag bedragen euro kosten tarief budget percentage procent aandeel aantal hoeveelheid "
        "cijfer cijfers duur termijn jaar jaren datum amount number share rate cost"
    )
)


_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def has_new_number(profile: QuestionProfile, text: str) -> bool:
    """A number the question does not already contain: 75+ and 2040 in the question are not the answer."""
    asked = set(_NUM.findall(profile.text))
    return any(n not in asked for n in _NUM.findall(text))


def score(cands: list[Candidate], profile: QuestionProfile, index: SearchIndex) -> None:
    # Everything that depends on the question alone is worked out once per ask, not per candidate.
    weights = term_weights(profile, index, profile.language == "en", 0.3)
    total = sum(weights.values())
    value = _VALUE[profile.expects] if profile.expects != "any" else None
    asked_numbers = set(_NUM.findall(profile.text))
    definition = profile.kind == "definition"
    terms = set(profile.terms)
    residue_matters = profile.kind != "number" and not profile.ids
    who = profile.kind == "who"
    asks_list = bool(_ASKS_LIST.search(profile.text))
    for c in cands:
        text = c.text
        s = _covered(weights, total, c.tokens) + 0.3 * _covered(weights, total, c.section_tokens)
        if profile.phrases and any(contains_phrase(text, ph) for ph in profile.phrases):
            s += 0.4  # the question quotes a term: the sentence that uses it verbatim
        s += 0.25 / (c.rank + 1)
        if (
            value is not None  # the asked kind of value (an amount, a date …), whatever the form
            and value.search(text)
            and (profile.expects == "reason" or any(n not in asked_numbers for n in _NUM.findall(text)))
        ):
            s += 0.25
        if definition:
            if defines_term(text, terms):
                s += 0.4  # "X zijn …": the sentence that defines the asked term
            elif _DEFINES.search(text[:160]):
                s += 0.2
        if c.unit is not None and c.unit.kind == "heading":
            s *= 0.5  # a heading says what follows, it rarely is the answer itself
        if residue_matters and _is_table_residue(text):
            s *= 0.5  # numbers torn out of a table's columns read as noise, unless numbers are asked
        if who and _TREKKER.search(text):
            s += 0.3
        if asks_list and _NAMES_LIST.search(text):
            s += 0.3  # "Met welke partners …?": the sentence that names them one by one
        if profile.ids and (m := _ROW_LETTER.match(text)):
            chunk = index.chunks.get(c.passage.chunk_id)
            head_ids = set(chunk.search_text.split("\n", 1)[0].split()) if chunk else set()
            if any(i.endswith(m.group(1)) and i in head_ids for i in profile.ids):
                s += 0.6
        c.score = s


def _covered(weights: dict[str, float], total: float, tokens: frozenset[str] | set[str]) -> float:
    """``covered`` with the weights' total computed once by the caller (same sum, same order)."""
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


# "Welke partners/gemeenten …", "Which municipalities …": the answer is an enumeration of names.
_ASKS_LIST = re.compile(r"^(met |door |in |van |bij )?(welke|which)\s+\w+(en|s)\b", re.I)
_NAMES_LIST = re.compile(r"(?:[A-ZÀ-Ý][\w!'’/.-]*(?:\s+[A-ZÀ-Ý][\w!'’/.-]*)*,\s+){2,}[A-ZÀ-Ý]")


@lru_cache(maxsize=1 << 16)
def _is_table_residue(text: str) -> bool:
    words = text.split()
    return len(words) >= 12 and sum(any(ch.isdigit() for ch in w) for w in words) / len(words) > 0.3


STEP = re.compile(r"^(stap|fase|step|phase)\s+\d+\b", re.I)


def steps(cands: list[Candidate], asked: str = "") -> list[Candidate]:
    """Numbered steps ("Stap 1 …", "Fase 2 …") of the best-ranked document, in order."""
    marked = [c for c in cands if STEP.match(c.text)]
    if len(marked) < 2:
        return []
    doc = min(marked, key=lambda c: c.rank).passage.doc_id
    ordered = sorted((c for c in marked if c.passage.doc_id == doc), key=lambda c: (c.passage.page, c.start))
    unique: dict[str, Candidate] = {}
    for c in ordered:
        unique.setdefault(" ".join(STEP.match(c.text).group(0).lower().split()), c)  # type: ignore[union-attr]
    # "… in stap 3 …": the question names its step; that one, told in full.
    named = [" ".join(m.lower().split()) for m in re.findall(r"\b(?:stap|fase|step|phase)\s+\d+\b", asked, re.I)]
    if named and (only := [unique[n] for n in named if n in unique]):
        for c in only:
            c.extend = max(c.extend, 3)
        return only
    return list(unique.values())


def prefer_definitions(cands: list[Candidate], glossary: list[Begrip]) -> None:
    """Sentences that hold a glossary definition of the asked term outrank everything else."""
    heads = {(b.file, b.page, " ".join(b.quote.split())[:60]) for b in glossary}
    for c in cands:
        text = " ".join(c.text.split())
        if any(f == c.passage.file and p == c.passage.page and h and (h in text or text in h) for f, p, h in heads):
            c.score += 1.0


def prefer_continuity(cands: list[Candidate], cited_pages: set[tuple[str, int]]) -> None:
    """A follow-up continues the previous answer: evidence on the pages it cited scores higher."""
    for c in cands:
        if (c.passage.doc_id, c.passage.page) in cited_pages:
            c.score += 0.3


def select(cands: list[Candidate], profile: QuestionProfile, side_by_side: bool = False) -> list[Candidate]:
    """The best candidates within the kind's budget.

    ``side_by_side`` (comparisons, questions naming several documents): first the best
    evidence of each document, then the rest by score.
    """
    ranked = sorted(cands, key=lambda c: c.score, reverse=True)
    if not ranked:
        return []
    if profile.kind == "procedure" and (found := steps(cands, profile.text)):
        return found
    budget = _BUDGET[profile.kind]
    floor = (0.4 if side_by_side else 0.55) * ranked[0].score
    chosen: list[Candidate] = []
    seen_text: set[str] = set()
    if side_by_side:
        docs: set[str] = set()
        for c in ranked:
            if c.passage.doc_id not in docs and c.score >= floor:
                chosen.append(c)
                docs.add(c.passage.doc_id)
                seen_text.add(" ".join(c.text.split()).lower())
        budget = max(budget, len(chosen) + 1)
    for c in ranked:
        if len(chosen) >= budget or c.score < floor:
            break
        key = " ".join(c.text.split()).lower()
        if key not in seen_text:
            chosen.append(c)
            seen_text.add(key)
    return chosen


# The embedder's cosine similarity of a question and a passage, mapped onto [0, 1]: multilingual
# e5 puts passages about something else at about 0.80–0.85 and passages that answer at 0.90 and up.
DENSE_FLOOR = 0.85
DENSE_CEIL = 0.95


def dense_share(similarity: float | None) -> float:
    """A chunk's dense similarity to the question on the scale of lexical coverage (0: none known)."""
    if similarity is None:
        return 0.0
    return min(1.0, max(0.0, (similarity - DENSE_FLOOR) / (DENSE_CEIL - DENSE_FLOOR)))


def grounding_names(profile: QuestionProfile, index: SearchIndex) -> list[str]:
    """The names a Dutch question asks about ("Moerveld", "Woonopmaat", "DSP" of "DSP-rapport")
    that the indexed text uses: evidence must be about them. Capitalised words most documents
    use ("Tabel", "Bijlage", "Gemeente") are no names; a name the text never uses is refused
    on its own."""
    if profile.language != "nl":
        return []
    out: list[str] = []
    for word in profile.proper_nouns:
        parts = [
            p
            for p in word.split("-")
            if len(p) > 2 and any(index.term_df.get(t) for t in tokenize(p)) and not used_by_most_documents(index, p)
        ]
        if parts:
            out.append("-".join(parts))
    return out


def _name_forms(name: str) -> list[str]:
    """Folded stems of a name's parts that also match its derived forms ("Heemskerkse")."""
    return [name_stem(part) for part in name.split("-") if fold(part)]


def mentions_all(names: list[str], text: str) -> bool:
    """Each of ``names`` (or a form derived from it) occurs in ``text``."""
    if not names:
        return True
    hay = fold(text)
    return all(any(form in hay for form in _name_forms(n)) for n in names)


def about_text(index: SearchIndex, doc_id: str) -> str:
    """What a document is known as and about: its title, its author, the municipalities and the
    region it covers (a regional strategy speaks for each of its municipalities)."""
    doc = index.documents.get(doc_id)
    if doc is None:
        return ""
    meta = doc.meta
    places = " ".join(str(m) for m in meta.get("municipalities", []) or [])
    return f"{doc.title} {meta.get('organisation', '')} {meta.get('region', '')} {places}"


# The top of a page: a letterhead or running header ("Gemeente Duinmeer", "Regio Veenland").
PAGE_HEAD_CHARS = 200


def grounded(names: list[str], passage: Passage, index: SearchIndex) -> bool:
    """Each name occurs in the passage's text or section, in its page's header, or names what
    its document is about."""
    if not names:
        return True
    head = (index.page_text(passage.doc_id, passage.page) or "")[:PAGE_HEAD_CHARS]
    return mentions_all(names, f"{passage.text} {passage.section} {head} {about_text(index, passage.doc_id)}")


# Names listed side by side: "de gemeenten Turfhaven, Rietwolde en Lindeveld", "A · B · C".
_NAME = r"[A-ZÀ-Ý][\w’'-]*(?:\s+[A-ZÀ-Ý][\w’'-]*)*"
_LIST_SEP = re.compile(r"\s*[,·•;]\s*|\s+(?:en|of|and|or)\s+")
_ENUMERATION = re.compile(rf"{_NAME}(?:(?:{_LIST_SEP.pattern}){_NAME})+")


# Words that give each listed member the value: "in Velsen en Beverwijk (beide 12%)".
_DISTRIBUTIVE = re.compile(r"\b(beide|allebei|elk|elke|ieder|iedere|respectievelijk|both|each|respectively)\b", re.I)


def outside_enumerations(text: str, names: list[str]) -> str:
    """``text`` without the enumerations of names that hold a name not asked: what is said of
    "Turfhaven, Rietwolde en Lindeveld" together is said of the group, not of one member —
    unless the text gives it to each of them ("beide", "elk", "respectievelijk")."""
    if _DISTRIBUTIVE.search(text):
        return text

    def keep(m: re.Match[str]) -> str:
        return m.group(0) if all(_is_asked(item, names) for item in _LIST_SEP.split(m.group(0))) else " "

    return _ENUMERATION.sub(keep, text)


def _is_asked(item: str, names: list[str]) -> bool:
    """Is a listed item (part of) an asked name? ("Dijk en Waard" reads as a list of two.)"""
    hay = fold(item)
    return any(form in hay for n in names for form in _name_forms(n))


def names_itself(names: list[str], c: Candidate, index: SearchIndex) -> bool:
    """Does the unit say its number of one of ``names``: the name in the unit itself, its
    heading, section, column names or page header — not only as one of a list with other
    names — or in what its document is about alone (its title, its author, its one
    municipality)? A number elsewhere on the passage, or in a document about a region the
    place belongs to, counts something else ("the region has 62,000 inhabitants")."""
    page = c.page_units
    context = [c.text, c.passage.section, (index.page_text(c.passage.doc_id, c.passage.page) or "")[:PAGE_HEAD_CHARS]]
    if page is not None:
        context.append(page.heading_at(c.start))
        if c.unit is not None and c.unit.kind == "row":
            context.append(" ".join(page.headers.get(c.unit.block, [])))
    doc = index.documents.get(c.passage.doc_id)
    own = ""
    if doc is not None:
        places = [str(m) for m in doc.meta.get("municipalities", []) or []]
        own = f"{doc.title} {doc.meta.get('organisation', '')} {places[0] if len(places) == 1 else ''}"
    hay = " ".join([own, *(outside_enumerations(piece, names) for piece in context)])
    return any(mentions_all([n], hay) for n in names)


def evidence_support(
    profile: QuestionProfile,
    cands: list[Candidate],
    index: SearchIndex,
    dense: dict[str, float] | None = None,
    dense_weight: float = 0.0,
    names: list[str] | None = None,
) -> float:
    """How well the best single piece of evidence among the units of the five best passages
    answers the question.

    Per unit: the IDF-weighted share of the question's terms it covers (names of places and
    documents at a third: they say where, not what), raised — never lowered — by the dense
    similarity of its chunk to the question (``dense``: chunk_id → cosine; ``dense_weight``:
    its share in the blend), so a paraphrase without the question's words still counts.
    A unit only counts when its passage is about every one of ``names`` (see
    ``grounding_names``), and, for a question that asks for an amount or a count, when it
    holds one and says whose it is (see ``names_itself``)."""
    weights = term_weights(profile, index, profile.language == "en", 0.3)
    typed = profile.expects != "any" and (profile.kind == "number" or profile.expects == "money")
    names = names or []
    about: dict[str, bool] = {}
    best = 0.0
    for c in cands:
        if c.rank >= 5 or (typed and not has_expected_value(profile, c.text)):
            continue
        cid = c.passage.chunk_id
        if cid not in about:
            about[cid] = grounded(names, c.passage, index)
        if not about[cid] or (typed and names and not names_itself(names, c, index)):
            continue
        lexical = covered(weights, c.tokens | c.section_tokens)
        blended = (1 - dense_weight) * lexical + dense_weight * dense_share((dense or {}).get(cid))
        best = max(best, lexical, blended)
    return round(best, 4)


_ROW_MARK = re.compile(r"^(?:\(?[a-z]\)|\d{1,2}\))\s", re.M)
ROW_START = re.compile(r"(?:\(?[a-z]\)|\d{1,2}\))\s")


def expand_row(page_text: str, start: int, end: int, max_chars: int = 900) -> int:
    """End of the table row that starts at ``start`` (rows open with "a)" or "1)")."""
    nxt = _ROW_MARK.search(page_text, end)
    stop = nxt.start() if nxt else len(page_text)
    return max(end, min(stop, start + max_chars)) if stop > end else end


# Sentences that carry on the previous one's point, or name what it announced ("Deze partners zijn …").
CONTINUES = re.compile(
    r"^(Ook|Daarnaast|Verder|Bovendien|Tevens|Daarbij|Hierbij|Wel|Wel\s+moet|"
    r"(Deze|Die|Dat|Dit)\s+(\w+\s+)?(zijn|is|waren|was)\b|Het\s+gaat\s+(hier\s+)?om|"
    # "In 2040 zijn dat er 2,5 miljoen.": the same subject, pointed back to.
    r"([\w,]+\s+){1,3}(zijn|is|waren|was)\s+(dat|dit|die|deze)\b)\b"
)


def extend_span(page_text: str, end: int, units: int, max_chars: int = 1500) -> int:
    """Move ``end`` past the next ``units`` sentences of the page (across chunk borders), and
    past up to two more that carry on the same point ("Ook dient de woning …")."""
    ahead = split_units(page_text[end : end + max_chars], table=False)
    taken = min(max(units, 0), len(ahead))
    while taken < len(ahead) and taken < units + 2 and CONTINUES.match(page_text[end + ahead[taken][0] :]):
        taken += 1
    return end + ahead[taken - 1][1] if taken else end


@dataclass
class Quoted:
    """One answer line's span of a page: whole units, neighbours joined."""

    passage: Passage
    start: int
    end: int
    extend: int
    label: str | None = None  # a table row read with its column names, shown instead of the quote
    page_units: PageUnits | None = None


def _whole(c: Candidate) -> tuple[int, int]:
    return c.page_units.whole(c.unit) if c.page_units is not None and c.unit is not None else (c.start, c.end)


def merge_adjacent(chosen: list[Candidate]) -> list[Quoted]:
    """Each chosen candidate as the whole unit it belongs to (its list with the lead-in, its
    row); overlapping or neighbouring spans on one page joined into one quote. The groups keep
    the order of their best member in ``chosen`` (best evidence first)."""
    order = {id(c): i for i, c in enumerate(chosen)}
    spans = sorted(((c, *_whole(c)) for c in chosen), key=lambda t: (t[0].passage.doc_id, t[0].passage.page, t[1]))
    groups: list[tuple[Quoted, int]] = []  # quoted span, best position
    for c, start, end in spans:
        last = groups[-1][0] if groups else None
        label = c.unit.label if c.unit is not None and (start, end) == (c.unit.start, c.unit.end) else None
        if (
            last is not None
            and last.passage.doc_id == c.passage.doc_id
            and last.passage.page == c.passage.page
            and start - last.end <= 2
        ):
            last.end = max(last.end, end)
            last.extend = max(last.extend, c.extend)
            last.label = None  # a joined span reads as its text
            groups[-1] = (last, min(groups[-1][1], order[id(c)]))
        else:
            groups.append((Quoted(c.passage, start, end, c.extend, label, c.page_units), order[id(c)]))
    groups.sort(key=lambda g: g[1])
    return [q for q, _ in groups]
