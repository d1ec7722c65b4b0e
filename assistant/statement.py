"""What a sentence states: an amount (in the unit a question asks for), a date, a name, a reason;
and where in it that stands, for the reader's eye.

The question's side (what kind of answer it wants) is `question.py`. These patterns are English
quantity, date and naming grammar, hand-written for the same reason: no installable library reads
them offline (spaCy has no English model here).
"""

from __future__ import annotations

import re

from assistant.question import AnswerKind, amount_unit, counted_thing
from assistant.text import NUMBER_WORDS, shows_no_names, stem, words

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
_CURRENCY = (
    r"[$£€¥₹₽]|\b(?:dollars?|pounds?|euros?|yen|yuan|renminbi|rupees?|roubles?|rubles?|francs?|pesos?|"
    r"usd|gbp|eur|bn|m)\b|\b(?:million|billion|trillion)\b"
)
_UNIT_STATED: dict[str, re.Pattern[str]] = {
    "age": re.compile(
        r"\b\d{1,3}\s*-?\s*years?\s*-?\s*old\b|\baged?\s+\d{1,3}\b|[,(]\s*\d{1,3}\s*[,)]"
        r"|\b\d{1,3}(?:st|nd|rd|th)\s+birthday\b|\bturn(?:s|ed|ing)?\s+\d{1,3}\b",
        re.IGNORECASE,
    ),
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

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_COUNT_WINDOW = 3  # words between a number and what it counts ("41 snow leopards", "2 million tonnes of")


def _counts(counted: str, sentence: str) -> bool:
    found = words(sentence)
    return any(
        (_DIGITS.fullmatch(word) or _NUMBER_WORD.fullmatch(word))
        and any(stem(w) == counted for w in found[index + 1 : index + 2 + _COUNT_WINDOW])
        for index, word in enumerate(found)
    )


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
        counted = counted_thing(question)
        if counted:  # "how many tonnes": a number with that word ("nine goals", "2,000 tonnes")
            return _counts(counted, sentence)
        asked = set(_DIGITS.findall(question))
        return bool(set(_DIGITS.findall(sentence)) - asked) or bool(_NUMBER_WORD.search(sentence))
    if kind is AnswerKind.DATE:
        return bool(_DATE.search(sentence))
    if kind is AnswerKind.REASON:
        return bool(_REASON.search(sentence))
    if shows_no_names(sentence):
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
    # A title in quotation marks is no name of a person or place ("The article “Northton Tests Its Old
    # Ally” was written by Ann Brannick"): its capitalised words are not the answer.
    quoted = [m.span() for m in _QUOTED.finditer(sentence)] if kind in (AnswerKind.PERSON, AnswerKind.PLACE) else []
    spans = [
        _widen(sentence, m.start(), m.end(), kind)
        for m in pattern.finditer(sentence)
        if m.group().casefold() not in asked and not any(start <= m.start() < end for start, end in quoted)
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
