"""Glossary (begrippen) extraction: who defines which term how, and where.

Policy documents define their terms in four recognisable ways, each parsed from
the stored page texts (so quotes stay verbatim substrings of one page):

* ``begrippenlijst``: a bijlage of "Term:" lines each followed by its definition
  (Bijlage 1 "Begripsbepalingen BZK"), a heading line repeated as the subject of
  the next sentence ("Nultredenwoningen" / "Nultredenwoningen zijn …"), and the
  numbered aandachtsgroepen table under "Onder deze aandachtsgroep verstaan we:";
* ``definitiezin``: "X is een …", "Deze “X” zijn mensen …", "Onder X verstaan we …";
* ``toelichting``: a parenthesis right after a term: "woonzorgcirkels (clusters van …)";
* ``afkorting``: "Full Name (ABBR)" or "ABBR (Full Name)", and legends "S+M app = …";
* namings, kept as ``definitiezin``: "X, oftewel Y", "de zogenaamde X" (with what
  the sentence says around it), "(ook wel X genoemd)", "X betekent dat/:" and
  footnotes "53 X: definitie".

Whose definition it is (``scope``) comes from the bijlage title or a nearby
sentence naming the source ("concept definities van het ministerie van BZK (juni
2023)", "De definities van het Rijk …"); otherwise it is the document's own.
What cannot be settled (a definition running onto the next page) is recorded in
``Begrip.uncertain``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from ingest.read.chunking import dehyphenate
from ingest.read.structure import Line, label_lines
from ingest.text.analysis import ends_with_abbreviation, fold, tokenize
from prompts import records as R

KINDS = ("begrippenlijst", "definitiezin", "afkorting", "toelichting")

_WORD = r"[A-Za-zÀ-ÿ][\wÀ-ÿ'’/-]*"
_OPEN_Q = "“\"‘'"
_CLOSE_Q = "”\"’'"
_SENT_END = (".", "!", "?")
_BIJLAGE_GLOSSARY = re.compile(r"begrip|definitie", re.I)
_CONCEPT_SOURCE = re.compile(
    r"concept\s+definities\s+van\s+het\s+ministerie\s+van\s+(?P<who>[A-Z]{2,5})\s*\((?P<when>[^()]{3,20})\)"
)
_RIJK_SOURCE = re.compile(r"definities\s+van\s+het\s+Rijk|rijksdefinities", re.I)
_MINISTRY = re.compile(r"ministerie\s+van\s+(?P<who>BZK|VWS)\b")
# Words that cannot head a defined term: "Dat is …", "Het zijn grote opgaven".
_NOT_A_TERM = {
    "dat",
    "dit",
    "het",
    "er",
    "zij",
    "we",
    "wij",
    "hij",
    "ze",
    "die",
    "deze",
    "wat",
    "dan",
    "daarnaast",
    "ook",
    "maar",
    "en",
    "doel",
    "verder",
    "hier",
    "daarbij",
    "belangrijk",
    "landelijk",
    "in",
    "per",
}
_ARTICLES = {"de", "het", "een"}
_TERM_BREAKERS = {"van", "voor", "met", "in", "per", "daarvan", "dit", "dat", "deze", "op", "bij", "er", "ook", "al"}
_RELATIVE = {"die", "dat", "waarin", "waarbij", "waar", "voor", "bedoeld"}
# Quantifiers in front of a term are not part of it: "voldoende geclusterde- (…)".
_QUANTIFIERS = {"voldoende", "andere", "diverse", "aanvullende", "enkele", "meer", "veel", "nieuwe"}
# After "is/zijn", these start a definition; anything else ("is opgesteld", "zijn groot") does not.
_DEF_OPENERS = {"een", "mensen", "personen", "woningen", "huishoudens", "woningzoekenden", "ouderen", "inwoners"}
_PAREN_NOT_DEF = {
    "zie",
    "zoals",
    "o.a.",
    "mede",
    "bijv.",
    "bijvoorbeeld",
    "i.c.",
    "dus",
    "bron",
    "bron:",
    "naar",
    "in",
    "bij",
    "met",
    "tussen",
    "een",
    "de",
    "het",
    "op",
    "vanuit",
    "zo",
    "en",
    "of",
    "voor",
    "inclusief",
    "exclusief",
    "alleen",
    "wie",
    "wat",
    "denk",
    "waarvan",
}


@dataclass
class Begrip:
    """One definition of a term; ``uncertain`` says what the extractor could not settle."""

    term: str  # as written: "Zorggeschikte woningen"; for an afkorting the abbreviation
    definition: str  # verbatim, whitespace-normalised, de-hyphenated; an afkorting's full name
    file: str
    page: int  # 1-based page of the quote
    scope: str  # whose definition: "BZK (concept, juni 2023)", "Rijk (ministerie van BZK)", or the title
    aliases: list[str] = field(default_factory=list)
    kind: str = "definitiezin"
    quote: str = ""  # verbatim slice of the page text with the term and the start of the definition
    uncertain: list[str] = field(default_factory=list)
    boxes: list[list[float]] = field(default_factory=list)  # quote's boxes, page fractions [x0, y0, x1, y1]


# --------------------------------------------------------------------------- helpers


def _clean(text: str) -> str:
    return dehyphenate(text).strip(" :;,")


def _strip_quotes(term: str) -> str:
    return term.strip(_OPEN_Q + _CLOSE_Q + " ")


def singular_plural(term: str) -> list[str]:
    """Singular/plural variants of the term's last word: "woningen" ↔ "woning"."""
    head, _, last = term.rpartition(" ")
    prefix = f"{head} " if head else ""
    low = last.lower()
    variants: list[str] = []
    if low.endswith("ingen") or (low.endswith("en") and len(low) > 5):
        base = last[:-2]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "aeiou":
            base = base[:-1]  # "mannen" → "man"
        variants.append(prefix + base)
    elif low.endswith("s") and not low.endswith("ss") and len(low) > 4:
        variants.append(prefix + last[:-1])
    elif low.endswith("ing") or low.endswith("vorm") or low.endswith("groep"):
        variants.append(prefix + last + "en")
    return [v for v in variants if v.lower() != term.lower()]


