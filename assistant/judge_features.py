"""What the offline judge reads in a text: its names, numbers and content words, and the word lists that
say which words carry no content, hedge, assert or quantify. All general English: none was picked
from an article. Kept apart from `judge.py`, which weighs these measures into a verdict.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import simplemma

from assistant.gazetteer import alias_index
from assistant.text import NEGATIONS, NUMBER, NUMBER_WORDS, STOPWORDS, WORD, stem, word_parts, words

# Closed-class English words (pronouns, determiners, auxiliaries, prepositions, conjunctions, connectives):
# they carry no content to cover, and capitalised at a sentence's start they are not names.
FUNCTION_WORDS = STOPWORDS | {
    "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "hers", "its", "them", "who",
    "whom", "whose", "which", "what", "when", "where", "why", "how", "those", "some", "any", "each", "all", "both",
    "other", "another", "am", "been", "being", "were", "has", "have", "had", "do", "does", "did", "can", "would",
    "should", "shall", "about", "above", "across", "after", "against", "along", "amid", "among", "around", "before",
    "behind", "below", "beside", "between", "beyond", "despite", "down", "during", "from", "inside", "like", "near",
    "off", "onto", "out", "outside", "over", "per", "since", "through", "throughout", "till", "toward", "towards",
    "under", "unlike", "until", "up", "upon", "via", "within", "also", "although", "though", "because", "while",
    "whereas", "however", "so", "than", "thus", "yet", "too", "very", "just", "here", "according", "additionally",
    "besides", "consequently", "finally", "furthermore", "hence", "indeed", "instead", "meanwhile", "moreover",
    "nevertheless", "nonetheless", "otherwise", "overall", "therefore",
}  # fmt: skip
# Modal hedges and reporting words: a passage that only hedges does not support a certain claim.
HEDGES = {
    "may", "might", "could", "likely", "unlikely", "probably", "possibly", "possible", "perhaps", "potential",
    "potentially", "reportedly", "allegedly", "apparently", "seemingly", "expected", "suggest", "suggests",
    "suggested", "seem", "seems", "appear", "appears", "whether", "if",
}  # fmt: skip
CERTAINTIES = {
    "always", "certainly", "definitely", "clearly", "undoubtedly", "entirely", "completely", "only", "never",
    "formally", "officially", "confirmed", "will", "must",
}  # fmt: skip
# How much or how often: a claim that adds one the passages lack usually overstates them.
QUANTIFIERS = {
    "all", "every", "each", "any", "always", "never", "none", "most", "majority", "half", "few", "many", "several",
    "more", "less", "fewer", "only", "entirely", "completely", "whole",
}  # fmt: skip
# Of those, the ones that claim everything: a passage that never says "all" or "every" does not support it.
UNIVERSALS = {"all", "every", "always", "entirely", "completely", "none"}
# "almost all" is not "all": after one of these a universal says "most".
NEAR_UNIVERSAL = {"almost", "nearly", "virtually", "practically"}
DENIAL_REACH = 3  # words from a negation to what it denies: "did not yet finish", "has never been finished"
NOT_DENIALS = {"only", "just", "merely"}  # "not only X but Y" says X
# Words that deny what follows them as "not" does: "failed to finish" is "did not finish", "lacks a reliable
# court" is "has no reliable court".
DENIALS = NEGATIONS | {"fail", "fails", "failed", "failing", "unable", "refuse", "refuses", "refused", "refusing"}
DENIALS |= {"lack", "lacks", "lacked", "lacking"}
# Prefixes that make a word its own opposite: "concerned" and "unconcerned", "agree" and "disagree".
OPPOSING_PREFIXES = ("un", "non", "dis", "in", "im", "il", "ir")
# Adjective and demonym endings, so that "Belgian" finds "Belgium" and "Chinese" finds "China".
NAME_ENDING = re.compile(r"(?:ians?|ans?|ain|ese|ish|ium|ia|i|a|e|y|o|s)$")
SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]*$")  # what lies between a sentence's last word and the next


@dataclass(frozen=True)
class Reading:
    """A text as the judge reads it: its words, its content stems in order, and the keys of its names."""

    words: frozenset[str]
    stems: tuple[str, ...]
    name_keys: frozenset[str]
    countries: frozenset[str]  # the countries it names, however written ("Beijing", "Chinese", "China")
    keys: tuple[str, ...]  # every word's name key in order, number words as digits
    parts: tuple[str, ...]  # the words themselves, in the same order


@lru_cache(maxsize=50_000)
def read(text: str) -> Reading:
    """Cached: the verifier judges every sentence of an answer against the same passage sentences."""
    found = words(unicodedata.normalize("NFKC", text))
    parts = word_parts(found)
    stems = tuple(stem(w) for w in parts if w not in FUNCTION_WORDS and not NUMBER.fullmatch(w))
    runs = name_runs(unicodedata.normalize("NFKC", text))
    keys = {name_key(w) for w in {*found, *parts}} | {a for run in runs for a in acronyms(run)}
    in_order = tuple(NUMBER_WORDS.get(w, name_key(w)) for w in parts)
    countries = alias_index(name_key, words).countries(in_order, {name_key(w) for run in runs for w in run})
    return Reading(frozenset({*found, *parts}), stems, frozenset(keys), countries, in_order, tuple(parts))


def name_key(word: str) -> str:
    """A name as compared: lower case, no dots, accents or adjective ending ("U.S." -> "us", "Belgian" -> "belg")."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", word.replace(".", "")) if not unicodedata.combining(c))
    root = NAME_ENDING.sub("", bare)
    return root if len(root) >= 4 else bare


