"""What `evals.generate` asks about, found by rules: facts (an amount or a date a sentence states),
false values for them, and plain statements (sentences that state neither).

Why rules: a question set must be buildable for any corpus without a language model, and quickly.
Nothing here names a word of any corpus: an amount or a date is English quantity and calendar
grammar (digits, number words, month names), and a clause is what punctuation delimits.
`evals.generate_wording` words the questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, zip_longest
from pathlib import Path

from assistant import NUMBER_WORDS, content_spans, load_corpus, sentence_spans, words
from evals.dataset import Category

_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
]  # fmt: skip
_MONTH = "(?:" + "|".join(_MONTHS) + ")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Each pattern marks the date itself as group `v`; "may" counts only beside a day or a year.
_DATES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"(?<![-–/])\b(?P<v>{_DAY}\s+(?:of\s+)?{_MONTH}(?:\s*,?\s*{_YEAR})?)\b",
        rf"\b(?P<v>{_MONTH}\s+{_DAY}(?:\s*,\s*{_YEAR})?)\b(?!\s*(?:%|per\b|[.,]\d))",
        rf"\b(?P<v>{_MONTH}\s+(?:of\s+)?{_YEAR})\b",
        rf"\b(?:in|since|until|before|after|during|from|by|between)\s+(?:the\s+)?(?P<v>{_YEAR})\b(?!\s*%)",
        r"\b(?:in|since|until|by|from|last|early|late)\s+(?P<v>(?!may\b)" + _MONTH + r")\b",
    )
]
_CARDINALS = [w for w in NUMBER_WORDS if not re.search(r"(?:st|nd|rd|th|ce|one|hundred)$", w)]
_SCALE = r"(?:\s?%|\s?per ?cent\b|\s(?:million|billion|trillion|thousand)\b|(?:bn|m)\b)?"
_AMOUNTS = re.compile(
    rf"(?<![\w.,:/#-])(?P<v>\d+(?:[.,]\d+)*{_SCALE})(?![\w/%-]|[.,:]\d)"
    rf"|\b(?P<w>(?:{'|'.join(_CARDINALS)})(?:\s(?:million|billion|thousand))?)\b",
    re.IGNORECASE,
)
_BREAK = re.compile(r"\s*(?:[;:—–()]|\s-{1,2}\s|,(?!\d))\s*")
_STRONG_BREAK = re.compile(r"\s*(?:[;:—–()]|\s-{1,2}\s)\s*")
# A comma before one of these ends the main clause ("X happened, after Y ...").
_CONNECTIVES = frozenset(
    [
        "and", "but", "or", "which", "who", "whom", "whose", "while", "as", "after", "before", "when", "where",
        "although", "though", "because", "since", "with", "including", "according", "if", "despite", "for", "in", "on",
        "at", "by", "from", "of", "to",
    ]
)  # fmt: skip
_CLAUSE_COMMA = re.compile(r"\s*,\s*(?=(?:" + "|".join(sorted(_CONNECTIVES)) + r")\b)", re.IGNORECASE)
_LEADING_CONJUNCTION = re.compile(r"^(?:but|and|so|yet|however|meanwhile|still|now)\b,?\s+", re.IGNORECASE)
# A clause whose subject is a pronoun cannot be asked about without the sentence before it; one that
# opens with an auxiliary has lost its subject; a modal one states no event that has a date.
_PRONOUNS = frozenset(
    [
        "i", "you", "he", "she", "it", "we", "they", "this", "that", "these", "those", "there", "his", "her", "its",
        "their", "our", "my", "your",
    ]
)  # fmt: skip
_AUXILIARIES = frozenset(
    [
        "will", "would", "can", "could", "should", "may", "might", "must", "shall", "is", "are", "was", "were", "has",
        "have", "had", "do", "does", "did",
    ]
)  # fmt: skip
_MODALS = frozenset(["will", "would", "can", "could", "should", "may", "might", "must", "shall"])
# Who speaks or is spoken to: a quotation, or site furniture talking to the reader ("find our page").
_PERSONAL = frozenset(
    [
        "i", "me", "my", "we", "us", "our", "you", "your",
    ]
)  # fmt: skip
_QUOTES = "\"'“”‘’`"
_TRIM = " \t\n.,;:!?" + _QUOTES
MIN_CLAUSE_WORDS, MAX_CLAUSE_WORDS = 8, 30
MIN_CLOZE_WORDS = 5  # words around the blank: fewer do not say what is asked
MIN_SENTENCE_WORDS, MAX_SENTENCE_WORDS = 8, 60


@dataclass(frozen=True)
class Sentence:
    article_id: str
    index: int  # position among the article's usable sentences: neighbours may state what it leaves out
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fact:
    """A value a sentence states, and the clause around it (verbatim, and with the value blanked)."""

    sentence: Sentence
    value: str
    kind: str  # amount | date | year | month
    clause: str
    cloze: str
    opens_sentence: bool  # the clause starts the sentence, so it reads as a statement on its own


@dataclass(frozen=True)
class Plan:
    """What one question will be about; the phrasers (rules or a model) word it."""

    kind: Category
    facts: tuple[Fact, ...] = ()
    statement: Sentence | None = None  # unanswerable: the sentence whose event is asked about
    clause: str = ""  # unanswerable: that event; false premise: the fact's clause with the false value
    asks: str = ""  # unanswerable: "date" or "money"; false premise: the false value


@dataclass
class CorpusView:
    name: str
    texts: dict[str, str]
    sentences: dict[str, list[Sentence]]
    lowercase: frozenset[str]  # words the mixed-case articles write in lower case: a capital on them is the sentence's

    def all_sentences(self) -> list[Sentence]:
        return [s for found in self.sentences.values() for s in found]


def read_corpus(folder: Path) -> CorpusView:
    """The articles as the library stores them (`assistant.ingest`), split into the sentences worth asking about:
    outside site furniture, not questions, not markup, of a readable length."""
    articles = load_corpus(folder).articles
    texts = {a.article_id: a.text for a in articles}
    sentences: dict[str, list[Sentence]] = {}
    for article_id, text in texts.items():
        content = content_spans(text)
        found: list[Sentence] = []
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            if (
                any(a <= start and end <= b for a, b in content)
                and MIN_SENTENCE_WORDS <= len(sentence.split()) <= MAX_SENTENCE_WORDS
                and sentence.rstrip(_QUOTES + " ")[-1:] in {".", "!"}
                and "<" not in sentence
            ):
                found.append(Sentence(article_id, len(found), start, end, sentence))
        sentences[article_id] = found
    mixed_case = " ".join(t for t in texts.values() if any(c.isupper() for c in t))
    lowercase = frozenset(re.findall(r"\b[a-z][a-z'’-]+\b", mixed_case))
    return CorpusView(str(folder), texts, sentences, lowercase)


def facts(sentence: Sentence) -> list[Fact]:
    """Every date, then every amount that is not part of a date, a year or a name ("Apollo 11")."""
    text = sentence.text
    dates = sorted((m.start("v"), -m.end("v"), m.group("v")) for p in _DATES for m in p.finditer(text))
    spans: list[tuple[int, int, str]] = []
    for start, negative_end, value in dates:  # the longest of overlapping dates: "February 2017", not "February"
        if not any(a < -negative_end and start < b for a, b, _ in spans):
            spans.append((start, -negative_end, _date_kind(value)))
    taken = list(spans)
    for match in _AMOUNTS.finditer(text):
        group = "v" if match.group("v") else "w"
        start, end = match.start(group), match.end(group)
        before = text[:start].split()[-1:] or [""]
        if any(a < end and start < b for a, b, _ in taken) or re.fullmatch(_YEAR, match.group(group)):
            continue
        if before[0][:1].isupper() and start > len(before[0]) + 1:
            continue  # "Siberia 2": a number inside a name
        spans.append((start, end, "amount"))
        taken.append((start, end, "amount"))
    found = []
    for start, end, kind in sorted(spans):
        clause_start, clause_end = _clause(text, start, end)
        clause = text[clause_start:clause_end]
        worded = [w for w in words(clause[: start - clause_start] + clause[end - clause_start :]) if w.isalpha()]
        if len(worded) < MIN_CLOZE_WORDS or len(clause.split()) > MAX_CLAUSE_WORDS or not _balanced(clause):
            continue
        cloze = clause[: start - clause_start] + "___" + clause[end - clause_start :]
        found.append(Fact(sentence, text[start:end], kind, clause, cloze, _opens(text, clause_start)))
    return found


def _date_kind(value: str) -> str:
    has_month = re.search(_MONTH, value, re.IGNORECASE) is not None
    if has_month:
        return "date" if re.search(r"\d", value) else "month"
    return "year"


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The punctuation-delimited stretch holding text[start:end], widened to whole neighbours up to
    `MIN_CLAUSE_WORDS` words, then trimmed of surrounding quotes and stops."""
    cuts = [0, *(i for m in _BREAK.finditer(text) for i in (m.start(), m.end())), len(text)]
    pieces = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i] < cuts[i + 1]]
    first = next(i for i, (_, b) in enumerate(pieces) if b > start)
    last = max(i for i, (a, _) in enumerate(pieces) if a < end)
    while len(text[pieces[first][0] : pieces[last][1]].split()) < MIN_CLAUSE_WORDS:
        if last + 1 < len(pieces):
            last += 1
        elif first > 0:
            first -= 1
        else:
            break
    if last + 2 == len(pieces) and len(text[slice(*pieces[last + 1])].split()) <= 3:
        last += 1  # no stub of two or three words left dangling after the clause
    a, b = pieces[first][0], pieces[last][1]
    while a < start and text[a] in _TRIM:
        a += 1
    while b > end and text[b - 1] in _TRIM:
        b -= 1
    return a, b


