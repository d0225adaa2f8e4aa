"""Question (+ history, filters) → an answer in which every claim is cited and verified."""

from __future__ import annotations

import bisect
import re
import time
from difflib import SequenceMatcher

from assistant import glossary_answers, maatregel_answers, plan_answers, table_answers
from assistant.answer_models import Answer, Citation, Evidence, Turn
from assistant.answering.followup import is_follow_up, keep_to_referent
from assistant.answering.units import UNITS, PageUnits
from assistant.citations import normalise_ws, valid_citations
from assistant.comparison import CAPPED_NL, compare, relevant_documents, renumber
from assistant.dense_health import dense_use
from assistant.english_terms import dutch_terms
from assistant.extractive import (
    CONTINUES,
    ROW_START,
    Candidate,
    candidates,
    evidence_support,
    expand_row,
    extend_span,
    has_expected_value,
    merge_adjacent,
    prefer_continuity,
    prefer_definitions,
    score,
    select,
)
from assistant.instruction_guard import is_instruction_like
from assistant.llm_answer import LlmAnswerer
from assistant.llm_client import LlmClient, LlmError
from assistant.question_analysis import QuestionProfile, analyse
from assistant.retrieval import HybridSearcher, Passage
from assistant.search_index import SearchFilters
from ingest.begrippen import Begrip, differences, lookup_scored
from ingest.chunking import split_units
from ingest.records.labels import SYNONYMS
from ingest.settings import Settings
from ingest.text_analysis import fold, tokenize
from prompts import answer as P

# Chroma was unreachable for this answer: it rests on BM25 alone, and the reader should know.
DENSE_UNAVAILABLE_NL = (
    "Let op: semantisch zoeken is nu niet beschikbaar; dit antwoord is alleen op trefwoorden gezocht."
)
# A sentence that announces a list: the list is the answer.
_LIST_INTRO = re.compile(r":\s*$|\bte\s+weten\b|\bde\s+volgende\b|\bvolgende\s+(stappen|vragen|onderdelen)\b", re.I)
_ALL_DOCUMENTS = re.compile(
    r"\b(de|alle|verschillende|different|all|the) (documenten|documents|bronnen|sources)\b", re.I
)
_ABOUT_DEFINITION = re.compile(
    r"\b(omschrijving|definitie\w*|begrip\w*|betekenis|verstaan|definition\w*|defined)\b", re.I
)
# Words for a measure's attributes (who leads, when, with whom, how far), as record labels name them.
_ATTRIBUTE_TERMS = frozenset(
    tokenize(" ".join(w for f in ("trekker", "tijdspad", "betrokken", "status") for w in SYNONYMS[f]))
)


