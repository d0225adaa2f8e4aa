"""Evidence support and scoping on small synthetic indexes: dense similarity raises lexical
coverage, evidence must be about the names a question asks about, words most documents use are
neither names nor document names, who-questions reach the item's role line."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from assistant.answering import scoping
from assistant.answering.extractive import (
    DENSE_CEIL,
    DENSE_FLOOR,
    Candidate,
    dense_share,
    evidence_support,
    grounding_names,
    mentions_all,
    tokens_of,
)
from assistant.answering.select import _cell_about, _step_extent, _to_role_line
from assistant.answering.units import PageUnits, Unit
from assistant.answering.vocabulary import used_by_most_documents
from assistant.models import Passage
from assistant.question.analysis import analyse
from ingest.records.tables import TableCell
from ingest.text.analysis import tokenize


@dataclass
class _Chunk:
    doc_id: str
    text: str


@dataclass
class _Index:
    """What support and grounding read of an index: documents, chunk texts, term statistics."""

    texts: dict[str, list[str]]  # doc_id → its chunks' texts
    titles: dict[str, str]
    naming_terms: set[str] = field(default_factory=set)
    pages: dict[tuple[str, int], str] = field(default_factory=dict)  # (doc_id, page) → page text
    _memo: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.chunks = {f"{d}-{i}": _Chunk(d, t) for d, ts in self.texts.items() for i, t in enumerate(ts)}
        self.documents = {
            d: SimpleNamespace(doc_id=d, title=self.titles[d], file=f"{d}.pdf", meta={}) for d in self.texts
        }
        self.by_file = {doc.file: doc for doc in self.documents.values()}
        self.term_df: dict[str, int] = {}
        for c in self.chunks.values():
            for t in set(tokenize(c.text)):
                self.term_df[t] = self.term_df.get(t, 0) + 1

    def memo(self, key: str, build: Any) -> Any:
        return self._memo.setdefault(key, build())

    def idf(self, term: str) -> float:
        n = len(self.chunks)
        return math.log(1 + (n - self.term_df.get(term, 0) + 0.5) / (self.term_df.get(term, 0) + 0.5))

    def knows(self, term: str) -> bool:
        return term in self.term_df

    def page_text(self, doc_id: str, page: int) -> str | None:
        return self.pages.get((doc_id, page))


def _index() -> _Index:
    return _Index(
        texts={
            "noord": [
                "Tabel 1 geeft de woningen in Noorddorp. Zorggroep Heidezicht levert de zorg in Noorddorp.",
                "De gemeente Noorddorp telt 12.000 inwoners.",
            ],
            "zuid": ["Tabel 2 toont de woningbehoefte van Zuiderkerk. De gemeente wil meer woningen."],
            "oost": ["Tabel 3 noemt de kosten. De gemeente Oostwijk telt 8.000 inwoners."],
        },
        titles={"noord": "Woonzorgvisie Noorddorp", "zuid": "Woonzorgvisie Zuiderkerk", "oost": "Notitie Oostwijk"},
    )


def _candidate(index: _Index, doc_id: str, text: str, rank: int = 0) -> Candidate:
    passage = Passage(f"{doc_id}-p", doc_id, f"{doc_id}.pdf", index.titles[doc_id], 1, "", text, 1.0, 0, len(text))
    return Candidate(passage, rank, 0, len(text), text, tokens_of(text), frozenset())


def test_dense_share_maps_the_embedders_similarity_onto_zero_to_one() -> None:
    assert dense_share(None) == 0.0
    assert dense_share(DENSE_FLOOR - 0.1) == 0.0
    assert dense_share(DENSE_CEIL + 0.1) == 1.0
    assert math.isclose(dense_share((DENSE_FLOOR + DENSE_CEIL) / 2), 0.5)


def test_dense_similarity_raises_a_paraphrase_and_never_lowers_a_lexical_match() -> None:
    index = _index()
    profile = analyse("Hoeveel mensen wonen er in Noorddorp?")
    paraphrase = _candidate(index, "noord", "De gemeente Noorddorp telt 12.000 inwoners.")
    lexical_only = evidence_support(profile, [paraphrase], index)  # type: ignore[arg-type]
    dense = {paraphrase.passage.chunk_id: DENSE_CEIL}
    raised = evidence_support(profile, [paraphrase], index, dense, 0.5)  # type: ignore[arg-type]
    assert raised > lexical_only
    low = {paraphrase.passage.chunk_id: DENSE_FLOOR - 0.2}
    assert evidence_support(profile, [paraphrase], index, low, 0.5) == lexical_only  # type: ignore[arg-type]


def test_evidence_about_another_place_does_not_support_the_question() -> None:
    index = _index()
    profile = analyse("Hoeveel inwoners telt Oostwijk?")
    names = grounding_names(profile, index)  # type: ignore[arg-type]
    assert names == ["Oostwijk"]
    elsewhere = _candidate(index, "noord", "De gemeente Noorddorp telt 12.000 inwoners.")
    here = _candidate(index, "oost", "De gemeente Oostwijk telt 8.000 inwoners.")
    assert evidence_support(profile, [elsewhere], index, names=names) == 0.0  # type: ignore[arg-type]
    assert evidence_support(profile, [elsewhere, here], index, names=names) > 0.5  # type: ignore[arg-type]
    # Without names to ground (a comparison), any place's evidence counts as before.
    assert evidence_support(profile, [elsewhere], index) > 0.0  # type: ignore[arg-type]
    # A letterhead at the top of the page names what the page is about.
    index.pages[("noord", 1)] = "Gemeente Oostwijk\nMemo\n" + "Tekst van het memo. " * 30
    assert evidence_support(profile, [elsewhere], index, names=names) > 0.5  # type: ignore[arg-type]
    index.pages[("noord", 1)] = "Memo\n" + "Tekst van het memo. " * 30 + "Zie ook Oostwijk."
    assert evidence_support(profile, [elsewhere], index, names=names) == 0.0  # type: ignore[arg-type]


def test_capitalised_words_most_documents_use_are_no_names() -> None:
    index = _index()
    assert used_by_most_documents(index, "Tabel")  # type: ignore[arg-type]
    assert not used_by_most_documents(index, "Noorddorp")  # type: ignore[arg-type]
    profile = analyse("Wat staat in Tabel 1 over de Zorggroep Heidezicht en het Onbekendhuis?")
    # "Tabel" is in every document, "Onbekendhuis" in none: only the names that can ground evidence.
    assert grounding_names(profile, index) == ["Zorggroep", "Heidezicht"]  # type: ignore[arg-type]
    # A derived form and the document's title both count as naming the place.
    assert mentions_all(["Noorddorp"], "de Noorddorpse ouderen")
    assert not mentions_all(["Noorddorp", "Oostwijk"], "Woonzorgvisie Noorddorp")


def test_a_table_cell_answers_only_for_the_names_asked() -> None:
    index = _index()

    def cell(doc: str, row: str) -> TableCell:
        return TableCell("Tabel 9 Woningen per kern", row, "Woningen", "40", 40.0, "woningen", "", f"{doc}.pdf", 1, row)

    assert _cell_about(cell("zuid", "Totaal"), ["Zuiderkerk"], index)  # type: ignore[arg-type]  # the title names it
    assert _cell_about(cell("noord", "Oostwijk"), ["Oostwijk"], index)  # type: ignore[arg-type]  # the row names it
    assert not _cell_about(cell("noord", "Totaal"), ["Oostwijk"], index)  # type: ignore[arg-type]


def test_a_document_kind_most_documents_use_does_not_narrow_the_search() -> None:
    index = _index()
    index.names = SimpleNamespace(  # type: ignore[attr-defined]
        mentioned=lambda q, places_only=False: (
            (
                {"noord": ["noorddorp"]}
                if places_only
                else {"noord": ["noorddorp", "woonzorgvisie"], "zuid": ["woonzorgvisie"]}
            )
            if "noorddorp" in q.lower()
            else ({} if places_only else {"noord": ["woonzorgvisie"], "zuid": ["woonzorgvisie"], "oost": ["notitie"]})
        )
    )
    index.texts["oost"].append("Een woonzorgvisie stellen we later op.")
    index.texts["zuid"].append("Deze woonzorgvisie loopt tot 2030.")
    index.__post_init__()
    # "woonzorgvisie" is in the text of every document: a subject, not the name of two of them.
    assert scoping.mentioned(index, "Hoe maak je een woonzorgvisie? Zie de notitie.") == {"oost": ["notitie"]}  # type: ignore[arg-type]
    assert scoping.mentioned(index, "Wat zegt de woonzorgvisie van Noorddorp?") == {"noord": ["noorddorp"]}  # type: ignore[arg-type]


def test_who_questions_by_form() -> None:
    assert analyse("Welke organisatie voert het programma uit?").kind == "who"
    assert analyse("Welk adviesbureau maakte de analyse?").kind == "who"
    assert analyse("Met welke partners werkt de gemeente samen?").kind != "who"


def test_a_found_item_reaches_the_line_that_names_who_is_responsible() -> None:
    text = (
        "Actie 5. Zorg op afroep in de hofjes. Bewoners krijgen dag en nacht hulp. "
        "Verantwoordelijk: Zorggroep Heidezicht. Planning: 2027.\nOverige tekst in een ander blok."
    )

    def span(s: str) -> tuple[int, int]:
        start = text.index(s)
        return start, start + len(s)

    pieces = [
        "Actie 5. Zorg op afroep in de hofjes.",
        "Bewoners krijgen dag en nacht hulp.",
        "Verantwoordelijk: Zorggroep Heidezicht.",
        "Planning: 2027.",
    ]
    units = [Unit("sentence", *span(p), 0) for p in pieces] + [Unit("sentence", *span("Overige tekst"), 1)]
    page = PageUnits(text, None, units)  # type: ignore[arg-type]
    index = _index()
    found = _candidate(index, "noord", pieces[0])
    found.unit, found.page_units = units[0], page
    assert _to_role_line(found) == 2
    role = _candidate(index, "noord", pieces[2])
    role.unit, role.page_units = units[2], page
    assert _to_role_line(role) == 0  # it names the actor itself
    other = _candidate(index, "noord", "Overige tekst")
    other.unit, other.page_units = units[4], page
    assert _to_role_line(other) == 0  # no role line in its own block


def test_a_procedure_step_is_quoted_with_its_own_sentences_up_to_its_share() -> None:
    text = (
        "Stap 1 - Analyse\nBreng de opgave in beeld. Tel de woningen per kern. Vraag de partners om cijfers. "
        "Leg alles vast in een rapport.\nStap 2 - Kiezen\nKies de doelen."
    )

    def unit(kind: str, s: str) -> Unit:
        start = text.index(s)
        return Unit(kind, start, start + len(s), 0 if text.index(s) < text.index("Stap 2") else 1)

    units = [
        unit("heading", "Stap 1 - Analyse"),
        unit("sentence", "Breng de opgave in beeld."),
        unit("sentence", "Tel de woningen per kern."),
        unit("sentence", "Vraag de partners om cijfers."),
        unit("sentence", "Leg alles vast in een rapport."),
        unit("heading", "Stap 2 - Kiezen"),
        unit("sentence", "Kies de doelen."),
    ]
    page = PageUnits(text, None, units)  # type: ignore[arg-type]
    step = _candidate(_index(), "noord", "Stap 1 - Analyse")
    step.unit, step.page_units = units[0], page
    assert _step_extent(step, 16) == 2  # 4 + 5 + 5 words fit, the third sentence would not
    assert _step_extent(step, 1000) == 4  # never past the next step's heading
    assert _step_extent(step, 1) == 1  # at least one sentence of the step


def test_a_reason_is_recognised_by_its_connective_whatever_it_is_about() -> None:
    from assistant.answering.extractive import has_expected_value
    from assistant.question.analysis import analyse

    why = analyse("Waarom neemt de gemeente de regie?")
    assert why.expects == "reason"
    for sentence in (
        "De gemeente pakt de regie: zij behartigt immers de belangen van al haar burgers.",
        "Dat is nodig, aangezien de vraag naar zorg stijgt.",
        "De raad kiest daarom voor kleine woningen.",
        "De provincie wordt betrokken omdat zij de afstemming regelt.",
    ):
        assert has_expected_value(why, sentence), sentence
    assert not has_expected_value(why, "De gemeente pakt de regie in het proces.")
