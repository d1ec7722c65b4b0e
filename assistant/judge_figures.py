"""How the judge reads the numbers of a claim and of its passages: digits and number words alike, and the
numbers English writes as words ("a decade", "nine-tenths of", "2018–19"), with ordinals apart. A number
of the claim the passages lack, or an ordinal they give otherwise, rules the claim out
(`judge.Evidence.ruled_out`)."""

from __future__ import annotations

import re

from assistant.text import NUMBER_WORDS, numbers, words

# Nouns that are numbers: "more than a century" is not "almost 80 years", "a decade" is "10 years".
COUNT_NOUNS = {"decade": "10", "century": "100", "dozen": "12"}
YEAR_RANGE = re.compile(r"\b(\d\d)\d\d\s*[-–]\s*(\d\d)\b")
# A fraction in words is a share: "nine-tenths of its exports" is "90 % of its exports". A singular one only
# before "of": "a third term" is an ordinal.
DENOMINATORS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
DENOMINATORS |= {"halves": 2, "thirds": 3, "quarters": 4, "fifths": 5, "tenths": 10}
FRACTION = re.compile(
    r"\b(a|an|one|two|three|four|five|six|seven|eight|nine)[\s-]+"
    r"(halves|thirds|quarters|fifths|tenths|(?:half|third|quarter|fifth|tenth)(?=\s+of\b))\b",
    re.IGNORECASE,
)
# Ordinals, read apart from cardinals by `other_ordinal`: "the second trip" is not the "2" of "September 2".
ORDINAL_WORDS = {
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
    "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11", "twelfth": "12",
}  # fmt: skip
ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


def figures(text: str) -> set[str]:
    """`numbers` of the words and of their hyphenated parts ("first-team"), with a short year range read in
    full ("2018–19" also gives "2019"), a decade, a century or a dozen as its number, and a fraction in
    words as a percentage ("nine-tenths" is "90")."""
    shares = {share for m in FRACTION.finditer(text) for share in _percentages(m.group(1), m.group(2))}
    text = FRACTION.sub(" ", text)
    spaced = text.replace("-", " ")
    counted = {COUNT_NOUNS[w] for w in words(spaced) if w in COUNT_NOUNS}
    return numbers(text) | numbers(spaced) | counted | shares | {a + b for a, b in YEAR_RANGE.findall(text)}


def _percentages(count: str, part: str) -> set[str]:
    """ "two thirds" -> {"67", "66.7"}: the share as a whole percentage and to one decimal."""
    numerator = 1 if count.lower() in ("a", "an") else int(NUMBER_WORDS[count.lower()])
    share = 100 * numerator / DENOMINATORS[part.lower()]
    return {str(round(share)), f"{share:.1f}".removesuffix(".0")}


def ordinals(text: str) -> set[str]:
    """The ordinals of a text as digits: "second" and "2nd" are "2"."""
    return {ORDINAL_WORDS[w] for w in words(text.replace("-", " ")) if w in ORDINAL_WORDS} | set(ORDINAL.findall(text))


def other_ordinal(claim: str, sentence: str, passages: str) -> list[str]:
    """The claim's ordinals that no passage has, where its closest sentence has another one instead: "his
    second trip" against "his first trip", "the first woman governor" against "the second female governor"."""
    said, stated = ordinals(claim), ordinals(sentence)
    missing = said - ordinals(passages)
    return sorted(missing) if missing and stated - said else []
