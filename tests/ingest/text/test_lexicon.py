"""The one Dutch lexicon: abbreviations and count words that the reader and the record kinds share."""

from __future__ import annotations

import re

import pytest

from ingest.text.analysis import NUMBER_WORDS, count_value, ends_with_abbreviation, is_abbreviation, number_word_pattern


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zoals bijv.", True),
        ("(o.a.", True),
        ("m.b.t.", True),
        ("Zie J.", True),  # an initial
        ("Dit is het einde.", False),
        ("in 2024.", False),
        ("zonder punt", False),
        ("", False),
    ],
)
def test_ends_with_abbreviation(text: str, expected: bool) -> None:
    assert ends_with_abbreviation(text) is expected


def test_is_abbreviation_ignores_case_brackets_and_the_dot() -> None:
    assert is_abbreviation("Bijv.") and is_abbreviation("(ca") and is_abbreviation("i.p.v.")
    assert not is_abbreviation("woning.") and not is_abbreviation("5")


def test_number_word_pattern_matches_every_count_word_whole() -> None:
    pattern = re.compile(rf"\b(?:{number_word_pattern('twintig')})\b", re.I)
    for word in NUMBER_WORDS:
        assert pattern.fullmatch(word), word
        assert count_value(word) == NUMBER_WORDS[word]
    assert pattern.fullmatch("twintig") and not pattern.fullmatch("tweede")
    # Longest first: "veertien" is not read as "vier" + rest.
    assert pattern.match("veertien").group(0) == "veertien"  # type: ignore[union-attr]
