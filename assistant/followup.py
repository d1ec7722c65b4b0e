"""Turn a follow-up ("And what does China buy from it?") into something retrieval can use.

Without a language model there is no real rewriting; the earlier question supplies the missing
subject, and the answerer weighs the new question above it.
"""

from __future__ import annotations

import re

from assistant.schema import Message

FOLLOW_UP_CUE = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about)\b|\b(it|its|they|them|their|theirs|there|he|she|his|her)\b",
    re.IGNORECASE,
)
# "Who does that expert work for?": a thing pointed back at. Only where the question names no one
# itself (no capitalised word after its first), since "What did that report by the IMF say?" stands
# alone, and never a span of time ("this year's", "that week"), which points at the calendar.
POINTED_BACK = re.compile(
    r"\b(?:that|this|these|those)\s+(?!(?:year|week|month|season|time|day|morning|evening|night|summer|"
    r"winter|spring|autumn|weekend|century|decade)s?\b)[a-z]+\b"
)
NAMED = re.compile(r"(?<!^)\b[A-Z]")


def _points_back(question: str) -> bool:
    return bool(POINTED_BACK.search(question)) and not NAMED.search(question.strip())


def previous_question(history: list[Message]) -> str | None:
    return next((m.content for m in reversed(history) if m.role == "user"), None)


def previous_answer(history: list[Message]) -> str | None:
    return next((m.content for m in reversed(history) if m.role == "assistant"), None)


def is_follow_up(question: str, history: list[Message]) -> bool:
    if previous_question(history) is None:
        return False
    return FOLLOW_UP_CUE.search(question) is not None or _points_back(question)


def standalone_question(question: str, history: list[Message]) -> str:
    """The question itself, or for a follow-up its predecessor followed by the question."""
    if not is_follow_up(question, history):
        return question
    return f"{previous_question(history)} {question}"
