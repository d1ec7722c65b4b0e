"""One text toolkit: words, stems, keywords, numbers and citation markers, read the same way by
retrieval, the answerers, the verifier, the judge, the evals and the UI.

When each step tokenised in its own way they disagreed: "Russia’s" was a known word to BM25 and an
unknown one to the refusal check. Everything here is general English, nothing is fitted to a corpus.
Lower-cased, tokenised text ("mayweather 's", "can n't") reads the same as edited prose.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import simplemma
import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from assistant.gazetteer import demonym_countries

# A word is letters (with inner apostrophes, dots or hyphens: "U.S.", "Russia’s", "co-operation"),
# or a number with its separators ("3.3", "1,200").
WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’.\-](?=[^\W_]))*|\d+(?:[.,]\d+)*")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A citation marker: [1], [1, 2] or [1; 2]. MARKER_PATTERN is the marker alone, for patterns built around it.
MARKER_PATTERN = r"\[\d+(?:\s*[,;]\s*\d+)*\]"
MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A marker of one source, "[1]", as the answers print them: what the UI turns into a link.
SINGLE_MARKER = re.compile(r"\[(\d+)\]")
# scikit-learn's general English list (318 function words): pronouns and auxiliaries say nothing of a topic.
STOPWORDS = frozenset(ENGLISH_STOP_WORDS) | {"s", "t", "being", "having", "doing"}
# A third-person pronoun: what points back at someone or something named before ("is he from", "She will be
# sentenced ...").
THIRD_PERSON_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|hers|they|them|their|it|its)\b", re.IGNORECASE)
NEGATIONS = frozenset({"not", "no", "never", "none", "nor", "neither", "without", "nobody", "nothing", "cannot"})
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "hundred": "100", "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
    "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "once": "1", "twice": "2",
}  # fmt: skip
_POSSESSIVE = re.compile(r"['’]s$")
_CONTRACTED_NOT = re.compile(r"n['’]t$")


def words(text: str) -> list[str]:
    """Lower-case words in order, apostrophes straightened, possessives dropped ("Russia’s" -> "russia"),
    "n't" read as "not" (also when tokenised apart: "can n't"), trailing dots of abbreviations kept out."""
    found = []
    for raw in WORD.findall(text):
        word = raw.casefold().replace("’", "'").rstrip(".-")
        if _CONTRACTED_NOT.search(word) or word == "n't":
            found.append("not")
            word = _CONTRACTED_NOT.sub("", word)
        word = _POSSESSIVE.sub("", word)
        if word:
            found.append(word)
    return found


_stem_lock = threading.Lock()
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word's dictionary form (PyStemmer objects are not
    thread-safe: one lock). The dictionary form first (simplemma's English lemma list) because a
    stemmer only cuts endings: "met" and "meet", "paid" and "pay", "sold" and "sell" stay apart."""
    lemma = simplemma.lemmatize(word.replace("'", ""), lang="en").casefold()
    with _stem_lock:
        return str(_stemmer.stemWord(lemma))


def keyword_list(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order, repeats kept."""
    return [stem(w) for w in content_words(text)]


def index_terms(text: str) -> list[str]:
    """What BM25 indexes and searches: `keyword_list` with a people's word read as its country's
    ("Russian" and "Russia" are one subject to find). Only for finding passages: whether a sentence covers
    what is asked stays on the words themselves, since "Chinese investors" say nothing of China's capital."""
    return [stem(country_word(w)) for w in content_words(text)]


def word_parts(found: list[str]) -> list[str]:
    """Each hyphenated word as its parts, as a search engine's tokenizer reads it: "third-neighbor
    countries" is about neighbours as "third neighbors" is."""
    return [part for word in found for part in word.split("-") if part]


def content_words(text: str) -> list[str]:
    """The words that carry meaning, a hyphenated word as its parts: no stop words, no single letters
    (digits stay)."""
    return [w for w in word_parts(words(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=50_000)
def country_word(word: str) -> str:
    """ "russian" and "russians" -> "russia" (`gazetteer.demonym_countries`): the stemmer keeps them apart."""
    countries = demonym_countries()
    return countries.get(word) or countries.get(word.removesuffix("s")) or word


def keywords(text: str) -> set[str]:
    """The set of `keyword_list`: what a question or sentence is about."""
    return set(keyword_list(text))


def numbers(text: str) -> set[str]:
    """Digits (thousands separators dropped) and number words, as digit strings: '90 %' and 'ninety' alike."""
    found = {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}
    return found | {NUMBER_WORDS[w] for w in words(text) if w in NUMBER_WORDS}


def has_negation(text: str) -> bool:
    return any(w in NEGATIONS for w in words(text))


def shows_no_names(text: str) -> bool:
    """Is the text lower-cased throughout (as some data sets are), so that no name can be told from other
    words by its capital?"""
    return not any(c.isupper() for c in text)


def citation_numbers(sentence: str) -> list[int]:
    """The numbers a sentence cites, in order, each once."""
    found = (int(n) for group in MARKER.findall(sentence) for n in re.split(r"\s*[,;]\s*", group))
    return list(dict.fromkeys(found))


def strip_markers(sentence: str) -> str:
    """The sentence without its markers and the space before them, with no doubled punctuation left
    where a marker stood between two marks ("fees, [1], and" -> "fees, and")."""
    text = " ".join(MARKER.sub("", sentence).split())
    return tidy_punctuation(text)


_DOUBLED = re.compile(r"([,;:])\s*(?:[,;:]\s*)+")
_SPACE_BEFORE = re.compile(r"\s+([,;:.!?])")
_DANGLING = re.compile(r"\s*(?:[,;:]|\b(?:and|or|but|with|to|of|the))\s*([.!?])$", re.IGNORECASE)


def tidy_punctuation(text: str) -> str:
    """Punctuation a model or a removed marker left doubled or dangling: ",," and ", and." go."""
    text = _DOUBLED.sub(r"\1 ", _SPACE_BEFORE.sub(r"\1", text)).strip()
    while (tidied := _DANGLING.sub(r"\1", text)) != text:
        text = tidied
    return text