def _sentence_end(text: str, start: int) -> int:
    """Offset just past the sentence that runs from ``start`` (or the text's end)."""
    for m in re.finditer(r"[.!?](?=[”’\")]?\d{0,2}(?:\s+[A-ZÀ-Ý0-9•▪➢“‘\"(]|\s*$))", text[start:]):
        end = start + m.end()
        if not ends_with_abbreviation(text[max(start, end - 8) : end]):
            return end
    return len(text)


class _Scoper:
    """Whose definitions these are, per page offset: bijlage title or a nearby source sentence."""

    def __init__(self, pages: list[str], labelled: list[list[Line]], file: str, title: str) -> None:
        self.pages = pages
        self.file = file
        self.labelled = labelled
        self.title = title

    def at(self, page: int, offset: int) -> str:
        section = next((ln.section for ln in reversed(self.labelled[page - 1]) if ln.start <= offset), ()) or (
            self.labelled[page - 1][0].section if self.labelled[page - 1] else ()
        )
        bijlage = section[0] if section and section[0].lower().startswith("bijlage") else ""
        # Look back over this page and the previous one for a sentence naming the source.
        before = (self.pages[page - 2] if page >= 2 else "") + "\n" + self.pages[page - 1][:offset]
        window = before[-2500:]
        # A glossary bijlage names its source once, at its start, maybe pages back.
        concept = list(_CONCEPT_SOURCE.finditer("\n".join(self.pages[:page])))
        if concept and _BIJLAGE_GLOSSARY.search(bijlage):
            m = concept[-1]
            when = " ".join(m.group("when").split())
            return R.SCOPE_CONCEPT_NL.format(who=m.group("who"), when=when)
        if bijlage and "BZK" in bijlage and _BIJLAGE_GLOSSARY.search(bijlage):
            return "BZK"
        near = window[-1200:]
        if _RIJK_SOURCE.search(near):
            ministry = list(_MINISTRY.finditer(window))
            return R.SCOPE_MINISTRY_NL.format(who=ministry[-1].group("who")) if ministry else "Rijk"
        return self.title


def _make(
    term: str,
    definition: str,
    kind: str,
    file: str,
    page: int,
    scope: str,
    quote: str,
    uncertain: list[str] | None = None,
) -> Begrip | None:
    term = re.sub(r"\s+", " ", _strip_quotes(dehyphenate(term))).strip(" :")
    definition = _clean(definition)
    if not term or not definition or not quote.strip():
        return None
    aliases = [] if kind == "afkorting" else singular_plural(term)
    return Begrip(term, definition, file, page, scope, aliases, kind, quote, uncertain or [])


# --------------------------------------------------------------------------- (1) begrippenlijsten


def _term_line(text: str) -> bool:
    return text.endswith(":") and len(text.split()) <= 18 and not text.lower().startswith(("onder ", "definitie"))


def _glossary_bijlage(labelled: list[list[Line]], pages: list[str], scoper: _Scoper) -> list[Begrip]:
    """ "Term:" lines and their definitions inside a bijlage titled Begripsbepalingen/Definities."""
    lines = [
        ln
        for page in labelled
        for ln in page
        if not ln.boilerplate and ln.section and _BIJLAGE_GLOSSARY.search(ln.section[0]) and not ln.opens_section
    ]
    out: list[Begrip] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if not _term_line(ln.text):
            i += 1
            continue
        term_lines = [ln]
        # "Wettelijke taakstelling\nvergunninghouders:": the term started on the line before.
        if ln.text[:1].islower() and i > 0 and not lines[i - 1].text.endswith((".", ":", ";")):
            term_lines.insert(0, lines[i - 1])
        elif ln.text[:1].islower():
            i += 1
            continue
        body: list[Line] = []
        j = i + 1
        while j < len(lines) and not _term_line(lines[j].text):
            nxt = lines[j + 1] if j + 1 < len(lines) else None
            if nxt is not None and _term_line(nxt.text) and nxt.text[:1].islower():
                break  # this line is the first half of the next term
            body.append(lines[j])
            if lines[j].text.endswith(_SENT_END) and not ends_with_abbreviation(lines[j].text):
                break  # the definition proper is the first paragraph; the rest is commentary
            j += 1
        i = j if j > i + 1 else i + 1
        if not body:
            continue
        term = " ".join(t.text for t in term_lines)
        definition = "\n".join(b.text for b in body)
        definition = re.sub(r"^Definitie\b[^:]{0,60}:\s*", "", definition)
        first = term_lines[0]
        page_text = pages[first.page - 1]
        notes: list[str] = []
        same_page = [b for b in body if b.page == first.page]
        end = same_page[-1].end if same_page else term_lines[-1].end
        if not same_page:
            notes.append(R.DEFINITION_STARTS_ON_NL.format(page=body[0].page))
        elif len(same_page) < len(body):
            notes.append(R.DEFINITION_CONTINUES_NL.format(page=body[-1].page))
        b = _make(
            term,
            definition,
            "begrippenlijst",
            scoper.file,
            first.page,
            scoper.at(first.page, first.start),
            page_text[first.start : end],
            notes,
        )
        if b:
            out.append(b)
    return out


