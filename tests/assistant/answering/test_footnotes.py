"""Footnotes: a note is its own quote, shown with the sentence whose mark points to it; notes
that only name a source are left out."""

from __future__ import annotations

from assistant.answering.compose import footnotes
from assistant.answering.units import PageUnits, Unit


def _page(parts: list[tuple[str, str, int]]) -> PageUnits:
    text, units = "", []
    for kind, piece, block in parts:
        start = len(text)
        text += piece + "\n"
        units.append(Unit(kind, start, start + len(piece), block))
    return PageUnits(text, None, units)  # type: ignore[arg-type]


def test_the_note_a_sentence_points_to_comes_with_it_as_its_own_quote() -> None:
    page = _page(
        [
            ("heading", "1 Aanleiding", 0),
            ("sentence", "In de regio werken de vier gemeenten1 samen aan wonen en zorg2.", 1),
            ("sentence", "1 Noorddorp, Zuiderkerk, Oostwijk en Westhaven.", 2),
            ("sentence", "2 Bron: Woonmonitor 2024.", 2),
        ]
    )
    body = page.units[1]
    assert footnotes(page, body.start, body.end) == ["1 Noorddorp, Zuiderkerk, Oostwijk en Westhaven."]
    # The heading "1 Aanleiding" above it is no note; a sentence without marks has none.
    note = page.units[2]
    assert footnotes(page, note.start, note.end) == []
    assert footnotes(None, 0, 10) == []


def test_years_and_measure_codes_are_no_footnote_marks() -> None:
    page = _page(
        [
            ("sentence", "Maatregel M12 loopt tot 2027 en kost 12 miljoen.", 0),
            ("sentence", "12 Een noot die niet bij deze zin hoort.", 1),
        ]
    )
    body = page.units[0]
    assert footnotes(page, body.start, body.end) == []
