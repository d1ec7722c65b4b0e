"""What a question asks for: the kind of answer (an amount, a date, a person, a place, a reason),
the words it is about, its sub-questions, and what it takes for granted.

The answerers use this to refuse on evidence rather than on vocabulary: a "how much" question
whose best sentences state no amount is not answered by them, however close they sound. The cue
words below are English question grammar (wh-words, auxiliaries, causal connectives, month names),
not words of any corpus; they are hand-written because no installable library classifies
question types offline (spaCy has no English model here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from assistant.text import NUMBER_WORDS, keywords, stem, words


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
        re.compile(r"\bwhen\b|\bwhat (?:year|date|day|month|time)\b|\bwhich (?:year|date|day|month)\b", re.IGNORECASE),
    ),
    (AnswerKind.PERSON, re.compile(r"\bwho(?:m|se)?\b", re.IGNORECASE)),
    (AnswerKind.PLACE, re.compile(r"\bwhere\b|\bwhich (?:city|country|town|region|venue|place)\b", re.IGNORECASE)),
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
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b(?:1[5-9]\d\d|20\d\d)s?\b|\b(?:{_MONTHS})\b\.?|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|\b(?:yesterday|today|tomorrow|tonight|ago|last (?:week|month|year|season|night)|this (?:week|month|year))\b"
    r"|\b(?:next|previous) (?:week|month|year|season)\b|\b\d{1,2}(?:st|nd|rd|th)?\b(?= (?:of )?(?:" + _MONTHS + r")\b)",
    re.IGNORECASE,
)
_NUMBER_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|half|dozens?|hundreds?|thousands?"
    r"|millions?|billions?|trillions?|majority|most|few|several)\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
# What unit an amount question asks for, and how a sentence states one. English quantity grammar,
# hand-written because quantulum3 finds units but not which one a question wants.
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
_CURRENCY = (
    r"[$£€¥₹₽]|\b(?:dollars?|pounds?|euros?|yen|yuan|renminbi|rupees?|roubles?|rubles?|francs?|pesos?|"
    r"usd|gbp|eur|bn|m)\b|\b(?:million|billion|trillion)\b"
)
_UNIT_STATED: dict[str, re.Pattern[str]] = {
    "age": re.compile(r"\b\d{1,3}\s*-?\s*years?\s*-?\s*old\b|\baged?\s+\d{1,3}\b|[,(]\s*\d{1,3}\s*[,)]", re.IGNORECASE),
    "money": re.compile(rf"(?:{_CURRENCY})\s*\d|\d[\d.,]*\s*(?:{_CURRENCY})", re.IGNORECASE),
    "percent": re.compile(r"\d\s*(?:%|per ?cent\b)|\b(?:half|third|quarter|majority)\b", re.IGNORECASE),
    "people": re.compile(
        r"\d[\d.,]*\s*(?:million|billion|thousand|hundred)?\s*(?:people|residents|inhabitants|"
        r"citizens|members|fans|workers|staff|population)\b|\bpopulation of\b",
        re.IGNORECASE,
    ),
    "duration": re.compile(
        r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)[\s-]+(?:years?|months?|"
        r"weeks?|days?|hours?|minutes?|seasons?|km|kilometres?|kilometers?|miles?|metres?|meters?)\b",
        re.IGNORECASE,
    ),
    "score": re.compile(r"\b\d{1,3}\s*[-–]\s*\d{1,3}\b"),
}
_REASON = re.compile(
    r"\b(?:because|due to|owing to|as a result|result of|so that|in order to|since|after|following|amid|"
    r"thanks to|caused|led to|leading to|reason|why|aims? to|aimed at|to (?:avoid|ensure|protect|prevent|help|"
    r"boost|secure|maintain|keep|make|allow|reduce|increase|support|counter|stop|win|get|send))\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+")
_PERSON_WORDS = re.compile(
    r"\b(?:he|she|his|her|they|minister|president|manager|boss|coach|chief|leader|spokesman|spokeswoman|"
    r"spokesperson|official|officials|director|chairman|player|striker|author|editor|professor|police|"
    r"prosecutors?|judge|team|company|government|club|family|mr|mrs|ms|dr)\b",
    re.IGNORECASE,
)
# "Why did X win ...?" -> "X win ...": the wh-phrase and its auxiliary go, what is presupposed stays.
_PREMISE_OPENER = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:why|how come|how(?! (?:many|much|long|old|far|big|large|often))|when|where|"
    r"after|since|given that)\b[^?]*?\b"
    r"(?:did|does|do|is|are|was|were|has|have|had|will|would|could|can)\b\s+",
    re.IGNORECASE,
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
    a "when" later on ("What name did he use when she appeared?") is part of what is asked about."""
    opening = " ".join(question.split()[:CUE_WORDS])
    found = [(m.start(), kind) for kind, cue in _KIND_CUES if (m := cue.search(opening))]
    return min(found)[1] if found else AnswerKind.OTHER