def _heading_definitions(labelled: list[list[Line]], pages: list[str], scoper: _Scoper) -> list[Begrip]:
    """A short heading line repeated as the subject of the next sentence: "Nultredenwoningen" /
    "Nultredenwoningen zijn reguliere woningen …". The definition is the block up to the next heading."""
    flat = [ln for page in labelled for ln in page if not ln.boilerplate]
    out: list[Begrip] = []
    for i, ln in enumerate(flat[:-1]):
        words = ln.text.split()
        if not (1 <= len(words) <= 5) or ln.text.endswith((".", ":", ",", ";")) or not ln.text[:1].isupper():
            continue
        nxt = flat[i + 1]
        if not re.match(rf"{re.escape(ln.text)}\s+(?:is|zijn)\s", nxt.text):
            continue
        body: list[Line] = []
        for cand in flat[i + 1 :]:
            prev = body[-1] if body else None
            # Next heading: a short capitalised line without final punctuation after a finished sentence.
            if (
                prev is not None
                and prev.text.endswith((".", ":"))
                and cand.text[:1].isupper()
                and len(cand.text.split()) <= 8
                and not cand.text.endswith((".", ",", ";", ":"))
            ):
                break
            body.append(cand)
        start_line = body[0]
        page_text = pages[start_line.page - 1]
        on_page = [b for b in body if b.page == start_line.page]
        qstart = ln.start if ln.page == start_line.page else start_line.start
        text_from = page_text[start_line.start : on_page[-1].end]
        qend = start_line.start + _sentence_end(text_from, 0)
        notes = [R.DEFINITION_CONTINUES_NL.format(page=body[-1].page)] if len(on_page) < len(body) else []
        b = _make(
            ln.text,
            "\n".join(x.text for x in body),
            "begrippenlijst",
            scoper.file,
            start_line.page,
            scoper.at(ln.page, ln.start),
            page_text[qstart:qend],
            notes,
        )
        if b:
            out.append(b)
    return out


_TABLE_ROW = re.compile(r"^(?P<n>\d{1,2})\s+(?P<rest>\S.*)$")


def _aandachtsgroepen_table(labelled: list[list[Line]], pages: list[str], scoper: _Scoper) -> list[Begrip]:
    """The numbered table under "Onder deze aandachtsgroep verstaan we:": rows "1 Name … • bullet …"."""
    out: list[Begrip] = []
    for page_lines in labelled:
        lines = [ln for ln in page_lines if not ln.boilerplate]
        head = next((k for k, ln in enumerate(lines) if re.search(r"Onder deze \w+ verstaan we:$", ln.text)), None)
        if head is None:
            continue
        expected = 1
        rows: list[list[Line]] = []
        for ln in lines[head + 1 :]:
            m = _TABLE_ROW.match(ln.text)
            if m and int(m.group("n")) == expected:
                rows.append([ln])
                expected += 1
            elif (m and int(m.group("n")) != expected) or not rows:
                if m:
                    break  # a footnote ("10 Voor de …") ends the table
                continue
            else:
                rows[-1].append(ln)
        if not rows:
            if b := _described_group(lines, head, pages, scoper):
                out.append(b)
            continue
        for row in rows:
            text = "\n".join(x.text for x in row)
            name, bullet, rest = re.sub(r"^\d\s+", "", text).partition("•")
            if not bullet:
                continue  # no description in the row (row 3 in the DSP table): nothing to record
            page_text = pages[row[0].page - 1]
            bullets = ["• " + _clean(b) for b in ("•" + rest).split("•") if b.strip()]
            b = _make(
                name,
                "\n".join(bullets),
                "begrippenlijst",
                scoper.file,
                row[0].page,
                scoper.at(row[0].page, row[0].start),
                page_text[row[0].start : row[-1].end],
            )
            if b:
                out.append(b)
    return out


def _described_group(lines: list[Line], head: int, pages: list[str], scoper: _Scoper) -> Begrip | None:
    """ "Group name" / "Onder deze groep verstaan we:" / a column header / one description per line:
    the unnumbered form of the aandachtsgroepen table. The name is the title above the sentence."""
    title: list[Line] = []
    for ln in reversed(lines[:head]):
        if ln.opens_section and title:
            break
        if ln.text.endswith((".", ":", ";")) or len(title) >= 3:
            break
        title.insert(0, ln)
        if ln.opens_section:
            break
    body: list[Line] = []
    for ln in lines[head + 1 :]:
        if ln.text.startswith("NB") or (body and ln.opens_section):
            break
        if not body and len(ln.text.split()) == 1:
            continue  # the table's column header ("Omschrijving")
        body.append(ln)
    if not title or not body or any(ln.page != title[0].page for ln in body):
        return None
    return _make(
        " ".join(ln.text for ln in title),
        "\n".join("• " + ln.text for ln in body),
        "begrippenlijst",
        scoper.file,
        title[0].page,
        scoper.at(title[0].page, title[0].start),
        pages[title[0].page - 1][title[0].start : body[-1].end],
    )


# --------------------------------------------------------------------------- (2) definitiezinnen

_DEF_SENTENCE = re.compile(
    rf"(?:^|(?<=[.!?:]\s)|(?<=\n)|(?<=[▪•]\s))"
    rf"(?P<deze>Deze\s+)?(?P<term>[{_OPEN_Q}][\wÀ-ÿ][^{_CLOSE_Q}\n]{{0,40}}[{_CLOSE_Q}]"
    rf"|[A-ZÀ-Ý][\wÀ-ÿ'’-]*(?:[ ]+[\wÀ-ÿ][\wÀ-ÿ'’-]*){{0,3}})"
    # "De wooncoaches van Wonen Plus Welzijn zijn …": the organisation is not part of the term.
    r"(?P<owner>[ ]+van(?:[ ]+[A-ZÀ-Ý][\wÀ-ÿ'’-]*){1,4})?"
    r"\s+(?P<verb>is|zijn)\s+(?P<next>[a-zà-ÿ][\wÀ-ÿ'’-]*)(?:\s+(?P<next2>[a-zà-ÿ][\wÀ-ÿ'’-]*))?"
)
_ONDER = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))Onder\s+(?P<term>[^.:\n]{3,60}?)\s+verst(?:aan|aat)\s+(?:we|wij|men)\s+(?P<def>\S)"
)


