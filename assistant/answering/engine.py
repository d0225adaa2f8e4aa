"""Question (+ history, filters) → an answer in which every claim is cited and verified.

The engine runs the steps of ``assistant.answering`` in order, each a function with a dataclass
in and out: analyse → scope → retrieve → select units (or refuse) → compose → verify → notices.
Records (maatregelen, plan phases) and comparisons take their own path after scoping.
"""

from __future__ import annotations

import time

from assistant.answering.analyse import Analysed, analyse_question
from assistant.answering.compose import compose, render, verify
from assistant.answering.llm import LlmAnswerer
from assistant.answering.llm_client import LlmClient, LlmError
from assistant.answering.notices import skipped_instructions, unmentioned_places, vectors_pending
from assistant.answering.records import glossary as glossary_answers
from assistant.answering.records.answerers import RECORD_ANSWERERS
from assistant.answering.refusal import refuse
from assistant.answering.retrieve import retrieve
from assistant.answering.scoping import Scoped, scope_question
from assistant.answering.select import select_evidence
from assistant.answering.side_by_side import side_by_side
from assistant.answering.vocabulary import Vocabulary
from assistant.models import Answer, Evidence, Passage, SearchFilters, Turn
from assistant.retrieval.dense_health import dense_use
from assistant.retrieval.hybrid import DenseRanking, HybridSearcher
from ingest.records.begrippen import differences
from ingest.settings import Settings
from prompts import answer as P
from prompts.answer import DENSE_UNAVAILABLE_NL

__all__ = ["DENSE_UNAVAILABLE_NL", "AnswerEngine"]


class AnswerEngine:
    def __init__(self, searcher: HybridSearcher, llm: LlmAnswerer | None = None) -> None:
        self.searcher = searcher
        self.index = searcher.index
        self.llm = llm
        self.vocab = Vocabulary(self.index)

    @classmethod
    def from_settings(cls, searcher: HybridSearcher, settings: Settings) -> AnswerEngine:
        """Extractive by default; with WOONZORG_LLM_URL set, an LLM composes (and is checked)."""
        if not settings.llm.url:
            return cls(searcher)
        client = LlmClient(settings.llm.url, settings.llm.model, settings.llm.api_key, settings.llm.timeout_s)
        return cls(searcher, LlmAnswerer(client, searcher.index, settings.llm.max_sources))

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: SearchFilters | None = None,
        compare: bool = True,
    ) -> Answer:
        """``compare=False``: never split a comparison into per-document answers (used per column)."""
        # Per answer, not from the shared health state: concurrent requests must not mark each other.
        with dense_use() as dense:
            answer = self._ask(question, history or [], filters, compare)
        if dense.missed and DENSE_UNAVAILABLE_NL not in answer.notices:
            answer.notices.insert(0, DENSE_UNAVAILABLE_NL)
        answer.notices += vectors_pending(answer.language, filters, self.index)
        return answer

    def _ask(self, question: str, history: list[Turn], filters: SearchFilters | None, compare: bool) -> Answer:
        start = time.perf_counter()
        rewrite = self.llm.rewrite if self.llm is not None else None
        analysed = analyse_question(question, history, self.vocab, rewrite)
        scoped = scope_question(analysed, filters, self, compare)
        timings = {"analyse_ms": _ms(start)}
        notices = analysed.notices + scoped.notices
        if len(scoped.columns) >= 2:
            answer = side_by_side(question, analysed.profile, scoped.columns, self)
            pool = (
                len(scoped.filters.doc_ids or [])
                if scoped.filters and scoped.filters.doc_ids
                else len(self.index.documents)
            )
            if len(scoped.columns) < pool:
                notices.append(P.COMPARISON_CAPPED_NL.format(n=len(scoped.columns), total=pool))
            answer.notices = notices + answer.notices
            answer.retrieval_query = analysed.query
            answer.timings = {**timings, "total_ms": _ms(start)}
            return answer

        t = time.perf_counter()
        retrieved = retrieve(analysed, scoped, self.searcher)
        passages = retrieved.passages
        timings["retrieve_ms"] = _ms(t)

        t = time.perf_counter()
        answer = self._from_records(analysed, scoped) or self._from_passages(
            analysed, scoped, passages, retrieved.dense
        )
        answer.evidence = [_evidence(p) for p in passages[:5]]
        if not answer.refused:
            answer.notices += unmentioned_places(analysed.query, analysed.profile, answer, self.index)
        answer.retrieval_query = analysed.query
        answer.notices = notices + answer.notices
        timings["compose_ms"] = _ms(t)
        timings["total_ms"] = _ms(start)
        answer.timings = {**timings, **answer.timings}
        return answer

    def _from_records(self, analysed: Analysed, scoped: Scoped) -> Answer | None:
        """The first record answerer's answer (maatregel, plan …); None: the passages answer."""
        scope = scoped.filters.doc_ids if scoped.filters else None
        for answerer in RECORD_ANSWERERS:
            answer = answerer.answer(analysed.question, analysed.profile, scope, self.index)
            if answer is not None:
                return answer
        return None

    def _from_passages(
        self, analysed: Analysed, scoped: Scoped, passages: list[Passage], dense: DenseRanking | None = None
    ) -> Answer:
        """Units of the retrieved passages → refusal or a cited, verified answer."""
        question, profile = analysed.question, analysed.profile
        selection = select_evidence(analysed, scoped, passages, self.vocab, dense)
        if selection.refusal is not None:
            answer = refuse(question, profile, passages, selection.refusal, self.index)
        else:
            answer = render(question, profile, verify(compose(selection, self.index), self.index))
            if self.llm is not None:
                answer = self._llm_compose(analysed, passages, answer)
        answer.support = selection.support
        # Documents that define the term differently; pairwise, so only among the best matches.
        answer.notices += differences(selection.glossary[: glossary_answers.MAX_DEFINITIONS])
        answer.notices += skipped_instructions(selection.skipped)
        return answer

    def _llm_compose(self, analysed: Analysed, passages: list[Passage], extractive: Answer) -> Answer:
        """The LLM's answer if every kept claim is supported and cited; else the extractive one, with a notice."""
        assert self.llm is not None
        question, profile = analysed.question, analysed.profile
        t = time.perf_counter()
        try:
            text, citations, refused = self.llm.answer(question, passages)
        except LlmError as exc:
            extractive.notices.append(P.LLM_FALLBACK_NOTICE_NL.format(reason=exc))
            return extractive
        if refused:
            answer = refuse(question, profile, passages, P.LLM_REFUSED_NL, self.index)
        else:
            answer = Answer(
                question=question, answer=text, refused=False, citations=citations, language=profile.language
            )
        answer.mode = "llm"
        answer.timings["llm_ms"] = _ms(t)
        return answer


def _evidence(p: Passage) -> Evidence:
    return Evidence(
        file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, section=p.section, text=p.text, score=p.score
    )


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
