"""Optional LLM composition, held to the same standard as the extractive answer.

The LLM sees numbered, fenced sources and must cite [n] after each claim. We keep
only sentences whose cited source supports them (its words and every number in
the claim are in that source); each kept marker becomes a citation whose quote is
the supporting sentence of the source, verified against the page like any other.
"""

from __future__ import annotations

import re

from assistant.answering.citations import normalise_ws, valid_citations
from assistant.answering.instruction_guard import is_instruction_like
from assistant.answering.llm_client import LlmClient, LlmError
from assistant.models import Citation, Passage, Turn
from assistant.retrieval.index import SearchIndex
from ingest.read.chunking import split_units
from ingest.text.analysis import tokenize
from prompts import answer as P

_MARKER = re.compile(r"\[(\d{1,2})\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý“\"‘'(-])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MIN_SUPPORT = 0.5


class LlmAnswerer:
    def __init__(self, client: LlmClient, index: SearchIndex, max_sources: int = 6) -> None:
        self.client = client
        self.index = index
        self.max_sources = max_sources

    def rewrite(self, question: str, history: list[Turn]) -> str:
        """A follow-up as a standalone question (for retrieval)."""
        convo = "\n".join(P.REWRITE_TURN_NL.format(question=t.question, answer=t.answer[:400]) for t in history[-3:])
        text = self.client.chat(P.REWRITE_SYSTEM_NL, P.REWRITE_PROMPT_NL.format(history=convo, question=question))
        return text.splitlines()[0].strip() if text.strip() else question

    def answer(self, question: str, passages: list[Passage]) -> tuple[str, list[Citation], bool]:
        """(answer text, citations, refused); raises LlmError when nothing verifiable comes back."""
        sources = passages[: self.max_sources]
        blocks = "\n\n".join(
            P.SOURCE_BLOCK.format(n=i + 1, title=p.title, page=p.page, text=normalise_ws(p.text))
            for i, p in enumerate(sources)
        )
        raw = self.client.chat(P.SYSTEM_PROMPT_NL, P.USER_PROMPT_NL.format(sources=blocks, question=question))
        if raw.startswith(P.REFUSAL_NL) or raw.startswith(P.REFUSAL_EN):
            return raw, [], True
        kept: list[str] = []
        citations: list[Citation] = []
        numbering: dict[tuple[int, int, int], int] = {}
        for sentence in _SENTENCE.split(raw.strip()):
            claim = _MARKER.sub("", sentence).strip()
            new_markers = []
            for n in dict.fromkeys(int(m) for m in _MARKER.findall(sentence)):
                if not 1 <= n <= len(sources):
                    continue
                support = self._support(claim, sources[n - 1])
                if support is None:
                    continue
                key = (n, *support)
                if key not in numbering:
                    numbering[key] = len(citations) + 1
                    p = sources[n - 1]
                    quote = normalise_ws(p.text[support[0] : support[1]])
                    citations.append(
                        Citation(
                            n=numbering[key],
                            file=p.file,
                            doc_id=p.doc_id,
                            title=p.title,
                            page=p.page,
                            quote=quote,
                            section=p.section,
                        )
                    )
                new_markers.append(numbering[key])
            if new_markers and claim:
                kept.append(claim + " " + "".join(f"[{m}]" for m in new_markers))
        citations = valid_citations(self.index, citations)
        valid = {c.n for c in citations}
        kept = [s for s in kept if any(int(m) in valid for m in _MARKER.findall(s))]
        if not kept:
            raise LlmError(P.LLM_NO_VALID_CITATIONS_NL)
        return "\n".join(kept), citations, False

    @staticmethod
    def _support(claim: str, source: Passage) -> tuple[int, int] | None:
        """The source sentence that best supports ``claim`` (offsets in the passage), or None.

        Unsupported: too few of the claim's words in the source, or a number the source lacks.
        """
        claim_tokens = set(tokenize(claim))
        if not claim_tokens:
            return None
        units = split_units(source.text, source.kind == "table") or [(0, len(source.text))]
        # An instruction planted in a document never supports a claim, even one that repeats it.
        units = [u for u in units if not is_instruction_like(source.text[u[0] : u[1]])]
        if not units:
            return None
        text = " ".join(source.text[a:b] for a, b in units)
        numbers = {n.replace(".", "").replace(",", ".") for n in _NUMBER.findall(claim)}
        source_numbers = {n.replace(".", "").replace(",", ".") for n in _NUMBER.findall(text)}
        if not numbers <= source_numbers:
            return None
        if len(claim_tokens & set(tokenize(text))) / len(claim_tokens) < MIN_SUPPORT:
            return None
        return max(units, key=lambda u: len(claim_tokens & set(tokenize(source.text[u[0] : u[1]]))))
