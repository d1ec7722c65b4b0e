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


def previous_question(history: list[Message]) -> str | None:
    return next((m.content for m in reversed(history) if m.role == "user"), None)


def previous_answer(history: list[Message]) -> str | None:
    return next((m.content for m in reversed(history) if m.role == "assistant"), None)


def is_follow_up(question: str, history: list[Message]) -> bool:
    return previous_question(history) is not None and FOLLOW_UP_CUE.search(question) is not None


def standalone_question(question: str, history: list[Message]) -> str:
    """The question itself, or for a follow-up its predecessor followed by the question."""
    if not is_follow_up(question, history):
        return question
    return f"{previous_question(history)} {question}"
