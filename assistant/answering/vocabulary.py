"""What the indexed text knows of a question's words: stems, names and their derived forms.

Refusal and follow-up detection ask it whether a word is a subject the documents lack or only
the question's own wording ("onderscheidt", "Noorddorpse").
"""

from __future__ import annotations

import bisect
import re

from assistant.question.analysis import analyse
from assistant.retrieval.document_names import whole_word
from assistant.retrieval.index import SearchIndex
from ingest.records.labels import SYNONYMS
from ingest.text.analysis import fold, name_stem, tokenize

# Words for a measure's attributes (who leads, when, with whom, how far), as record labels name them.
ATTRIBUTE_TERMS = frozenset(
    tokenize(" ".join(w for f in ("trekker", "tijdspad", "betrokken", "status") for w in SYNONYMS[f]))
)


# A word the text of more than this share of the documents uses is common to them: a document
# kind ("woonzorgvisie") or a capitalised noun ("Tabel", "Bijlage"), not a name of one subject.
COMMON_SHARE = 0.5


def used_by_most_documents(index: SearchIndex, word: str) -> bool:
    """Does the text of more than ``COMMON_SHARE`` of the documents use ``word`` (folded, whole)?
    Worked out once per word and index version, from each document's set of words (built once
    per index version) rather than a scan of every chunk per word."""
    word = fold(word)
    shares: dict[str, bool] = index.memo("vocabulary.common_words", dict)
    if word not in shares:
        words_of: dict[str, set[str]] = index.memo("vocabulary.document_words", lambda: _document_words(index))
        parts = _WORD.findall(word)
        docs = {d for d, words in words_of.items() if parts and all(w in words for w in parts)}
        if len(parts) > 1:  # a name of several words: they must also stand together
            pattern = whole_word(word)
            docs = {c.doc_id for c in index.chunks.values() if c.doc_id in docs and pattern.search(fold(c.text))}
        shares[word] = len(docs) > COMMON_SHARE * max(1, len(index.documents))
    return shares[word]


_WORD = re.compile(r"\w+")


def _document_words(index: SearchIndex) -> dict[str, set[str]]:
    words: dict[str, set[str]] = {}
    for chunk in index.chunks.values():
        words.setdefault(chunk.doc_id, set()).update(_WORD.findall(fold(chunk.text)))
    return words


class Vocabulary:
    """The index's terms, sorted once per index version for prefix lookups."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._sorted: tuple[str, list[str]] = ("", [])

    def has_prefix(self, prefix: str) -> bool:
        if self._sorted[0] != self.index.version:
            self._sorted = (self.index.version, sorted(self.index.term_df))
        vocab = self._sorted[1]
        i = bisect.bisect_left(vocab, prefix)
        return i < len(vocab) and vocab[i].startswith(prefix)

    def inflects_known(self, term: str) -> bool:
        """A verb form of a word the corpus has ("onderscheidt", "betaalt"): the question's
        wording, not a subject the documents lack."""
        return term.endswith("t") and self.has_prefix(term[:6])

    def derives_known(self, name: str) -> bool:
        """ "Noorddorpse", "Noorddorpers": a form of a name the indexed text has ("Noorddorp")."""
        return len(fold(name)) >= 6 and self.has_prefix(name_stem(name))

    def subject_terms(self, question: str) -> list[str]:
        """The question's own subject words: not names of places or documents, not numbers, not
        the attribute asked of a record ("En wat is het tijdspad?" asks it of the last one)."""
        return [
            t
            for t in analyse(question).terms
            if t not in self.index.naming_terms and not t.isdigit() and t not in ATTRIBUTE_TERMS
        ]
