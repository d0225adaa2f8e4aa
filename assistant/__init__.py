"""woonzorg-assistent: cited answers over Dutch housing-and-care policy documents.

The public API. Open the index once and ask through it::

    from assistant import Assistant, Settings

    kb = Assistant.open(Settings())
    answer = kb.ask("Wat zijn zorggeschikte woningen?")
    partner = kb.for_role("partner")  # public documents only

Names load on first use (PEP 562), so ``import assistant`` (and the CLI's ``--help``) stays cheap:
the index, llama-index and the embedder load only when an ``Assistant`` is opened.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# What the interfaces (API, CLI, MCP) and evals may use; everything else is internal.
_HOME = {
    # the knowledge base
    "Assistant": "assistant.service.assistant",
    "Definitions": "assistant.service.assistant",
    "Settings": "ingest.settings",
    # shapes of questions and answers
    "Answer": "assistant.models",
    "AskRequest": "assistant.models",
    "Citation": "assistant.models",
    "Comparison": "assistant.answering.comparison",
    "Evidence": "assistant.models",
    "Passage": "assistant.models",
    "SearchFilters": "assistant.models",
    "SearchMode": "assistant.retrieval.hybrid",
    "Turn": "assistant.models",
    "retrieval_query": "assistant.question.followups",
    "dense_use": "assistant.retrieval.dense_health",
    # roles and access
    "ACCESS_LEVELS": "assistant.models",
    "ROLES": "assistant.models",
    "Access": "assistant.models",
    "Role": "assistant.models",
    "Principal": "assistant.service.auth",
    "TokenConfigError": "assistant.service.auth",
    "TokenStore": "assistant.service.auth",
    "add_token": "assistant.service.auth",
    "bind_problem": "assistant.service.auth",
    "is_loopback": "assistant.service.auth",
    "is_public": "assistant.service.scopes",
    # what the service keeps: audit, questions, feedback, upload jobs
    "AuditLog": "assistant.service.audit",
    "QuestionLog": "assistant.service.audit",
    "FeedbackStore": "assistant.service.feedback",
    "Rating": "assistant.service.feedback",
    "feedback_path": "assistant.service.feedback",
    "FileJob": "assistant.service.uploads",
    "JobQueue": "assistant.service.uploads",
    "clean_name": "assistant.service.uploads",
    "precheck": "assistant.service.uploads",
}

__all__ = [
    "ACCESS_LEVELS",
    "ROLES",
    "Access",
    "Answer",
    "AskRequest",
    "Assistant",
    "AuditLog",
    "Citation",
    "Comparison",
    "Definitions",
    "Evidence",
    "FeedbackStore",
    "FileJob",
    "JobQueue",
    "Passage",
    "Principal",
    "QuestionLog",
    "Rating",
    "Role",
    "SearchFilters",
    "SearchMode",
    "Settings",
    "TokenConfigError",
    "TokenStore",
    "Turn",
    "add_token",
    "bind_problem",
    "clean_name",
    "dense_use",
    "feedback_path",
    "is_loopback",
    "is_public",
    "precheck",
    "retrieval_query",
]

_ALIASES = {"SearchMode": "Mode"}

if TYPE_CHECKING:
    from assistant.answering.comparison import Comparison
    from assistant.models import (
        ACCESS_LEVELS,
        ROLES,
        Access,
        Answer,
        AskRequest,
        Citation,
        Evidence,
        Passage,
        Role,
        SearchFilters,
        Turn,
    )
    from assistant.question.followups import retrieval_query
    from assistant.retrieval.dense_health import dense_use
    from assistant.retrieval.hybrid import Mode as SearchMode
    from assistant.service.assistant import Assistant, Definitions
    from assistant.service.audit import AuditLog, QuestionLog
    from assistant.service.auth import Principal, TokenConfigError, TokenStore, add_token, bind_problem, is_loopback
    from assistant.service.feedback import FeedbackStore, Rating, feedback_path
    from assistant.service.scopes import is_public
    from assistant.service.uploads import FileJob, JobQueue, clean_name, precheck
    from ingest.settings import Settings


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), _ALIASES.get(name, name))
    globals()[name] = value  # once: later lookups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

