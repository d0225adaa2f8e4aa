"""What kind of question is this, in which language, and which words carry it?

Rules are about the *form* of questions (question words, answer types), never
about particular questions or documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bm25s.stopwords import STOPWORDS_EN

from ingest.text.analysis import fold, tokenize

Kind = Literal["definition", "number", "who", "when", "procedure", "comparison", "broad"]
Expect = Literal["reason", "money", "percentage", "duration", "count", "date", "any"]

_EN_MARKERS = {
    "the",
    "what",
    "which",
    "how",
    "who",
    "when",
    "does",
    "many",
    "much",
    "according",
    "is",
    "are",
    "of",
    "and",
    "to",
}
_NL_MARKERS = {
    "de",
    "het",
    "een",
    "wat",
    "welke",
    "hoe",
    "wie",
    "wanneer",
    "van",
    "zijn",
    "voor",
    "volgens",
    "en",
    "is",
    "er",
}

_KIND_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    (
        "comparison",
        re.compile(
            r"\b(verschil|verschilt|vergelijk\w*|verhoudt|verhouden|compare\w*|differ\w*|verschillende documenten)\b"
        ),
    ),
    (
        "definition",
        re.compile(
            r"^(wat (is|zijn|betekent|betekenen|houdt|wordt (er )?(bedoeld|verstaan))|wat verstaat|wie vallen onder|"
            r"what (is|are|does)\b.*\b(mean|definition|defined)?|define)"
        ),
    ),
    (
        "number",
        re.compile(
            r"\b(hoeveel|hoe hoog|hoe groot|welk percentage|percentage|aandeel|aantal|"
            r"how many|how much|what share|bedrag)\b"
        ),
    ),
    # "Welke organisatie voert … uit?", "Welk bureau …": one actor asked for, as with "wie".
    (
        "who",
        re.compile(r"\b(wie|trekker|who|leads?)\b|^(\w+ )?welke? \w*(organisatie|partij|instantie|bureau)\b"),
    ),
    ("when", re.compile(r"\b(wanneer|sinds wanneer|when|tijdspad|timeline|in welk jaar)\b")),
    (
        "procedure",
        re.compile(
            r"\b(stappen|stap \d|hoe (pak|worden|wordt|kun|kan|moet|zijn)|procedure|steps?|how (do|are|is|should))\b"
        ),
    ),
]
_EXPECT_PATTERNS: list[tuple[Expect, re.Pattern[str]]] = [
    ("reason", re.compile(r"^(waarom|why)\b|\bom welke reden\b|\bwat is de reden\b")),
    (
        "money",
        re.compile(
            r"(geld|bedrag|euro|kosten|kost|prijs|tarief|subsidie|budget|salaris|grens|\brate|\bcost|\bprice|\bmoney)\b"
        ),
    ),
    ("percentage", re.compile(r"\b(percentage|aandeel|procent|percent)\b|\bwhat share\b")),
    ("duration", re.compile(r"\b(wachttijd|duur|doorlooptijd|hoe lang|how long|waiting time)\b")),
    ("date", re.compile(r"\b(wanneer|when|datum|in welk jaar|which year)\b")),
    ("count", re.compile(r"\b(hoeveel|aantal|how many)\b")),
]
# Words that frame a question rather than name its subject.
_FRAME_WORDS = """
verschil tussen verhoudt verhouden verhouding verstaat verstaan bedoeld bedoelt betekent
noemt beschrijft staat staan geeft gaat houdt vallen
document documenten volgens rapport tekst over onder daarvan daar die dat deze
according about document documents mean meaning describe describes say says which what how many much
"""
_FRAME = {fold(w) for w in _FRAME_WORDS.split()}


@dataclass
class QuestionProfile:
    text: str
    language: Literal["nl", "en"]
    kind: Kind
    expects: Expect
    terms: list[str]  # stemmed key terms, question frame removed
    proper_nouns: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # "1g", "9b", "4.12"
    phrases: list[list[str]] = field(default_factory=list)  # quoted terms, as stem sequences


def detect_language(text: str) -> Literal["nl", "en"]:
    words = re.findall(r"[a-z]+", text.lower())
    en = sum(w in _EN_MARKERS for w in words)
    nl = sum(w in _NL_MARKERS for w in words)
    return "en" if en > nl else "nl"


def analyse(question: str) -> QuestionProfile:
    lowered = question.lower().strip()
    language = detect_language(question)
    kind: Kind = next((k for k, p in _KIND_PATTERNS if p.search(lowered)), "broad")
    expects: Expect = next((e for e, p in _EXPECT_PATTERNS if p.search(lowered)), "any")
    if kind in ("definition", "broad", "procedure") and expects in ("count", "money", "percentage", "duration"):
        kind = "number"
    stop = set(STOPWORDS_EN) if language == "en" else set()
    frame = set(tokenize(" ".join(_FRAME)))
    terms = [
        t
        for t in dict.fromkeys(tokenize(" ".join(w for w in re.findall(r"\w+", question) if w.lower() not in stop)))
        if t not in frame
    ]
    # Capitalised words after the first word: names of places, organisations, documents.
    words = re.findall(r"[\w’'-]+", question)
    proper = [w for w in words[1:] if w[:1].isupper() and len(w) > 2 and not w.isupper()]
    ids = re.findall(r"\b(\d{1,2}[a-z])\b", lowered) + re.findall(r"\b(\d+\.\d+)\b", lowered)
    quoted = re.findall(r"[‘'\"“]([^’'\"”]{3,80})[’'\"”]", question)
    phrases = [stems for q in quoted if (stems := tokenize(q))]
    return QuestionProfile(question, language, kind, expects, terms, proper, ids, phrases)
