"""A count is evidence for a place only where it is said of that place: not of a list of places
the asked one is a member of, not of the region a document covers (synthetic text)."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.answering.extractive import Candidate, evidence_support, outside_enumerations, tokens_of
from assistant.models import Passage
from assistant.question.analysis import analyse


class _Index:
    """What support reads of an index: one regional document covering three places."""

    def __init__(self, municipalities: list[str]) -> None:
        self.naming_terms: set[str] = set()
        self.term_df = {"inwoner": 2, "telt": 2}
        meta = {"municipalities": municipalities, "organisation": "Regio Veldhoek"}
        self.documents = {"r": SimpleNamespace(doc_id="r", title="Actieprogramma Regio Veldhoek", meta=meta)}

    def idf(self, term: str) -> float:
        return 1.0

    def page_text(self, doc_id: str, page: int) -> str | None:
        return "Actieprogramma Regio Veldhoek\n"


def _candidate(text: str) -> Candidate:
    passage = Passage("r-1", "r", "r.pdf", "Actieprogramma Regio Veldhoek", 1, "", text, 1.0, 0, len(text))
    return Candidate(passage, 0, 0, len(text), text, tokens_of(text), frozenset())


def test_a_list_of_places_loses_only_when_it_holds_a_place_not_asked() -> None:
    text = "De gemeenten Akkerveen, Brinkhorst en Dalwoude tellen samen 40.000 inwoners."
    assert "Brinkhorst" not in outside_enumerations(text, ["Brinkhorst"])
    assert "Brinkhorst" in outside_enumerations(text, ["Akkerveen", "Brinkhorst", "Dalwoude"])
    # A two-word name read as a list of two is kept when both parts are asked.
    assert "Dijk en Waard" in outside_enumerations("In Dijk en Waard zijn 700 woningen gebouwd.", ["Dijk", "Waard"])
    # "beide", "elk": the value is given to each member.
    each = "Het aandeel is in Akkerveen en Dalwoude (beide 12%) het hoogst."
    assert "Akkerveen" in outside_enumerations(each, ["Akkerveen"])


def test_a_count_of_the_group_does_not_answer_for_one_member() -> None:
    index = _Index(["Akkerveen", "Brinkhorst", "Dalwoude"])
    profile = analyse("Hoeveel inwoners telt Brinkhorst?")
    group = _candidate("Regio Veldhoek bestaat uit Akkerveen, Brinkhorst en Dalwoude en telt 40.000 inwoners.")
    region = _candidate("Het aantal inwoners van de regio telt 40.000 mensen.")
    own = _candidate("Brinkhorst telt 9.000 inwoners.")
    names = ["Brinkhorst"]
    # The passage and the document (a region of three) name Brinkhorst, the sentence's count is the group's.
    assert evidence_support(profile, [group], index, names=names) == 0.0  # type: ignore[arg-type]
    assert evidence_support(profile, [region], index, names=names) == 0.0  # type: ignore[arg-type]
    assert evidence_support(profile, [group, own], index, names=names) == 1.0  # type: ignore[arg-type]
    # A document about one municipality speaks for it: its counts are that place's.
    assert evidence_support(profile, [region], _Index(["Brinkhorst"]), names=names) > 0.5  # type: ignore[arg-type]
    # Not a quantity: what a regional programme says holds for each of its places, as before.
    why = analyse("Waarom telt Brinkhorst mee in het programma?")
    assert evidence_support(why, [group], index, names=names) > 0.0  # type: ignore[arg-type]