def _participle(word: str) -> bool:
    """ "opgenomen", "ingeschreven", "verdeeld": a verb form, not a noun ("verhuizingen" is one)."""
    low = word.lower()
    if low.endswith("ingen"):
        return False
    return bool(
        re.fullmatch(r"[a-z]{0,4}ge[a-zà-ÿ]{2,}(?:en|d|t)", low)
        or re.fullmatch(r"(?:be|ver|ont|her)[a-zà-ÿ]{2,}[dt]", low)
    )


def _plural_noun(word: str) -> bool:
    """ "ouderenadviseurs", "woonvormen": a plural class name."""
    return len(word) >= 6 and word.endswith(("s", "en")) and not _participle(word)


def _definition_sentences(pages: list[str], scoper: _Scoper, taken: set[tuple[int, str]]) -> list[Begrip]:
    out: list[Begrip] = []
    for page_no, text in enumerate(pages, start=1):
        for m in _DEF_SENTENCE.finditer(text):
            raw_term = m.group("term")
            term = _strip_quotes(raw_term)
            words = term.split()
            quoted = raw_term[:1] in _OPEN_Q
            if m.group("deze") and not quoted:
                continue  # "Deze visies zijn …": only a quoted term after "Deze" is being defined
            if words[0].lower() in _ARTICLES and len(words) > 1:
                words = words[1:]
            if words[0].lower() in _NOT_A_TERM or any(w.lower() in _TERM_BREAKERS | _RELATIVE for w in words):
                continue  # "Woningzoekende die voltijds is …": a clause, not a term
            nxt, nxt2 = m.group("next"), m.group("next2") or ""
            opener = nxt in _DEF_OPENERS or (
                nxt.endswith("e") and nxt not in {"de", "deze", "die", "ze"} and nxt2 in _DEF_OPENERS | {"woningen"}
            )
            opener = opener or (nxt == "onder" and nxt2 == "andere") or _plural_noun(nxt)
            if not opener:
                continue
            end = _sentence_end(text, m.start("term"))
            # A definition names a class and narrows it down: "… woningen die …", "… thema dat …".
            head = text[m.end("verb") : end].split()[:8]
            if not _RELATIVE & {w.strip(",").lower() for w in head}:
                continue
            if (page_no, fold(" ".join(words))) in taken:
                continue
            b = _make(
                " ".join(words),
                text[m.start("verb") + len(m.group("verb")) : end],
                "definitiezin",
                scoper.file,
                page_no,
                scoper.at(page_no, m.start()),
                text[m.start() : end],
            )
            if b:
                out.append(b)
        for m in _ONDER.finditer(text):
            term = m.group("term")
            if term.split()[0].lower() in {"deze", "die", "dit", "dat"}:
                continue  # "Onder deze groep verstaan we:" introduces a table, handled elsewhere
            end = _sentence_end(text, m.start())
            b = _make(
                term,
                text[m.start("def") : end],
                "definitiezin",
                scoper.file,
                page_no,
                scoper.at(page_no, m.start()),
                text[m.start() : end],
            )
            if b:
                out.append(b)
    return out


# --------------------------------------------------------------------------- (3) toelichtingen

_PAREN_AFTER_TERM = re.compile(
    r"(?P<term>(?:[a-zà-ÿA-ZÀ-Ý][\wÀ-ÿ-]*\s+)?[a-zà-ÿA-ZÀ-Ý][\wÀ-ÿ]*-?)\s?\((?P<body>[^()]*)"
)


_NOUN_ENDINGS = ("en", "s", "ing", "heid", "de", "ment", "tie", "sie", "schap", "isme", "iteit")
# Words that make a parenthesis describe what the term is: "(regionale vertaling van IZA)",
# "(ondersteuning gericht op zelfregie)", "(uitstroom aandachtsgroepen naar zelfstandig wonen …)".
_DESCRIBING = {"van", "gericht", "bedoeld", "bestemd", "naar"}
# A parenthesis that opens with these equates the term with something: "(gelijk aan het huidige …)".
_EQUATING = re.compile(r"^(?:gelijk\s+aan|oftewel|ofwel|d\.w\.z\.|dat\s+wil\s+zeggen)\s", re.IGNORECASE)
_QUOTED_PAREN = re.compile(
    rf"[{_OPEN_Q}](?P<term>[\wÀ-ÿ][^{_OPEN_Q}{_CLOSE_Q}\n]{{2,50}})[{_CLOSE_Q}]\s?\((?P<body>[^()]{{3,120}})\)"
)


def _noun_like(word: str) -> bool:
    low = word.lower().rstrip("-")
    return len(low) >= 5 and low not in _NOT_A_TERM and (low.endswith(_NOUN_ENDINGS) or word.endswith("-"))


def _is_name(word: str) -> bool:
    """ "GezondGooi", "PACT": a proper name or acronym, which a parenthesis may describe."""
    return len(word) >= 3 and word[0].isupper() and (word.isupper() or any(ch.isupper() for ch in word[1:]))