def _balanced(clause: str) -> bool:
    """Quotes and brackets the clause opens it also closes, and it holds one sentence only: a cloze cut
    inside a quotation, or text glued together ("2017.It", "MachineApril"), reads as garbage."""
    if re.search(r"[.!?][A-Z][a-z]|[a-z][A-Z][a-z]", clause):
        return False
    pairs = (("“", "”"), ("(", ")"), ("[", "]"))
    return clause.count('"') % 2 == 0 and all(clause.count(a) == clause.count(b) for a, b in pairs)


def _opens(text: str, start: int) -> bool:
    return not text[:start].strip(_TRIM)


def statement(sentence: Sentence) -> str | None:
    """The sentence's opening clause as a statement of an event ("scores of websites were made
    inaccessible"), when it states no amount or date, names its subject and quotes no one."""
    text = _LEADING_CONJUNCTION.sub("", sentence.text.strip(_TRIM))
    if any(p.search(text) for p in _DATES) or _AMOUNTS.search(text) or re.search(r"\d|[\"“”`]", text):
        return None
    clause = _STRONG_BREAK.split(text)[0].strip(_TRIM)
    clause = _CLAUSE_COMMA.split(clause)[0].strip(_TRIM)
    found = words(clause)
    opening = found[0] if found else ""
    if not found or opening in _PRONOUNS | _AUXILIARIES | _CONNECTIVES or opening.endswith("ing"):
        return None
    if (
        _MODALS.intersection(found)
        or _PERSONAL.intersection(found)
        or "," in clause
        or not _balanced(clause)
        or re.search(r"[.!?]\s", clause)
    ):
        return None
    return clause if MIN_CLAUSE_WORDS - 2 <= len(found) <= MAX_CLAUSE_WORDS else None