class AnswerEngine:
    def __init__(self, searcher: HybridSearcher, llm: LlmAnswerer | None = None) -> None:
        self.searcher = searcher
        self.index = searcher.index
        self.llm = llm
        self._vocab: tuple[str, list[str]] = ("", [])

    @classmethod
    def from_settings(cls, searcher: HybridSearcher, settings: Settings) -> AnswerEngine:
        """Extractive by default; with WOONZORG_LLM_URL set, an LLM composes (and is checked)."""
        if not settings.llm_url:
            return cls(searcher)
        client = LlmClient(settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout_s)
        return cls(searcher, LlmAnswerer(client, searcher.index, settings.llm_max_sources))

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
            answer = self._ask(question, history, filters, compare)
        if dense.missed and DENSE_UNAVAILABLE_NL not in answer.notices:
            answer.notices.insert(0, DENSE_UNAVAILABLE_NL)
        answer.notices += self._vectors_pending(answer.language, filters)
        return answer

    def _vectors_pending(self, language: str, filters: SearchFilters | None) -> list[str]:
        """A notice while documents in scope are live for BM25 but still waiting for their vectors:
        a refusal or a thin answer may then change once they are embedded."""
        scope = self.index.allowed_doc_ids(filters)
        waiting = [d for d in self.index.waiting_for_vectors() if scope is None or d.doc_id in scope]
        if not waiting:
            return []
        more = f" en {len(waiting) - 3} andere" if len(waiting) > 3 else ""
        titles = "; ".join(f"‘{d.title}’" for d in waiting[:3]) + more
        if language == "en":  # the answer's language, as the question analysis found it
            return [P.VECTORS_PENDING_EN.format(titles=titles, verb="is" if len(waiting) == 1 else "are")]
        return [P.VECTORS_PENDING_NL.format(titles=titles, verb="is" if len(waiting) == 1 else "zijn")]

    def _ask(self, question: str, history: list[Turn] | None, filters: SearchFilters | None, compare: bool) -> Answer:
        timings: dict[str, float] = {}
        start = time.perf_counter()
        history = history or []
        profile = analyse(question)
        # Its own form, before a follow-up inherits one; "hoe verschilt de omschrijving van X …" too.
        asks_definition = profile.kind == "definition" or (
            profile.kind == "comparison" and bool(_ABOUT_DEFINITION.search(question))
        )
        # A verb form the corpus never uses ("onderscheidt") can match nothing: it must not
        # weigh in scoring and refusal as if it were a missing subject.
        profile.terms = [t for t in profile.terms if self.index.term_df.get(t) or not self._inflects_known(t)]
        query = question
        if profile.language == "en" and (dutch := dutch_terms(question)):
            # The documents are Dutch: search and score with the Dutch words too.
            query = f"{question} {dutch}"
            profile.terms = list(dict.fromkeys(profile.terms + tokenize(dutch)))
        notices: list[str] = []
        follow_up = is_follow_up(question, history[-1].question if history else None, self._subject_terms)
        referent: set[str] = set()
        if follow_up:
            # No LLM to rewrite it: carry the previous turn's subject into retrieval and scoring.
            carried = self._carried(question, history[-1].question)
            prev = analyse(carried)
            referent = set(self._subject_terms(carried)) - set(profile.terms)
            query = f"{query} {carried}"
            profile.terms = list(dict.fromkeys(profile.terms + prev.terms))
            profile.ids = profile.ids or prev.ids
            if profile.kind == "broad":
                profile.kind = prev.kind
            if profile.expects == "any":
                profile.expects = prev.expects
        if follow_up and self.llm is not None:
            try:
                query = self.llm.rewrite(question, history)
            except LlmError as exc:
                notices.append(P.LLM_FALLBACK_NOTICE_NL.format(reason=exc))
        if not asks_definition:  # definitions are compared across all scopes, wherever they are
            filters, scope_notices = self._scope(query, filters)
        else:
            scope_notices = []
        if scope_notices and profile.language == "nl":
            # The names that chose the documents ("het DSP-rapport") have done their job: the
            # answer is about the rest, not about the page that happens to repeat the name.
            subject = [t for t in profile.terms if t not in self.index.naming_terms]
            profile.terms = subject or profile.terms
        # Several documents named ("… in het raadsvoorstel en het DSP-rapport"): answer from each.
        side_by_side = profile.kind == "comparison" or self._names_separate_documents(question)
        notices += scope_notices
        timings["analyse_ms"] = _ms(start)
        per_doc = (
            self._comparison_docs(question, profile, filters)
            if compare and side_by_side and not asks_definition
            else []
        )
        if len(per_doc) >= 2:
            answer = self._side_by_side(question, profile, per_doc)
            pool = len(filters.doc_ids or []) if filters is not None and filters.doc_ids else len(self.index.documents)
            if len(per_doc) < pool:
                notices.append(CAPPED_NL.format(n=len(per_doc), total=pool))
            answer.notices = notices + answer.notices
            answer.retrieval_query = query
            answer.timings = {**timings, "total_ms": _ms(start)}
            return answer

        t = time.perf_counter()
        passages = self.searcher.search(query, k=20, filters=filters, per_page=False)
        timings["retrieve_ms"] = _ms(t)

        t = time.perf_counter()
        scope = filters.doc_ids if filters else None
        records = maatregel_answers.find(profile, self.index, scope)
        plan = plan_answers.find(profile, self.index, scope) if records is None else None
        if records is not None and (records.records or records.missing_ids):
            answer = self._from_records(question, profile, records)
        elif plan is not None and (plan.lines or plan.missing):
            answer = self._from_plan(question, profile, plan)
        else:
            previous = history[-1] if follow_up else None
            answer = self._from_passages(
                question, profile, passages, previous, filters, side_by_side, asks_definition, referent
            )
        answer.evidence = [_evidence(p) for p in passages[:5]]
        if not answer.refused:
            answer.notices += self._unmentioned_places(query, profile, answer)
        answer.retrieval_query = query
        answer.notices = notices + answer.notices
        timings["compose_ms"] = _ms(t)
        timings["total_ms"] = _ms(start)
        answer.timings = {**timings, **answer.timings}
        return answer

    def _from_passages(
        self,
        question: str,
        profile: QuestionProfile,
        passages: list[Passage],
        previous: Turn | None,
        filters: SearchFilters | None,
        side_by_side: bool,
        asks_definition: bool,
        referent: set[str] | None = None,
    ) -> Answer:
        """Sentences and rows of the retrieved passages → refusal or a cited answer.

        ``previous``: the turn a follow-up continues (its cited pages get preference);
        ``referent``: that turn's subject terms, which the evidence should be about.
        """
        scored = lookup_scored(self.index.begrippen, question) if asks_definition else []
        glossary = [b for _, b in scored]
        if glossary:
            # The glossary knows where the term is defined: make sure those passages are candidates.
            passages = self._glossary_passages(glossary, filters) + passages
        cands = candidates(passages, self._units_of)
        # Instruction-like sentences are data, never answers; the user is told one was skipped.
        skipped = [c for c in cands if is_instruction_like(c.text)]
        cands = [c for c in cands if not is_instruction_like(c.text)]
        score(cands, profile, self.index)
        if glossary:
            prefer_definitions(cands, glossary)
        if previous is not None:
            prefer_continuity(cands, set(previous.cited_pages))
            keep_to_referent(cands, referent or set())
        # A term the documents define is answerable however the question is worded around it.
        files = {self.index.documents[d].file for d in filters.doc_ids or []} if filters and filters.doc_ids else None
        # A table cell whose row and column the question names is evidence of its own, as a
        # glossary entry is: the row label and column name need not be in one sentence.
        cells = table_answers.find(profile, self.index, files) if passages else []
        support: float | None = None
        if glossary and passages:
            refusal = None
        else:
            # The cell must hold the kind of value asked for: a count is no answer to "hoeveel euro".
            typed = profile.expects in ("money", "percentage", "duration")
            by_record = any(not typed or has_expected_value(profile, f"{c.value} {c.unit} {c.column}") for c in cells)
            refusal, support = self._refusal_reason(profile, passages, cands, by_record=by_record)
        leads = [table_answers.lead(cells, self.index)] if cells else []
        if refusal is None and scored:
            shown = glossary_answers.definitions(scored, profile, self.index, all_terms=profile.kind == "comparison")
            allowed = {self.index.documents[d].file for d in filters.doc_ids or []} if filters else set()
            leads += [
                lead
                for b in shown
                if (not allowed or b.file in allowed) and (lead := glossary_answers.lead(b, self.index)) is not None
            ]
        if refusal is not None:
            answer = self._refuse(question, profile, passages, refusal)
        else:
            # Sentences a lead already shows (the glossary's own definition) leave room for others.
            led = [(c.doc_id, c.page, normalise_ws(c.quote)) for c, _ in leads if c.section == glossary_answers.SECTION]
            rest = [
                c
                for c in cands
                if not any(
                    c.passage.doc_id == d and c.passage.page == p and _overlaps(normalise_ws(c.text), q)
                    for d, p, q in led
                )
            ]
            chosen = self._with_context(rest, select(rest, profile, side_by_side), profile) if rest else []
            answer = self._compose(question, profile, chosen, leads)
            if self.llm is not None:
                answer = self._llm_compose(question, profile, passages, answer)
        answer.support = support
        # Documents that define the term differently; pairwise, so only among the best matches.
        answer.notices += differences(glossary[: glossary_answers.MAX_DEFINITIONS])
        answer.notices += [
            P.INSTRUCTION_SKIPPED_NL.format(file=c.passage.file, page=c.passage.page, sentence=normalise_ws(c.text))
            for c in skipped
            if c.rank < 5
        ]
        return answer

    # -- steps --------------------------------------------------------------------
    def _subject_terms(self, question: str) -> list[str]:
        """The question's own subject words: not names of places or documents, not numbers, not
        the attribute asked of a record ("En wat is het tijdspad?" asks it of the last one)."""
        return [
            t
            for t in analyse(question).terms
            if t not in self.index.naming_terms and not t.isdigit() and t not in _ATTRIBUTE_TERMS
        ]

    def _carried(self, question: str, previous: str) -> str:
        """The previous question as a follow-up carries it on: when the follow-up names a place
        of its own ("En voor Beverwijk?"), the previous one's places are left behind."""
        if not self.index.names.mentioned(question, places_only=True):
            return previous
        for names in self.index.names.mentioned(previous, places_only=True).values():
            for name in names:
                previous = re.sub(rf"\b{re.escape(name)}\b", " ", previous, flags=re.IGNORECASE)
        return previous

    def _units_of(self, doc_id: str, page: int) -> PageUnits | None:
        return UNITS.get(self.index, doc_id, page)

    def _names_separate_documents(self, question: str) -> bool:
        """ "… in Zuid-Kennemerland en in Gooi en Vechtstreek": names that belong to different
        documents. ("Heemskerk en Beverwijk" belong to the same ones: one subject.)"""
        by_name: dict[str, set[str]] = {}
        for doc_id, names in self.index.names.mentioned(question).items():
            for name in names:
                by_name.setdefault(name, set()).add(doc_id)
        groups = list(by_name.values())
        # Disjoint: "het DSP-rapport" and "Heemskerk" overlap in one document, so they narrow, not split.
        return any(not (a & b) for i, a in enumerate(groups) for b in groups[i + 1 :])

    def _comparison_docs(self, question: str, profile: QuestionProfile, filters: SearchFilters | None) -> list[str]:
        """The documents a comparison is between: those named (or filtered), else, when it asks
        what "the documents" say, all of them."""
        # Many candidates (a large index): keep each named kind of document, or else each
        # document type, represented among the columns.
        named = self.index.names.mentioned(question)

        def group(doc_id: str) -> str:
            return " ".join(named.get(doc_id, [])) or str(self.index.documents[doc_id].meta.get("document_type", ""))

        if filters is not None and len(filters.doc_ids or []) >= 2:
            return relevant_documents(self, question, among=list(filters.doc_ids or []), group_of=group)
        if _ALL_DOCUMENTS.search(question):
            return relevant_documents(self, question, group_of=group)
        return []

    def _side_by_side(self, question: str, profile: QuestionProfile, doc_ids: list[str]) -> Answer:
        """One verified answer per document, merged under the documents' names, renumbered."""
        en = profile.language == "en"
        table = compare(self, question, doc_ids)
        lines = [P.INTRO_MULTI_EN if en else P.INTRO_MULTI_NL]
        citations: list[Citation] = []
        silent = []
        for col in table.columns:
            if not col.found:
                silent.append(col.title)
                continue
            body = "\n".join(col.answer.splitlines()[1:])  # without its "Volgens …:" intro
            lines += [f"{col.title}:", renumber(body, len(citations))]
            citations += [c.model_copy(update={"n": c.n + len(citations)}) for c in col.citations]
        if not citations:
            return self._refuse(question, profile, [], "geen van de documenten zegt hier iets over")
        notices = [(P.NOT_IN_EN if en else P.NOT_IN_NL).format(titles="; ".join(silent))] if silent else []
        return Answer(
            question=question,
            answer="\n".join(lines),
            refused=False,
            citations=citations,
            language=profile.language,
            notices=notices,
        )

    def _scope(self, query: str, filters: SearchFilters | None) -> tuple[SearchFilters | None, list[str]]:
        """Narrow retrieval to the documents about the places the question names."""
        if filters is not None and not filters.is_empty():
            return filters, []
        named = self.index.names.mentioned(query)
        if not named or len(named) == len(self.index.documents):
            return filters, []
        titles = ", ".join(sorted(self.index.documents[d].title for d in named))
        return SearchFilters(doc_ids=sorted(named)), [f"Gezocht in: {titles}"]

    def _glossary_passages(self, glossary: list[Begrip], filters: SearchFilters | None) -> list[Passage]:
        """The chunks holding each definition's quote (all scopes), as top-ranked passages."""
        allowed = set(filters.doc_ids) if filters is not None and filters.doc_ids else None
        by_file = self.index.by_file
        out: list[Passage] = []
        for b in glossary[:4]:
            doc = by_file.get(b.file)
            if doc is None or (allowed is not None and doc.doc_id not in allowed):
                continue
            head = normalise_ws(b.quote)[:60]
            for chunk in self.index.page_chunks.get((doc.doc_id, b.page), []):
                if head and head in normalise_ws(chunk.text):
                    out.append(
                        Passage(
                            chunk.chunk_id,
                            doc.doc_id,
                            doc.file,
                            doc.title,
                            chunk.page,
                            chunk.section,
                            chunk.text,
                            1.0,
                            chunk.char_start,
                            chunk.char_end,
                            chunk.kind,
                        )
                    )
                    break
        return out

    def _from_records(self, question: str, profile: QuestionProfile, found: maatregel_answers.RecordAnswer) -> Answer:
        """An answer built from maatregel records; an asked-for id that does not exist is refused."""
        en = profile.language == "en"
        if found.missing_ids and not found.records:
            reason = f"maatregel {', '.join(found.missing_ids)} komt in de documenten niet voor"
            return self._refuse(question, profile, [], reason)
        if found.overview:
            counted = maatregel_answers.overview(found.records)
            citations = valid_citations(
                self.index, maatregel_answers.citations_for([m for _, m in counted], self.index)
            )
            cited = {c.n for c in citations}
            lines = [f"- {text} [{n}]" for n, (text, _) in enumerate(counted, 1) if n in cited]
        else:
            citations = valid_citations(self.index, maatregel_answers.citations_for(found.records, self.index))
            cited = {c.n for c in citations}
            lines = [
                f"- {maatregel_answers.describe(m, en)} [{n}]" for n, m in enumerate(found.records, 1) if n in cited
            ]
        if not lines:
            return self._refuse(question, profile, [], "geen controleerbare maatregel gevonden")
        intro = _intro([citations[0].title], en)
        if found.overview:
            intro = intro.rstrip(":") + f" ({P.COUNTED_NL.format(totals=maatregel_answers.totals(found.records))}):"
        # A count does not hinge on the uncertain cells of single rows; a listing does.
        notices = [] if found.overview else [f"maatregel {m.id}: {n}" for m in found.records for n in m.uncertain]
        if found.missing_ids:
            notices.append(f"niet gevonden: maatregel {', '.join(found.missing_ids)}")
        return Answer(
            question=question,
            answer="\n".join([intro, *lines]),
            refused=False,
            citations=citations,
            language=profile.language,
            notices=notices,
        )

    def _from_plan(self, question: str, profile: QuestionProfile, plan: plan_answers.PlanAnswer) -> Answer:
        """Proposal or phase records, one cited line each; an asked-for number that does not exist is refused."""
        if plan.missing and not plan.lines:
            return self._refuse(question, profile, [], f"{', '.join(plan.missing)} komt in de documenten niet voor")
        for n, (_, citation) in enumerate(plan.lines, 1):
            citation.n = n
        citations = valid_citations(self.index, [c for _, c in plan.lines])
        cited = {c.n for c in citations}
        lines = [f"- {text} [{c.n}]" for text, c in plan.lines if c.n in cited]
        if not lines:
            return self._refuse(question, profile, [], "geen controleerbaar record gevonden")
        notices = [f"niet gevonden: {', '.join(plan.missing)}"] if plan.missing else []
        return Answer(
            question=question,
            answer="\n".join([_intro([citations[0].title], profile.language == "en"), *lines]),
            refused=False,
            citations=citations,
            language=profile.language,
            notices=notices,
        )

    def _unmentioned_places(self, query: str, profile: QuestionProfile, answer: Answer) -> list[str]:
        """Say so when a named place occurs in none of the quotes ("Over Zandvoort staat … alleen …")."""
        quoted = fold(" ".join(c.quote for c in answer.citations))
        named = self.index.names.mentioned(query, places_only=True)
        places = {n for names in named.values() for n in names}
        template = P.ONLY_SCOPE_EN if profile.language == "en" else P.ONLY_SCOPE_NL
        regions = ", ".join(dict.fromkeys(c.title for c in answer.citations))
        return [
            template.format(entity=place.title(), available=regions)
            for place in sorted(places)
            if place not in quoted
            and place not in self.index.folded_titles
            and len(place.split()) <= 3
            and place.isalpha()
        ]

    def _refusal_reason(
        self, profile: QuestionProfile, passages: list[Passage], cands: list[Candidate], by_record: bool = False
    ) -> tuple[str | None, float | None]:
        """Why not to answer (None: answer), and the evidence support the threshold judged.

        Two kinds of evidence say "not in the documents": a name or long subject word that the
        indexed text never uses, and best evidence that covers too little of the question
        (``support`` below the calibrated ``refuse_below``)."""
        if not passages:
            return "er is geen enkele passage gevonden", None
        if profile.language == "nl":
            unknown = [
                w
                for w in profile.proper_nouns
                if all(self.index.term_df.get(t, 0) == 0 for t in tokenize(w)) and not self._derives_known(w)
            ]
            if unknown:
                return f"de naam {', '.join(unknown)} komt in de documenten niet voor", None
            # A long subject word the corpus never uses: the documents are not about it.
            derived = {t for w in profile.proper_nouns if self._derives_known(w) for t in tokenize(w)}
            absent = [
                t
                for t in profile.terms
                if len(t) >= 7
                and not t.isdigit()
                and t not in derived
                and not self.index.knows(t)
                and not self._inflects_known(t)
            ]
            if absent:
                return f"de documenten gebruiken het woord {_words(profile, absent)} nergens", None
        if by_record:  # a record (table cell) answers it: no sentence needs to cover the question
            return None, None
        support = evidence_support(profile, cands, self.index)
        threshold = self.index.settings.refuse_below
        if support < threshold:
            if profile.kind == "number" and profile.expects != "any":
                return f"geen {_VALUE_NAMES[profile.expects]} bij het gevraagde onderwerp in de bronnen", support
            return f"de best passende passages gaan over iets anders (steun {support:.2f} < {threshold:.2f})", support
        return None, support

    def _derives_known(self, name: str) -> bool:
        """ "Veenlandse", "Heemskerkers": a form of a name the indexed text has ("Veenland")."""
        word = fold(name)
        return len(word) >= 6 and self._has_prefix(word[: max(5, len(word) - 3)])

    def _has_prefix(self, prefix: str) -> bool:
        if self._vocab[0] != self.index.version:  # the sorted vocabulary, once per index version
            self._vocab = (self.index.version, sorted(self.index.term_df))
        vocab = self._vocab[1]
        i = bisect.bisect_left(vocab, prefix)
        return i < len(vocab) and vocab[i].startswith(prefix)

    def _inflects_known(self, term: str) -> bool:
        """A verb form of a word the corpus has ("onderscheidt", "betaalt"): the question's
        wording, not a subject the documents lack."""
        return term.endswith("t") and self._has_prefix(term[:6])

    def _llm_compose(
        self, question: str, profile: QuestionProfile, passages: list[Passage], extractive: Answer
    ) -> Answer:
        """The LLM's answer if every kept claim is supported and cited; else the extractive one, with a notice."""
        assert self.llm is not None
        t = time.perf_counter()
        try:
            text, citations, refused = self.llm.answer(question, passages)
        except LlmError as exc:
            extractive.notices.append(P.LLM_FALLBACK_NOTICE_NL.format(reason=exc))
            return extractive
        if refused:
            answer = self._refuse(question, profile, passages, "het taalmodel vond het antwoord niet in de bronnen")
        else:
            answer = Answer(
                question=question,
                answer=text,
                refused=False,
                citations=citations,
                language=profile.language,
                mode="llm",
            )
        answer.mode = "llm"
        answer.timings["llm_ms"] = _ms(t)
        return answer

    def _with_context(
        self, cands: list[Candidate], chosen: list[Candidate], profile: QuestionProfile
    ) -> list[Candidate]:
        """Mark what a chosen sentence announces or continues: the list after "… te weten:",
        the next steps of a procedure, the sentence after a definition."""
        if profile.kind in ("number", "who", "when"):
            return chosen
        for i, c in enumerate(chosen):
            if _LIST_INTRO.search(c.text):
                c.extend = 6
            elif profile.kind == "procedure" and len(c.text.split()) <= 8:
                c.extend = 1  # a step's heading ("Stap 5 - En dan?"): what the step is comes next
            elif i == 0 and profile.kind == "procedure":
                c.extend = 3
            elif i == 0 and profile.kind == "definition":
                c.extend = 1
        return chosen

    def _refuse(self, question: str, profile: QuestionProfile, passages: list[Passage], reason: str) -> Answer:
        en = profile.language == "en"
        lines = [P.REFUSAL_EN if en else P.REFUSAL_NL]
        citations: list[Citation] = []
        if passages:
            lines.append(P.MAYBE_RELEVANT_EN if en else P.MAYBE_RELEVANT_NL)
            seen: set[tuple[str, int]] = set()
            for p in passages:
                if (p.doc_id, p.page) in seen or len(citations) >= 3:
                    continue
                seen.add((p.doc_id, p.page))
                n = len(citations) + 1
                quote = normalise_ws(p.text)[:300].rsplit(" ", 1)[0] if len(p.text) > 300 else normalise_ws(p.text)
                if is_instruction_like(quote):
                    continue
                citations.append(
                    Citation(
                        n=n, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, quote=quote, section=p.section
                    )
                )
                lines.append(f"- {p.title}, p. {p.page} [{n}]")
        citations = valid_citations(self.index, citations)
        return Answer(
            question=question,
            answer="\n".join(lines),
            refused=True,
            citations=citations,
            language=profile.language,
            notices=[P.REFUSAL_REASON_NL.format(reason=reason)],
        )

    def _compose(
        self,
        question: str,
        profile: QuestionProfile,
        chosen: list[Candidate],
        leads: list[tuple[Citation, str]] | None = None,
    ) -> Answer:
        """``leads``: structured facts (a table cell, glossary definitions) shown first, as their
        own text, each cited by a verbatim quote of its page."""
        en = profile.language == "en"
        lines: list[list[Citation]] = []  # one answer line per quote, plus its continuation on the next page
        labels: dict[int, str] = {}  # line index → text shown instead of the quote (a cell, a definition)
        for citation, text in leads or []:
            labels[len(lines)] = text
            lines.append([citation])
        for q in merge_adjacent(chosen):
            p, s, e = q.passage, q.start, q.end
            page_text = self.index.page_text(p.doc_id, p.page) or ""
            if q.page_units is not None:
                e = q.page_units.extend(e, q.extend, CONTINUES)
            else:  # no blocks stored for this page: read rows and sentences from the text
                if ROW_START.match(page_text[s:e]):
                    e = expand_row(page_text, s, e)  # a maatregel row: keep trekker, tijdspad, status
                e = extend_span(page_text, e, q.extend)
            quote = normalise_ws(page_text[s:e])
            if is_instruction_like(quote):
                continue  # a span extended into an instruction-like sentence: leave it out
            line = [
                Citation(n=0, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, quote=quote, section=p.section)
            ]
            if (rest := self._continuation(p, page_text, e)) is not None:
                line.append(rest)
            elif q.label is not None and e == q.end:
                labels[len(lines)] = q.label  # a table row read with its column names
            lines.append(line)
        lines, labels = _without_repeats(lines, labels)
        n = 0
        for line in lines:
            for c in line:
                n += 1
                c.n = n
        verified = {id(c) for c in valid_citations(self.index, [c for line in lines for c in line])}
        checked = [([c for c in line if id(c) in verified], labels.get(i)) for i, line in enumerate(lines)]
        shown = [(line, label) for line, label in checked if line]
        lines = [line for line, _ in shown]
        citations = [c for line in lines for c in line]
        titles = list(dict.fromkeys(c.title for c in citations))
        intro = _intro(titles, en)
        body = []
        for line, label in shown:
            first = line[0]
            prefix = "" if len(titles) == 1 else f"{first.title} (p. {first.page}): "
            if label is not None:  # a cell or a definition, cited with its verbatim line
                body.append(f"- {label} [{first.n}]")
            else:
                body.append("- " + prefix + " ".join(f"{c.quote} [{c.n}]" for c in line))
        return Answer(
            question=question,
            answer="\n".join([intro, *body]),
            refused=False,
            citations=citations,
            language=profile.language,
        )

    def _continuation(self, p: Passage, page_text: str, end: int) -> Citation | None:
        """A sentence cut off by the page end goes on at the top of the next page: cite that too,
        as its own page (a quote never spans two pages)."""
        quote_end = page_text[:end].rstrip()
        if page_text[end:].strip() or quote_end.endswith((".", "!", "?", ":", ";")):
            return None
        next_text = self.index.page_text(p.doc_id, p.page + 1)
        if not next_text:
            return None
        units = split_units(next_text[:1500], table=False)
        if not units:
            return None
        rest = normalise_ws(next_text[units[0][0] : units[0][1]])
        return Citation(
            n=0, file=p.file, doc_id=p.doc_id, title=p.title, page=p.page + 1, quote=rest, section=p.section
        )