def _toelichtingen(pages: list[str], scoper: _Scoper) -> list[Begrip]:
    """ "woonzorgcirkels (clusters van woningen …)": a descriptive parenthesis right after a noun."""
    out: list[Begrip] = []
    for page_no, text in enumerate(pages, start=1):
        for m in _QUOTED_PAREN.finditer(text):
            # "‘beschermd thuis geclusterd’ (gelijk aan het huidige ‘beschut wonen’)"
            if _EQUATING.match(m.group("body")):
                b = _make(
                    m.group("term"),
                    m.group("body"),
                    "toelichting",
                    scoper.file,
                    page_no,
                    scoper.at(page_no, m.start()),
                    m.group(0),
                )
                if b:
                    out.append(b)
        for m in _PAREN_AFTER_TERM.finditer(text):
            body = m.group("body")
            words = body.split()
            closed = m.end() < len(text) and text[m.end()] == ")"
            if len(words) < 3 or not words[0][:1].islower() or words[0].lower() in _PAREN_NOT_DEF:
                continue
            if words[0].endswith(","):
                continue  # "(ervaringsdeskundigen, cliëntvertegenwoordigers …)": examples, not a definition
            # Describes what the term *is*: "clusters van woningen …", "… woningen waarbij …";
            # short ones only with a describing word ("ondersteuning gericht op zelfregie").
            describing = bool(_DESCRIBING & set(words[1:3]))
            if not describing and (len(words) < 5 or not {"waarbij", "die", "dat", "met"} & set(words[1:4])):
                continue
            term_words = dehyphenate(m.group("term")).split()
            if _participle(term_words[-1]):
                continue
            if not (_noun_like(term_words[-1]) or (_is_name(term_words[-1]) and len(words) >= 3)):
                continue
            if len(term_words) == 2 and (
                term_words[0].lower() in _QUANTIFIERS
                or not (term_words[0].lower().endswith("e") or (term_words[0].isupper() and len(term_words[0]) > 1))
            ):
                # Keep only an adjective or acronym before the noun: "Gemengde woonvormen", "PACT afspraken".
                term_words = term_words[1:]
            term = " ".join(term_words)
            notes: list[str] = []
            definition = body
            if not closed:
                # The parenthesis runs onto the next page: join the rest, keep the quote on this page.
                if page_no < len(pages) and ")" in pages[page_no][:400]:
                    definition = body + pages[page_no][: pages[page_no].index(")")]
                    notes.append(R.EXPLANATION_CONTINUES_NL.format(next_page=page_no + 1, page=page_no))
                else:
                    continue
                after = pages[page_no][pages[page_no].index(")") + 1 :]
            else:
                after = text[m.end() + 1 :]
            if term.endswith("-"):
                # "geclusterde- (…) en zorggeschikte woningen": the head noun comes after the parenthesis.
                head = re.match(r"\s*en\s+\w+\s+(?P<noun>\w+)", after)
                if not head:
                    continue
                term = f"{term[:-1]} {head.group('noun')}"
                notes.append(R.HEAD_NOUN_AFTER_PARENTHESIS_NL.format(noun=head.group("noun")))
            quote_end = m.end() + 1 if closed else len(text.rstrip())
            b = _make(
                term,
                definition,
                "toelichting",
                scoper.file,
                page_no,
                scoper.at(page_no, m.start()),
                text[m.start() : quote_end],
                notes,
            )
            if b:
                out.append(b)
    return out


# --------------------------------------------------------------------------- (4) afkortingen

_ABBR = r"[A-Z][A-Za-z&]{1,6}"
_LONG_THEN_ABBR = re.compile(rf"[{_CLOSE_Q}]?\s?\((?P<abbr>{_ABBR})\)")
_ABBR_THEN_LONG = re.compile(rf"\b(?P<abbr>{_ABBR})\s\((?P<long>[A-ZÀ-Ý][^()\n]{{4,80}})\)")


def _is_abbr(token: str) -> bool:
    upper = sum(ch.isupper() for ch in token)
    return upper >= 2 or (len(token) == 3 and token[0].isupper() and not token.endswith("e"))


def _long_form(abbr: str, words: list[str]) -> list[str] | None:
    """Schwartz & Hearst: the shortest run of trailing ``words`` whose letters spell ``abbr`` in
    order, the first letter starting a word ("Integraal Zorgakkoord" → IZA)."""
    letters = [ch.lower() for ch in abbr if ch.isalpha()]
    for n in range(1, min(len(words), len(letters) + 4) + 1):
        cand = words[-n:]
        text = " ".join(cand).lower()
        if cand[0][:1].lower() != letters[0]:
            continue
        ti = len(text) - 1
        ok = True
        for li in range(len(letters) - 1, -1, -1):
            while ti >= 0 and (text[ti] != letters[li] or (li == 0 and ti > 0 and text[ti - 1].isalnum())):
                ti -= 1
            if ti < 0:
                ok = False
                break
            ti -= 1
        if ok and ti < 0 + len(cand[0]):  # matched within the run, first letter at its first word
            return cand
    return None


def _afkortingen(pages: list[str], scoper: _Scoper) -> list[Begrip]:
    out: list[Begrip] = []
    for page_no, text in enumerate(pages, start=1):
        for m in _LONG_THEN_ABBR.finditer(text):
            abbr = m.group("abbr")
            if not _is_abbr(abbr):
                continue
            left = text[max(0, m.start() - 160) : m.start()]
            left = re.split(r"[.;:!?()•▪➢\n]\s", left)[-1]
            words = re.findall(r"[\wÀ-ÿ'’-]+", left.replace("\n", " "))
            words = [w.strip("‘’“”'\"") for w in words if w.strip("‘’“”'\"")]
            long = _long_form(abbr, words)
            # "Huren Onder Voorwaarden concept (HOV)": a last word without the last letter is no part of it.
            while long and len(long) > 1 and abbr[-1].lower() not in long[-1].lower():
                long = long[:-1]
            if not long or " ".join(long).lower() == abbr.lower():
                continue
            full = " ".join(long)
            qstart = text.rfind(long[0], 0, m.start())
            b = _make(
                abbr, full, "afkorting", scoper.file, page_no, scoper.at(page_no, m.start()), text[qstart : m.end()]
            )
            if b:
                b.aliases = [full]
                out.append(b)
        for m in _ABBR_THEN_LONG.finditer(text):
            abbr, long_text = m.group("abbr"), m.group("long")
            if not _is_abbr(abbr):
                continue
            words = long_text.split()
            long = _long_form(abbr, words[: len(abbr) + 4])
            if not long or long[0] != words[0]:
                continue
            full = " ".join(words[: len(long)]) if len(long) < len(words) else long_text
            b = _make(abbr, full, "afkorting", scoper.file, page_no, scoper.at(page_no, m.start()), m.group(0))
            if b:
                b.aliases = [_clean(full)]
                out.append(b)
    # One record per abbreviation and spelled-out form within a document.
    seen: set[tuple[str, str]] = set()
    unique: list[Begrip] = []
    for b in out:
        key = (b.term, fold(re.sub(r"[\s-]+", "", b.definition)))
        if key not in seen:
            seen.add(key)
            unique.append(b)
    return unique