_COUNTED = re.compile(r"\bhow many\s+(?:more\s+|of\s+the\s+)?([^\W\d_]+)", re.IGNORECASE)
_COUNT_WINDOW = 3  # words between a number and what it counts ("41 snow leopards", "2 million tonnes of")


def _counts(counted: str, sentence: str) -> bool:
    found = words(sentence)
    return any(
        (_DIGITS.fullmatch(word) or _NUMBER_WORD.fullmatch(word))
        and any(stem(w) == counted for w in found[index + 1 : index + 2 + _COUNT_WINDOW])
        for index, word in enumerate(found)
    )


def amount_unit(question: str) -> str | None:
    """The unit an amount question asks for ("how old" -> age, "how much ... cost" -> money), if it says."""
    return next((unit for unit, cue in _UNIT_CUES if cue.search(question)), None)


_BACK_REFERENCE = re.compile(r"\b(?:he|she|him|his|her|hers|they|them|their|it|its)\b", re.IGNORECASE)


def refers_back(part: str) -> bool:
    """Does a later part of a question point back to someone or something named before ("is he from")?"""
    return bool(_BACK_REFERENCE.search(part))


def question_keywords(text: str) -> set[str]:
    """The stems of what a question is about, without the words that only shape the question."""
    return keywords(" ".join(w for w in words(text) if w not in QUESTION_WORDS))


def premise_of(question: str) -> str:
    """The presupposed statement of a why/how/when question, "" for a plain what/who question."""
    match = _PREMISE_OPENER.match(question)
    if not match:
        return ""
    statement = question[match.end() :].strip().rstrip("?").strip()
    return statement if len(words(statement)) >= 3 else ""


def states_kind(kind: AnswerKind, sentence: str, question: str = "") -> bool:
    """Does the sentence contain the kind of thing asked for? OTHER always does.

    Numbers the question itself mentions ("Power of Siberia 2") are no answer to "how many".
    Where a text has no capitals at all (lower-cased data sets), names cannot be seen, so any
    sentence may name the person or place asked for."""
    if kind is AnswerKind.OTHER:
        return True
    if kind is AnswerKind.AMOUNT:
        unit = amount_unit(question)
        if unit is not None:
            return bool(_UNIT_STATED[unit].search(sentence))
        counted = _COUNTED.search(question)
        if counted:  # "how many tonnes": a number with that word ("nine goals", "2,000 tonnes")
            return _counts(stem(counted.group(1).casefold()), sentence)
        asked = set(_DIGITS.findall(question))
        return bool(set(_DIGITS.findall(sentence)) - asked) or bool(_NUMBER_WORD.search(sentence))
    if kind is AnswerKind.DATE:
        return bool(_DATE.search(sentence))
    if kind is AnswerKind.REASON:
        return bool(_REASON.search(sentence))
    if not any(c.isupper() for c in sentence):
        return True  # lower-cased text: names cannot be told from other words, so do not judge
    if kind is AnswerKind.PERSON:
        return bool(_CAPITALISED.search(sentence)) or bool(_PERSON_WORDS.search(sentence))
    return bool(_CAPITALISED.search(sentence))


def answer_span(kind: AnswerKind, sentence: str, question: str = "") -> tuple[int, int] | None:
    """Where in the sentence the asked-for amount, date or name stands, for the reader's eye."""
    pattern: re.Pattern[str] | None = {
        AnswerKind.AMOUNT: _DIGITS,
        AnswerKind.DATE: _DATE,
        AnswerKind.REASON: _REASON,
    }.get(kind)
    if kind in (AnswerKind.PERSON, AnswerKind.PLACE):
        pattern = _CAPITALISED
    if pattern is None:
        return None
    asked = set(words(question))
    spans = [
        _widen(sentence, m.start(), m.end(), kind)
        for m in pattern.finditer(sentence)
        if m.group().casefold() not in asked
    ]
    if kind in (AnswerKind.PERSON, AnswerKind.PLACE):
        spans.sort(key=lambda span: -len(sentence[span[0] : span[1]].split()))  # the fullest name
    return spans[0] if spans else None


def _widen(sentence: str, start: int, end: int, kind: AnswerKind) -> tuple[int, int]:
    """An amount with its unit ("90 %", "3.3 million people"), a name with its other capitalised parts."""
    rest = sentence[end:]
    if kind is AnswerKind.AMOUNT:
        unit = re.match(r"(?:\s?%|\s+(?:percent|per cent|million|billion|thousand|hundred)?\s*[A-Za-z]+)", rest)
        return start, end + (unit.end() if unit else 0)
    if kind in (AnswerKind.PERSON, AnswerKind.PLACE):
        more = re.match(r"(?:\s+[A-Z][\w’'-]+)*", rest)
        return start, end + (more.end() if more else 0)
    if kind is AnswerKind.DATE:
        more = re.match(r"(?:\s+\d{1,4}|,?\s+(?:1[5-9]\d\d|20\d\d))*", rest)
        return start, end + (more.end() if more else 0)
    clause = re.match(r"[^,;.]*", rest)
    return start, end + (clause.end() if clause else 0)