def false_value(fact: Fact) -> str | None:
    """A value the sentence does not state, of the same kind: a year three later, a month four on
    (or a day ten off where the month would not have that day), an amount doubled (halved above 50 %)."""
    value = fact.value
    if fact.kind == "year":
        return str(int(value) + 3)
    if fact.kind in ("date", "month"):
        return _other_date(value)
    number = re.match(r"\d+(?:[.,]\d+)*", value)
    if number is None:
        doubled = {int(digits) * 2: word for word, digits in NUMBER_WORDS.items() if word in _CARDINALS}
        word = value.split()[0].casefold()
        replacement = doubled.get(int(NUMBER_WORDS[word])) if word in NUMBER_WORDS else None
        return None if replacement is None else replacement + value[len(word) :]
    digits = number.group()
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    amount = float(digits.replace(",", ""))
    percent = "%" in value or "cent" in value.casefold()
    amount = amount / 2 if percent and amount > 50 else amount * 2
    formatted = f"{amount:,.{decimals}f}" if "," in digits else f"{amount:.{decimals}f}"
    return formatted + value[number.end() :]


def _other_date(value: str) -> str:
    month = re.search(_MONTH, value, re.IGNORECASE)
    day = re.search(r"\b\d{1,2}(?=st|nd|rd|th|\b)(?!\d)", value)
    if month and (not day or int(day.group()) <= 28):
        shifted = _MONTHS[(_MONTHS.index(month.group().casefold()) + 4) % 12]
        shifted = shifted.capitalize() if month.group()[0].isupper() else shifted
        return value[: month.start()] + shifted + value[month.end() :]
    assert day is not None  # a date without a month is a year, handled before
    return value[: day.start()] + str(int(day.group()) - 10) + value[day.end() :]


def plans(view: CorpusView) -> dict[Category, list[Plan]]:
    """Every question worth drafting, by kind; within a kind the articles take turns, so a short
    set still spreads over the corpus."""
    by_article: dict[Category, list[list[Plan]]] = {
        k: [] for k in ("single_fact", "two_fact", "false_premise", "unanswerable", "follow_up")
    }
    for found in view.sentences.values():
        article_facts = [f for s in found for f in facts(s)]
        firsts = [f for i, f in enumerate(article_facts) if i == 0 or article_facts[i - 1].sentence != f.sentence]
        pairs = [(a, b) for a, b in zip(firsts[::2], firsts[1::2], strict=False)]
        by_article["single_fact"].append([Plan("single_fact", (f,)) for f in firsts])
        by_article["two_fact"].append([Plan("two_fact", pair) for pair in pairs])
        by_article["follow_up"].append([Plan("follow_up", pair) for pair in reversed(pairs)])
        premises = []
        for fact in firsts:
            opening = words(fact.clause)[:1]
            wrong = false_value(fact) if fact.opens_sentence and opening and opening[0] not in _AUXILIARIES else None
            if wrong:
                stated = _LEADING_CONJUNCTION.sub("", fact.cloze.replace("___", wrong))
                premises.append(Plan("false_premise", (fact,), clause=stated, asks=wrong))
        by_article["false_premise"].append(premises[::-1])
        events = [(s, event) for s in found if (event := statement(s))]
        asks = ("date", "money")
        by_article["unanswerable"].append(
            [Plan("unanswerable", statement=s, clause=c, asks=asks[i % 2]) for i, (s, c) in enumerate(events)]
        )
    return {
        kind: [p for p in chain.from_iterable(zip_longest(*lists)) if p is not None]
        for kind, lists in by_article.items()
    }