# --------------------------------------------------------------------------- (5) benoemingen

_NAMED = re.compile(r"\b(?:zogenaamde?|zogenoemde?|zogeheten)\s+", re.IGNORECASE)
_OFTEWEL = re.compile(r"(?P<comma>,)?\s+oftewel\s+")
_OOK_WEL = re.compile(r"\(ook wel (?P<term>[^()\n]{3,60}?) genoemd\)")
_BETEKENT = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n)|(?<=[{_OPEN_Q}]))(?P<term>[A-ZÀ-Ý][\wÀ-ÿ'’-]*(?:[ ]+[a-zà-ÿ][\wÀ-ÿ'’-]*){{0,3}})"
    r"\s+betekent(?::|\s+dat)\s+(?P<def>\S)"
)
_LEGEND = re.compile(r"^(?P<term>[^=\n]{1,30}?)\s=\s(?P<def>[a-zà-ÿA-ZÀ-Ý][^=\n]{3,120})$", re.MULTILINE)
_FOOTNOTE_TERM = re.compile(
    r"^\d{1,3}\s+(?P<term>[A-ZÀ-Ý][\wÀ-ÿ-]+(?:\s[a-zà-ÿ][\wÀ-ÿ-]+)?):\s+(?P<def>[a-zà-ÿ][^\n]{5,})$", re.MULTILINE
)
_WORD_AT = re.compile(r"[\wÀ-ÿ'’+&()-]+")
# Words that end a term read outward from "oftewel"/"zogenaamde": articles, prepositions, pronouns, verbs.
_TERM_STOP = (
    _ARTICLES
    | _TERM_BREAKERS
    | _RELATIVE
    | {"over", "aan", "naar", "door", "om", "tot", "uit", "onder", "tussen", "zonder", "tegen", "via", "als"}
    | {"en", "of", "maar", "waarop", "waarvan", "is", "zijn", "wordt", "worden", "te", "toe", "kan", "zal"}
    | {"we", "wij", "ze", "zij", "hij", "het", "men", "ons", "onze"}
)
_DEMONSTRATIVE = {"die", "deze", "dit", "dat"}
_SENTENCE_START = re.compile(r"(?:(?<=[.!?])\s+|\n(?=[A-ZÀ-Ý0-9•▪➢‘“]))")
_FOOTNOTE_NUMBER = re.compile(r"\d{1,3}\s+(?=[A-ZÀ-Ý])")


def _sentence_start(text: str, pos: int) -> int:
    """Offset where the sentence holding ``pos`` starts (after the last sentence end before it)."""
    start = 0
    for m in _SENTENCE_START.finditer(text, 0, pos):
        before = text[max(0, m.start() - 8) : m.start()]
        if m.group(0).startswith("\n") or not ends_with_abbreviation(before):
            start = m.end()
    return start


def _words_before(text: str, end: int, limit: int = 4) -> tuple[str, int] | None:
    """The term just before ``end``: a run of capitalised words ("Community Building"), else up to
    three words back to a stop word ("over fair share" → "fair share"). Returns (term, start)."""
    words = [m for m in _WORD_AT.finditer(text, max(0, end - 120), end) if m.end() <= end]
    if not words or text[words[-1].end() : end].strip():
        return None
    picked: list[re.Match[str]] = []
    last = next((w.group(0) for w in reversed(words) if not w.group(0).startswith("(")), "")
    capital_run = last[:1].isupper()
    for w in reversed(words):
        token = w.group(0)
        gap = text[w.end() : picked[0].start()] if picked else ""
        if picked and re.search(r"[.,;:!?]", gap):
            break
        if token.startswith("(") or token.endswith(")"):
            if picked:
                break
            continue  # "Volledig Pakket Thuis (VPT), oftewel …": skip the abbreviation
        if token.lower() in _TERM_STOP or len(picked) >= limit:
            break
        if capital_run and not token[:1].isupper():
            break
        picked.insert(0, w)
    if not picked:
        return None
    return text[picked[0].start() : picked[-1].end()], picked[0].start()


def _words_after(text: str, start: int, limit: int = 4) -> tuple[str, int] | None:
    """The term just after ``start`` ("zogenaamde dubbele vergrijzing."): quoted, or words up to a stop word."""
    rest = text[start:]
    if rest[:1] in _OPEN_Q:
        close = next((i for i, ch in enumerate(rest[1:80], start=1) if ch in _CLOSE_Q), 0)
        if not close:
            return None
        end = start + close + 1
        term = rest[1:close]
        # "‘empty nest’ woningen.": a lower-case quoted modifier takes the noun after it.
        if term[:1].islower() and (noun := re.match(r"\s([a-zà-ÿ]{4,})(?=[.,;:]|\s*$)", text[end : end + 40])):
            term, end = f"{term} {noun.group(1)}", end + noun.end()
        return term, end
    picked: list[re.Match[str]] = []
    for w in _WORD_AT.finditer(text, start, min(len(text), start + 120)):
        gap = text[picked[-1].end() : w.start()] if picked else text[start : w.start()]
        token = w.group(0)
        if gap.strip() or token.startswith("(") or token.lower() in _TERM_STOP or len(picked) >= limit:
            break
        picked.append(w)
    if not picked:
        return None
    end = picked[-1].end()
    return text[start:end], end


