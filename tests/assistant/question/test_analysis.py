"""Question form → kind, language, expected value, key terms (no corpus needed)."""

from __future__ import annotations

import pytest

from assistant.answering.extractive import defines_term
from assistant.question.analysis import analyse, detect_language
from ingest.text.analysis import tokenize


@pytest.mark.parametrize(
    ("question", "kind", "expects"),
    [
        ("Wat is een nultredenwoning?", "definition", "any"),
        ("Wat wordt verstaan onder geclusterd wonen?", "definition", "any"),
        ("Hoeveel geld is er structureel beschikbaar?", "number", "money"),
        ("Welk percentage van de inwoners is 65 jaar of ouder?", "number", "percentage"),
        ("Wat is de gemiddelde wachttijd voor een huurwoning?", "number", "duration"),
        ("Hoe hoog is de liberalisatiegrens?", "number", "money"),
        ("Wie is trekker van maatregel 4b?", "who", "any"),
        ("Wanneer is de visie vastgesteld?", "when", "date"),
        ("Welke stappen beschrijft de handreiking?", "procedure", "any"),
        ("Hoe verschilt de definitie van de rijksdefinitie?", "comparison", "any"),
        ("Welke partners werkten mee?", "broad", "any"),
    ],
)
def test_kind_and_expected_value(question: str, kind: str, expects: str) -> None:
    profile = analyse(question)
    assert (profile.kind, profile.expects) == (kind, expects)


def test_language_ids_phrases_and_names() -> None:
    assert detect_language("Who leads measure 3b of the strategy?") == "en"
    assert detect_language("Wie is de trekker van maatregel 3b?") == "nl"
    p = analyse("Wat staat er bij maatregel 9a over ‘beschermd thuis’ in Hilversum?")
    assert p.ids == ["9a"]
    assert p.phrases == [tokenize("beschermd thuis")]
    assert "Hilversum" in p.proper_nouns
    # Words that frame the question are not its subject.
    assert tokenize("verstaan")[0] not in analyse("Wat wordt verstaan onder mantelzorg?").terms


def test_defines_term() -> None:
    terms = set(tokenize("aandachtsgroepen"))
    assert defines_term("Deze “aandachtsgroepen” zijn mensen met een specifieke woonvraag.", terms)
    assert defines_term("Onder aandachtsgroepen verstaan we mensen die …", terms)
    assert not defines_term("Voor aandachtsgroepen bouwen we meer woningen.", terms)
