"""What a question asks for: the kind of answer (an amount, a date, a person, a place, a reason),
the words it is about, its sub-questions, and what it takes for granted.

The answerers use this, with `statement.py` (does a sentence state what is asked?), to refuse on
evidence rather than on vocabulary: a "how much" question whose best sentences state no amount is
not answered by them, however close they sound. The cue
words below are English question grammar (wh-words, auxiliaries, causal connectives, month names),
not words of any corpus; they are hand-written because no installable library classifies
question types offline (spaCy has no English model here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from assistant.text import THIRD_PERSON_PRONOUN, keywords, numbers, stem, words


class AnswerKind(StrEnum):
    AMOUNT = "amount"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    REASON = "reason"
    OTHER = "other"


_KIND_CUES: list[tuple[AnswerKind, re.Pattern[str]]] = [
    (
        AnswerKind.AMOUNT,
        re.compile(
            r"\bhow (?:many|much|big|large|long|old|far|tall|heavy|often)\b"
            r"|\bwhat (?:share|percentage|proportion|fraction|number|amount|sum|price|cost|fee|age|score|total|length|"
            r"size|rate|salary|budget|value)\b"
            # "What is the unemployment rate...", "What was the club's transfer fee...": the amount noun
            # may follow the verb after an article or possessive and up to two modifiers.
            r"|\bwhat (?:was|is|were|are|will be) (?:the|its|their|his|her|[\w’'-]+['’]s?)\s+(?:[\w’'-]+\s+){0,2}?"
            r"(?:score|scoreline|share|percentage|proportion|number|amount|sum|price|cost|fee|age|total|size|rate|"
            r"salary|budget|value)\b",
            re.IGNORECASE,
        ),
    ),
    (
        AnswerKind.DATE,
        re.compile(
            r"\bwhen\b|\bwhat (?:year|date|day|month|time)\b|\bwhich (?:years?|dates?|days?|months?)\b", re.IGNORECASE
        ),
    ),
    (AnswerKind.PERSON, re.compile(r"\bwho(?:m|se)?\b", re.IGNORECASE)),
    (
        AnswerKind.PLACE,
        # "Which countries...", "In what city...": one place or several, asked with "which" or "what".
        re.compile(
            r"\bwhere\b|\b(?:which|what) (?:cit(?:y|ies)|countr(?:y|ies)|towns?|villages?|regions?|provinces?|"
            r"venues?|places?)\b",
            re.IGNORECASE,
        ),
    ),
    (AnswerKind.REASON, re.compile(r"\bwhy\b|\bwhat (?:caused|led to|prompted)\b|\bfor what reason\b", re.IGNORECASE)),
]
# The kind of answer is asked for in a question's opening words ("According to the report, how many...").
CUE_WORDS = 6
# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "why",
        "when",
        "where",
        "many",
        "much",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "can",
        "could",
        "would",
        "should",
        "will",
        "according",
        "say",
        "says",
        "said",
        "tell",
        "describe",
        "described",
        "article",
        "articles",
        "story",
        "report",
        "reported",
        "roughly",
        "exactly",
        "approximately",
        "really",
    ]
)
# What unit an amount question asks for (`statement.py` reads how a sentence states one). English
# quantity grammar, hand-written because quantulum3 finds units but not which one a question wants.
_UNIT_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("age", re.compile(r"\bhow old\b|\bwhat age\b|\bage\b", re.IGNORECASE)),
    (
        "money",
        re.compile(
            r"\bhow much (?:money|cash)\b|\b(?:cost|costs|paid|pay|price|fee|fees|prize|worth|spend|spent|"
            r"salary|budget|loan|earn|earns|revenue|invest|investment|fund|funding|fine|wage|sell for)\b",
            re.IGNORECASE,
        ),
    ),
    ("percent", re.compile(r"\b(?:share|percentage|proportion|rate|per ?cent)\b", re.IGNORECASE)),
    (
        "people",
        re.compile(
            r"\bhow many (?:people|residents|inhabitants|citizens|members|fans|workers|staff)\b"
            r"|\bpopulation\b|\blive in\b",
            re.IGNORECASE,
        ),
    ),
    ("duration", re.compile(r"\bhow long\b|\bwhat length\b|\blength of\b", re.IGNORECASE)),
    ("score", re.compile(r"\b(?:score|scoreline|result)\b", re.IGNORECASE)),
]
# "Why did X win ...?" -> "X win ...": the wh-phrase and its auxiliary go, what is presupposed stays.
_PREMISE_OPENER = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:why|how come|how(?! (?:many|much|long|old|far|big|large|often))|when|where|"
    r"after|since|given that)\b[^?]*?\b"
    r"(?:did|does|do|is|are|was|were|has|have|had|will|would|could|can)\b\s+",
    re.IGNORECASE,
)
# Fewer words state nothing to check: "Since 2019, ...", "When did it open?" -> "it open".
MIN_PREMISE_WORDS = 3
# "Since the plant is closed, why did output rise?": a leading clause states what the question takes for
# granted, and the question proper follows its comma.
_GRANTED_CLAUSE = re.compile(
    r"^\s*(?:since|given that|now that|seeing that|considering that)\s+(?!when\b)(?P<granted>[^,?]+),\s*(?P<asked>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_SPLIT_PARTS = re.compile(
    r",?\s+and\s+(?=(?:(?:in|on|at|for|from|to|by|with|since)\s+)?(?:what|which|who|whom|whose|how|why|when|where)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QuestionAnalysis:
    text: str
    kind: AnswerKind
    focus: frozenset[str]  # stemmed keywords of what the question is about
    parts: tuple[str, ...] = field(default_factory=tuple)  # sub-questions of a two-fact question
    premise: str = ""  # the statement the question takes for granted, if it has one


def analyse(question: str) -> QuestionAnalysis:
    parts = tuple(p.strip() for p in _SPLIT_PARTS.split(question) if p.strip())
    return QuestionAnalysis(
        text=question,
        kind=answer_kind(question),
        focus=frozenset(question_keywords(question)),
        parts=parts if len(parts) > 1 else (),
        premise=premise_of(parts[0] if len(parts) > 1 else question),
    )


def answer_kind(question: str) -> AnswerKind:
    """The first cue in the question's opening words wins ("When and why..." asks for a date first);
    a "when" later on ("What name did he use when she appeared?") is part of what is asked about.
    After a clause that grants something ("Since X, why...?") the question proper opens."""
    granted = _GRANTED_CLAUSE.match(question)
    opening = " ".join((granted.group("asked") if granted else question).split()[:CUE_WORDS])
    found = [(m.start(), kind) for kind, cue in _KIND_CUES if (m := cue.search(opening))]
    return min(found)[1] if found else AnswerKind.OTHER


_COUNTED = re.compile(r"\bhow many\s+(?:more\s+|of\s+the\s+)?([^\W\d_]+)", re.IGNORECASE)


def counted_thing(question: str) -> str | None:
    """The stem of what a "how many" question counts ("how many tonnes" -> "tonn"), if it names it."""
    counted = _COUNTED.search(question)
    return stem(counted.group(1).casefold()) if counted else None


def amount_unit(question: str) -> str | None:
    """The unit an amount question asks for ("how old" -> age, "how much ... cost" -> money), if it says."""
    return next((unit for unit, cue in _UNIT_CUES if cue.search(question)), None)


def refers_back(part: str) -> bool:
    """Does a later part of a question point back to someone or something named before ("is he from")?"""
    return bool(THIRD_PERSON_PRONOUN.search(part))


_WH_QUESTION = re.compile(r"^\W*(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)


def answers_nothing(sentence: str, question: str) -> bool:
    """Does a reply to a wh-question only restate it ("Who leads the council?" -> "The council's leader
    leads the council")? An answer names something the question does not: a word, a name or a number.
    A yes/no question ("Did the council meet?") may be answered in its own words."""
    if not _WH_QUESTION.match(question):
        return False
    return not (keywords(sentence) - question_keywords(question) or numbers(sentence) - numbers(question))


def question_keywords(text: str) -> set[str]:
    """The stems of what a question is about, without the words that only shape the question."""
    return keywords(" ".join(w for w in words(text) if w not in QUESTION_WORDS))


def premise_of(question: str) -> str:
    """The presupposed statement of a why/how/when question, or the clause a question grants first
    ("Since X, why...?" -> "X"); "" for a plain what/who question."""
    granted = _GRANTED_CLAUSE.match(question)
    if granted and len(words(granted.group("granted"))) >= MIN_PREMISE_WORDS:
        return granted.group("granted").strip()
    match = _PREMISE_OPENER.match(question)
    if not match:
        return ""
    statement = question[match.end() :].strip().rstrip("?").strip()
    return statement if len(words(statement)) >= MIN_PREMISE_WORDS else ""