def _overlaps(text: str, quote: str) -> bool:
    """The two share a stretch of a sentence or more: showing both would repeat it."""
    match = SequenceMatcher(None, text, quote, autojunk=False).find_longest_match()
    return match.size >= min(60, len(text), len(quote))


def _intro(titles: list[str], english: bool) -> str:
    """ "Volgens <document>:" for one source, a neutral opener for several."""
    if len(titles) == 1:
        return (P.INTRO_EN if english else P.INTRO_NL).format(source=titles[0])
    return P.INTRO_MULTI_EN if english else P.INTRO_MULTI_NL


def _without_repeats(
    lines: list[list[Citation]], labels: dict[int, str]
) -> tuple[list[list[Citation]], dict[int, str]]:
    """Drop a line whose quotes an earlier line already shows (a sentence inside an extended span)."""
    kept: list[list[Citation]] = []
    kept_labels: dict[int, str] = {}
    for i, line in enumerate(lines):
        shown = [c for k in kept for c in k]
        if i not in labels and all(
            any(c.doc_id == o.doc_id and c.page == o.page and c.quote in o.quote for o in shown) for c in line
        ):
            continue
        if i in labels:
            kept_labels[len(kept)] = labels[i]
        kept.append(line)
    return kept, kept_labels


_VALUE_NAMES = {
    "reason": "reden",
    "money": "bedrag",
    "percentage": "percentage",
    "duration": "duur",
    "count": "aantal",
    "date": "datum of jaartal",
    "any": "waarde",
}


def _words(profile: QuestionProfile, stems: list[str]) -> str:
    """The question's own words behind stems ("plusser" → "65-plussers"), quoted, for people to read."""
    words = re.findall(r"[\w’'-]+", profile.text)
    shown = [next((w for w in words if stem in tokenize(w)), stem) for stem in stems]
    return ", ".join(f"‘{w}’" for w in dict.fromkeys(shown))


def _evidence(p: Passage) -> Evidence:
    return Evidence(
        file=p.file, doc_id=p.doc_id, title=p.title, page=p.page, section=p.section, text=p.text, score=p.score
    )


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