def _named(pages: list[str], scoper: _Scoper) -> list[Begrip]:
    """ "X, oftewel Y", "de zogenaamde X …", "(ook wel X genoemd)", "X betekent dat …"."""
    out: list[Begrip] = []

    def add(term: str, definition: str, page_no: int, start: int, end: int, kind: str = "definitiezin") -> None:
        text = pages[page_no - 1]
        while start < end and text[start].isspace():
            start += 1
        if fn := _FOOTNOTE_NUMBER.match(text, start):
            # A footnote's number is not part of its text: "55 Zorgaanbieders …" → "Zorgaanbieders …".
            definition = (
                definition.lstrip()[fn.end() - start :] if definition.lstrip().startswith(fn.group(0)) else definition
            )
            start = fn.end()
        words = term.split()
        if not words or words[0].lower() in _NOT_A_TERM or len(definition.split()) < 1:
            return
        if b := _make(
            term, definition, kind, scoper.file, page_no, scoper.at(page_no, start), pages[page_no - 1][start:end]
        ):
            out.append(b)

    for page_no, text in enumerate(pages, start=1):
        for m in _OFTEWEL.finditer(text):
            before = _words_before(text, m.start())
            if before is None:
                continue
            term, tstart = before
            end = _sentence_end(text, m.end())
            if m.group("comma"):
                comma = text.find(",", m.end(), end)
                end = comma if comma != -1 else end
                definition = text[m.end() : end]
            else:
                after = _words_after(text, m.end(), limit=3)
                if after is None:
                    continue
                definition, end = after
            first = definition.split()[0].lower() if definition.split() else ""
            # "een regionale verplichting, oftewel voor alle gemeenten …" explains nothing.
            if first in _TERM_STOP - _ARTICLES:
                continue
            add(term, definition, page_no, tstart, end)

        for m in _NAMED.finditer(text):
            after = _words_after(text, m.end())
            if after is None:
                continue
            term, tend = after
            follow = text[tend : tend + 40]
            s_start = _sentence_start(text, m.start())
            s_end = _sentence_end(text, tend)
            intro = text[s_start : m.start()]
            if re.match(r"\d{0,3}[.!?]", follow.lstrip("”’\"'")) or not follow.strip():
                # The naming closes the sentence: the definition is what the sentence said before it.
                clause = re.search(r",\s+(?:de|het|een)\s+$", intro)
                opener = intro.split()[:1]
                if clause:
                    cut = intro.rfind(",", 0, clause.start())
                    dstart = s_start + (cut + 1 if cut != -1 else 0)
                    add(term, text[dstart : s_start + clause.start()], page_no, dstart, tend)
                elif opener and opener[0].lower() in _DEMONSTRATIVE and s_start > 0:
                    # "… afspraken gemaakt over …. Die afspraken vormen samen de zogeheten ‘treeknorm’."
                    p_start = _sentence_start(text, s_start - 2)
                    add(term, text[p_start:tend], page_no, p_start, tend)
            elif semi := re.match(r"(?:\s+[a-zà-ÿ]+){0,2}\s*;", follow):
                # "… ‘Lang Leven Thuisflats’ realiseren; woningcomplexen die …": the apposition after ";".
                dstart = tend + semi.end()
                add(term, text[dstart:s_end], page_no, m.start(), s_end)
            elif (w := re.match(r"\s+(\w+)", follow)) and w.group(1).lower() in _RELATIVE | {"waarin", "met"}:
                # A restrictive clause right after the name says what it is: "zorggeschikte woningen waar …".
                add(term, text[tend:s_end], page_no, m.start(), s_end)

        for m in _OOK_WEL.finditer(text):
            bullet = max(text.rfind(ch, max(0, m.start() - 500), m.start()) for ch in "•▪➢")
            dstart = bullet + 1 if bullet != -1 else _sentence_start(text, m.start())
            add(m.group("term"), text[dstart : m.start()], page_no, dstart, m.end())

        for m in _BETEKENT.finditer(text):
            words = m.group("term").split()
            if words[0].lower() in _ARTICLES and len(words) > 1:
                words = words[1:]
            if words[0].lower() in _NOT_A_TERM | _DEMONSTRATIVE or any(w.lower() in _TERM_BREAKERS for w in words):
                continue
            end = _sentence_end(text, m.start("def"))
            add(" ".join(words), text[m.start("def") : end], page_no, m.start(), end)

        for m in _FOOTNOTE_TERM.finditer(text):
            # "53 Mantelzorgpotentieel: ratio 50-64 jarigen en 85-plussers." (not "40 Bron: …")
            first = m.group("def").split()[0].lower()
            if m.group("term").lower() in {"bron", "bronnen", "noot", "zie"} or first in _TERM_STOP:
                continue
            add(m.group("term"), m.group("def"), page_no, m.start("term"), m.end())
    return out


def _legends(pages: list[str], scoper: _Scoper) -> list[Begrip]:
    """Legend lines under a table: "S+M app = appartementen in sociaal en betaalbaar segment"."""
    out: list[Begrip] = []
    for page_no, text in enumerate(pages, start=1):
        for m in _LEGEND.finditer(text):
            term = m.group("term").strip()
            # Only an abbreviation is explained this way; "behoefte ouderen = woonzorganalyse" names a source.
            if not any(_is_abbr(tok) or re.search(r"[A-Z][+&/][A-Z]", tok) for tok in term.split()):
                continue
            b = _make(
                term, m.group("def"), "afkorting", scoper.file, page_no, scoper.at(page_no, m.start()), m.group(0)
            )
            if b:
                b.aliases = [_clean(m.group("def"))]
                out.append(b)
    return out


# --------------------------------------------------------------------------- public API