def name_runs(text: str) -> list[tuple[str, ...]]:
    """Runs of capitalised words and acronyms that are not function words ("New Northton", "UN"), lower-cased;
    punctuation or a possessive ends a run. A sentence's first word is capitalised whatever it is, so an
    inflected common word there ("Rumours that...") is not taken for a name."""
    runs: list[list[str]] = [[]]
    end = 0
    for token in WORD.finditer(text):
        gap = text[end : token.start()]
        opens_sentence = end == 0 or bool(SENTENCE_BREAK.search(gap))
        if opens_sentence and inflected_common_word(token.group()):
            found = []
        else:
            found = [w for part in token.group().split("-") for w in name_words(part)]
        joined = gap.isspace() and not text[:end].endswith(("'s", "’s"))
        if runs[-1] and not (found and joined):
            runs.append([])
        runs[-1] += found
        end = token.end()
    return [tuple(run) for run in runs if run]


def inflected_common_word(word: str) -> bool:
    """A capitalised first word that is an inflection of a common word ("Rumours", "Squeezed", "Glaring"): the
    dictionary's lemma is lower-case and differs, as no name's does ("Lisbon" -> "Lisbon")."""
    lower = word.casefold()
    lemma = simplemma.lemmatize(lower, lang="en")
    return lemma != lower and lemma == lemma.casefold()


def acronyms(run: tuple[str, ...]) -> dict[str, range]:
    """The initials of every stretch of two or more names in a run ("United States Navy": "us", "usn", "sn")."""
    return {"".join(w[0] for w in run[i:j]): range(i, j) for i in range(len(run)) for j in range(i + 2, len(run) + 1)}


def name_words(part: str) -> list[str]:
    """A capitalised word or an acronym, lower-cased, unless it is a function word ("The", "However")."""
    word = words(part)
    acronym = len(part) > 1 and part.replace(".", "").isupper()
    return word[:1] if part[:1].isupper() and word and (acronym or word[0] not in FUNCTION_WORDS) else []


def names(text: str) -> set[str]:
    """The keys of the text's names: capitalised words and acronyms that are not function words."""
    return {name_key(word) for run in name_runs(unicodedata.normalize("NFKC", text)) for word in run}


def names_in(text: str) -> set[str]:
    """The keys of every word of a passage and the acronyms of its names: a name counts in any case."""
    return set(read(text).name_keys)


def missing_names(claim: str, passages: Reading) -> list[str]:
    """The claim's names the passages lack; names whose initials the passages hold as an acronym are there,
    and so are single initials ("K." in "Christopher K. Tong"), which a text may leave out, and a country
    the passages name another way ("Washington" for "the U.S.", `gazetteer.py`)."""
    missing: set[str] = set()
    countries = alias_index(name_key, words)
    for run in name_runs(unicodedata.normalize("NFKC", claim)):
        found = {i for initials, span in acronyms(run).items() if initials in passages.name_keys for i in span}
        found |= countries.named(tuple(map(name_key, run)), passages.countries)
        missing |= {w for i, w in enumerate(run) if i not in found and name_key(w) not in passages.name_keys}
    return sorted(w for w in missing if len(w) > 1)


def opposites(said: Reading, sentence: Reading) -> list[str]:
    """Words of the claim or the sentence that are a word of the other with an opposing prefix. Only words
    of five letters or more after the prefix: "inform" is not the opposite of "form"."""
    found = set()
    for one, other in ((said.words, sentence.words), (sentence.words, said.words)):
        for word in one - other:
            found |= {
                word
                for p in OPPOSING_PREFIXES
                if word.startswith(p) and len(word) - len(p) >= 5 and word[len(p) :].lstrip("-") in other
            }
    return sorted(found)


def quantifiers(reading: Reading) -> set[str]:
    """The quantifiers a text says, "almost all" read as "most": it supports "most", not "all"."""
    found = set()
    for before, word in itertools.pairwise(("", *reading.parts)):
        if word in QUANTIFIERS:
            found.add("most" if word in UNIVERSALS and before in NEAR_UNIVERSAL else word)
    return found


def denied(said: Reading, sentence: Reading) -> list[str]:
    """Words one text states and the other denies: "Brannick went on to finish the race" against
    "Brannick did not finish the race". Unlike the negation rule, the rest of the claim may differ."""
    said_denies, sentence_denies = negated(said), negated(sentence)
    stated_by_claim = (set(said.stems) - said_denies) & sentence_denies
    stated_by_sentence = (set(sentence.stems) - sentence_denies) & said_denies
    return sorted(stated_by_claim | stated_by_sentence)


def negated(reading: Reading) -> set[str]:
    """Stems of the words a text denies: the first content word within `DENIAL_REACH` words after a negation
    ("did not finish", "has never been finished", "no evidence", "failed to finish"); "not only" and
    "not just" deny nothing."""
    parts = reading.parts
    found = set()
    for index, word in enumerate(parts):
        following = parts[index + 1 : index + 1 + DENIAL_REACH]
        if word not in DENIALS or (following and following[0] in NOT_DENIALS):
            continue
        content = [w for w in following if w not in FUNCTION_WORDS and w not in DENIALS and not NUMBER.fullmatch(w)]
        if content:
            found.add(stem(content[0]))
    return found


def f1(wanted: set[str], found: set[str]) -> float:
    shared = len(wanted & found)
    return 2 * shared / (len(wanted) + len(found)) if shared else 0.0
