"""A question continues the previous turn only when it has no subject of its own."""

from __future__ import annotations

import pytest

from assistant.answering.followup import is_follow_up
from assistant.question.analysis import analyse

PLACES = {"beverwijk", "heemskerk", "haarlem"}


def _subject(question: str) -> list[str]:
    return [t for t in analyse(question).terms if t not in PLACES and not t.isdigit()]


PREVIOUS = "Wat is de opgave voor zorggeschikte woningen in Heemskerk tot 2030?"


@pytest.mark.parametrize(
    "question",
    [
        "En voor Beverwijk?",
        "Wie is daar de trekker van?",
        "Wie trekt die?",
        "Welke daarvan zijn het belangrijkst?",
        "Aan welke eisen moeten die woningen voldoen?",
        "And what about Haarlem?",
    ],
)
def test_a_question_without_its_own_subject_continues(question: str) -> None:
    assert is_follow_up(question, PREVIOUS, _subject)


@pytest.mark.parametrize(
    "question",
    [
        "Wat zijn nultredenwoningen?",  # short, but its own subject
        "Wie is trekker van maatregel 4b?",
        "En hoeveel mantelzorgers zijn er in Haarlem?",  # leads on, yet names what it asks about
        "Welke woningen die geschikt zijn voor ouderen komen er bij?",  # 'die' as a relative pronoun
    ],
)
def test_a_question_with_its_own_subject_starts_fresh(question: str) -> None:
    assert not is_follow_up(question, PREVIOUS, _subject)


def test_without_history_nothing_is_a_follow_up() -> None:
    assert not is_follow_up("En voor Beverwijk?", None, _subject)


def test_a_follow_up_keeps_to_the_subject_it_points_back_to() -> None:
    from dataclasses import dataclass

    from assistant.answering.followup import OFF_REFERENT, keep_to_referent

    @dataclass
    class Cand:
        score: float
        tokens: frozenset[str]
        section_tokens: frozenset[str] = frozenset()

    about = Cand(1.0, frozenset({"zorgschik", "woon", "eis"}))
    under_heading = Cand(1.0, frozenset({"brandveilig"}), frozenset({"zorgschik"}))
    other = Cand(1.0, frozenset({"woon", "voldoen", "eis"}))
    keep_to_referent([about, under_heading, other], {"zorgschik"})
    assert (about.score, under_heading.score, other.score) == (1.0, 1.0, OFF_REFERENT)
    keep_to_referent([other], set())  # nothing carried: nothing changes
    assert other.score == OFF_REFERENT