def extract_begrippen(pages: list[str], file: str, title: str) -> list[Begrip]:
    """All begrippen defined in one document's stored page texts, in document order per kind."""
    labelled = label_lines(pages)
    scoper = _Scoper(pages, labelled, file, title)
    found = _glossary_bijlage(labelled, pages, scoper)
    found += _heading_definitions(labelled, pages, scoper)
    found += _aandachtsgroepen_table(labelled, pages, scoper)
    taken = {(b.page, fold(b.term)) for b in found}
    found += _definition_sentences(pages, scoper, taken)
    found += _toelichtingen(pages, scoper)
    taken = {(b.page, fold(b.term)) for b in found}
    found += [b for b in _named(pages, scoper) if (b.page, fold(b.term)) not in taken]
    abbrs = _afkortingen(pages, scoper) + _legends(pages, scoper)
    # Link abbreviations to the terms they abbreviate: "Wet langdurige zorg" ↔ "Wlz".
    for b in found:
        for a in abbrs:
            if _key(a.definition) == _key(b.term) and a.term not in b.aliases:
                b.aliases.append(a.term)
    return found + abbrs


# --------------------------------------------------------------------------- lookup

_NULTREDEN = re.compile(r"\b(?:nul|0)[\s-]*treden", re.IGNORECASE)


# Housing units named either way in policy texts: "geclusterde woonvormen" = "geclusterde woningen".
_HOUSING_UNITS = [
    (re.compile(r"\b(?:woonvormen|wooneenheden)\b"), "woningen"),
    (re.compile(r"\b(?:woonvorm|wooneenheid)\b"), "woning"),
]


def _normalise(text: str) -> str:
    """Fold, unify "nul-treden"/"0-treden" → "nultreden", housing-unit nouns → "woning(en)",
    and close hyphen/space compounds."""
    text = _NULTREDEN.sub("nultreden", fold(text))
    for pattern, unit in _HOUSING_UNITS:
        text = pattern.sub(unit, text)
    text = re.sub(r"(?<=\w)-\s*(?=\w)", "", text)
    return re.sub(r"[^a-z0-9 ]+", " ", text).strip()


def _key(text: str) -> str:
    return _normalise(text).replace(" ", "")


def _stem_key(text: str) -> str:
    return "".join(tokenize(_normalise(text).replace(" ", "")))


@lru_cache(maxsize=65536)
def _name_keys(name: str) -> tuple[str, str, frozenset[str]]:
    # Term names are fixed per index: normalised once, not on every question (4 s per question at 10k terms).
    return _key(name), _stem_key(name), frozenset(tokenize(_normalise(name)))


def _score(names: list[str], query: str) -> float:
    qkey, qstem, qtokens = _name_keys(query)  # the same normalisation as the names; cached per question too
    best = 0.0
    for name in names:
        key, stem, tokens = _name_keys(name)
        if not key:
            continue
        if key == qkey:
            best = max(best, 4.0)
        elif stem and stem == qstem:
            best = max(best, 3.5)
        elif len(qkey) >= 4 and (qkey in key or key in qkey):
            best = max(best, 2.0 + min(len(qkey), len(key)) / max(len(qkey), len(key)))
        elif len(qstem) >= 4 and (qstem in stem or stem in qstem):
            best = max(best, 1.5)
        else:
            if qtokens and tokens:
                overlap = len(qtokens & tokens) / len(qtokens | tokens)
                if overlap >= 0.5:
                    best = max(best, overlap)
    return best


def lookup(begrippen: list[Begrip], query: str) -> list[Begrip]:
    """Every begrip (all scopes and files) whose term or alias matches ``query``, best first."""
    return [b for _, b in lookup_scored(begrippen, query)]


def lookup_scored(begrippen: list[Begrip], query: str) -> list[tuple[float, Begrip]]:
    """``lookup`` with each match's score (4 = the exact term … 0.5 = shared words)."""
    scored = [(_score([b.term, *b.aliases], query), i, b) for i, b in enumerate(begrippen)]
    # Among equal matches a list/sentence definition beats an abbreviation or passing remark.
    rank = {"begrippenlijst": 0, "definitiezin": 1, "afkorting": 2, "toelichting": 3}
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (-s[0], rank.get(s[2].kind, 9), s[1]))
    return [(score, b) for score, _, b in scored]


# --------------------------------------------------------------------------- differences

_NUMBER = re.compile(
    r"(?P<q>(?:minimaal|min\.|ten minste|maximaal|max\.|tenminste|>|<|≥|≤)\s*)?(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>%|\+)?"
)


def _numbers(text: str) -> dict[str, str]:
    """Number → how it is written in context ("minimaal 12"); years and article numbers left out."""
    found: dict[str, str] = {}
    for m in _NUMBER.finditer(text):
        n = m.group("n")
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if re.fullmatch(r"(?:19|20)\d{2}", n) or "artikel" in before or re.search(r"\d\.$", before):
            continue
        if m.end() < len(text) and text[m.end() : m.end() + 1] in ".," and text[m.end() + 1 : m.end() + 2].isdigit():
            continue
        found.setdefault(n, m.group(0).strip())
    return found


def differences(matches: list[Begrip]) -> list[str]:
    """Short Dutch notes for pairs from different scopes/files that define the term differently."""
    notes: list[str] = []
    for a, b in combinations(matches, 2):
        if (a.scope, a.file) == (b.scope, b.file) or (a.kind == "afkorting") != (b.kind == "afkorting"):
            continue
        if _key(a.definition) == _key(b.definition):
            continue
        where_a = R.DEFINITION_WHERE_NL.format(term=a.term, scope=a.scope, file=a.file, page=a.page)
        where_b = R.DEFINITION_WHERE_NL.format(term=b.term, scope=b.scope, file=b.file, page=b.page)
        na, nb = _numbers(a.definition), _numbers(b.definition)
        only_a = [na[n] for n in na if n not in nb]
        only_b = [nb[n] for n in nb if n not in na]
        note = R.DEFINITIONS_DIFFER_NL.format(where_a=where_a, where_b=where_b)
        if only_a or only_b:
            note += R.DIFFERENT_NUMBERS_NL.format(
                a=", ".join(only_a) or R.NO_NUMBERS_NL, b=", ".join(only_b) or R.NO_NUMBERS_NL
            )
        notes.append(note + ".")
    return notes
