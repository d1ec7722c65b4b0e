"""Turn a follow-up ("And what does China buy from it?") into something retrieval can use.

Without a language model there is no real rewriting; the earlier question supplies the missing
subject, and the answerer weighs the new question above it.
"""

from __future__ import annotations

import re

from assistant.schema import Message

LEADING_CUE = re.compile(r"^\s*(?:and|but|also|so|then|what about|how about)\b", re.IGNORECASE)
PRONOUN = re.compile(r"\b(?:it|its|they|them|their|theirs|there|he|she|his|her)\b", re.IGNORECASE)
# "Why did Northton detain Brannick when she arrived?": a pronoun that opens a clause of the question's
# own, after the question has named someone, is about that someone, not about the last question.
BOUND_PRONOUN = re.compile(
    r"\b(?:when|after|before|while|because|since|until|once|if|as|though|although)\s+"
    r"(?:it|they|he|she)\b",
    re.IGNORECASE,
)
# "Who does that expert work for?": a thing pointed back at. Only where the question names no one
# itself (no capitalised word after its first), since "What did that report by the IMF say?" stands
# alone, and never a span of time ("this year's", "that week"), which points at the calendar.
POINTED_BACK = re.compile(
    r"\b(?:that|this|these|those)\s+(?!(?:year|week|month|season|time|day|morning|evening|night|summer|"
    r"winter|spring|autumn|weekend|century|decade)s?\b)[a-z]+\b",
    re.IGNORECASE,
)
NAMED = re.compile(r"(?<!^)\b[A-Z]")
# "When was that?", "Why did the mayor do this?": a demonstrative with nothing after it stands for something
# said before, whatever the question names.
BARE_DEMONSTRATIVE = re.compile(r"\b(?:that|this|these|those)\W*$", re.IGNORECASE)


def _points_back(question: str) -> bool:
    text = question.strip()
    return bool(BARE_DEMONSTRATIVE.search(text)) or (bool(POINTED_BACK.search(text)) and not NAMED.search(text))


def _unbound_pronoun(question: str) -> bool:
    """A pronoun the question does not explain itself: its first pronoun comes before any name of its
    own, or outside a clause that opens with it ("when he arrived", and "his" after that)."""
    text = question.strip()
    first = PRONOUN.search(text)
    if first is None:
        return False
    bound = any(b.end() == first.end() for b in BOUND_PRONOUN.finditer(text))
    return not (bound and NAMED.search(text[: first.start()]))


def previous_question(history: list[Message]) -> str | None:
    return next((m.content for m in reversed(history) if m.role == "user"), None)


def previous_answer(history: list[Message]) -> str | None:
    return next((m.content for m in reversed(history) if m.role == "assistant"), None)


def is_follow_up(question: str, history: list[Message]) -> bool:
    if previous_question(history) is None:
        return False
    return bool(LEADING_CUE.search(question)) or _unbound_pronoun(question) or _points_back(question)


def standalone_question(question: str, history: list[Message]) -> str:
    """The question itself, or for a follow-up its predecessor followed by the question."""
    if not is_follow_up(question, history):
        return question
    return f"{previous_question(history)} {question}"
