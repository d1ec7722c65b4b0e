"""Who did what to whom: the judge's reading of doers and undergoers, in the claim and in its closest
sentence. "Smith outpointed Jones" against "Smith had been outpointed by Jones" changes no word but
says the opposite; `voice` reads the passive, `swap_gain` two names that traded places. Split from
`judge_features.py`, which reads words, names and numbers; both are weighed in `judge.py`.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import simplemma

from assistant.judge_features import FUNCTION_WORDS, Reading, name_key, name_runs

# A pronoun names the same one whichever side of the verb it stands: "he praised Brannick", "Brannick praised him".
# Not "us": it is also the key of "U.S.".
SUBJECT_FORM = {"him": "he", "her": "she", "them": "they"}
NEAR = 3  # words allowed between a doer or undergoer and its verb: "had been narrowly defeated by"


def swap_gain(claim: str, said: Reading, sentence: Reading) -> float:
    """Share of the claim's word pairs missing from the sentence that it gains when two of the claim's names
    or numbers trade places in it: "Northton are eighth, clear of Southby" against "Southby are eighth,
    clear of Northton" gains them all, a paraphrase none. Who did what to whom, the other way round."""
    runs = name_key_runs(claim) + [(k,) for k in said.keys if k.isdigit()]
    text = f" {' '.join(sentence.keys)} "
    found = [f" {' '.join(run)} " for run in dict.fromkeys(runs) if f" {' '.join(run)} " in text]
    wanted = set(itertools.pairwise(said.keys))
    before = len(wanted & set(itertools.pairwise(sentence.keys)))
    gain = 0
    for a, b in itertools.combinations(found, 2):
        swapped = text.replace(a, " \x00 ").replace(b, a).replace(" \x00 ", b).split()
        gain = max(gain, len(wanted & set(itertools.pairwise(swapped))) - before)
    return gain / max(len(wanted) - before, 1)


def name_key_runs(claim: str) -> list[tuple[str, ...]]:
    """The claim's names as runs of name keys ("New Northton" -> ("new", "northton")): what may trade places."""
    return [tuple(name_key(w) for w in run) for run in name_runs(unicodedata.normalize("NFKC", claim))]


def content_key(key: str) -> bool:
    return len(key) > 2 and not key.isdigit() and key not in FUNCTION_WORDS


@dataclass(frozen=True)
class Voice:
    """How the claim's doers and undergoers compare with the sentence's, once the passive is read."""

    reversed: bool  # "Northton defeated Southby" against "Northton had been defeated by Southby"
    rephrased: bool  # "Southby defeated Northton" against the same: one active, one passive, same roles


def voice(claim: str, said: Reading, sentence: Reading) -> Voice:
    """Who did what to whom, in the claim and in the sentence. `swap_gain` misses the reversal above, as no
    word pair changes, and takes the rephrasing for a swap; this reads both, and "a nurse told Smith"
    against "Smith told a nurse", where a common noun trades places with a name, and "he had praised Smith"
    against "Smith had praised him"."""
    pronouns: list[tuple[str, ...]] = [
        (SUBJECT_FORM.get(k, k),) for k in said.keys if k in SUBJECT_FORM or k in SUBJECT_FORM.values()
    ]
    runs = list(
        dict.fromkeys(name_key_runs(claim) + [(k,) for k in said.keys if content_key(k) or k.isdigit()] + pronouns)
    )
    stated = roles(sentence, runs)
    claimed = roles(said, runs)
    triples = {t[:3] for t in stated}
    return Voice(
        reversed=any((u, v, d) in triples and (d, v, u) not in triples for d, v, u, _ in claimed),
        rephrased=any((d, v, u, not passive) in stated for d, v, u, passive in claimed),
    )


def roles(text: Reading, runs: list[tuple[str, ...]]) -> set[tuple[tuple[str, ...], str, tuple[str, ...], bool]]:
    """(doer, verb, undergoer, passive) for every "A <verb> B" with at most `NEAR` words between each (an
    auxiliary, an adverb, an article); when "by" comes after the verb ("was defeated by B", "A, led by
    B"), the verb is passive and B is the doer."""
    keys = tuple(SUBJECT_FORM.get(k, k) for k in text.keys)
    starts = {run: [i for i in range(len(keys)) if keys[i : i + len(run)] == run] for run in runs}
    found = set()
    for a, b in itertools.permutations([run for run in runs if starts[run]], 2):
        for i in starts[a]:
            end = i + len(a)
            for v in range(end, min(end + NEAR + 1, len(keys))):
                if (keys[v],) in (a, b) or not verb_form(text.parts[v]) or in_compound(text, v):
                    continue
                for j in starts[b]:
                    if v < j <= v + NEAR + 1:
                        passive = "by" in keys[v + 1 : j]
                        found.add((b, keys[v], a, True) if passive else (a, keys[v], b, False))
    return found


def in_compound(text: Reading, index: int) -> bool:
    """A participle joined to the word before it ("Kiev-based programmer") is no verb between a doer and an
    undergoer: the programmer is based in Kiev, Kiev does not base him, so "a programmer based in Kiev"
    does not say it the other way round."""
    return index > 0 and f"{text.parts[index - 1]}-{text.parts[index]}" in text.words


@lru_cache(maxsize=50_000)
def verb_form(word: str) -> bool:
    """A past form or a participle ("told", "beaten", "knocking"): its dictionary form differs, and not
    only by a plural or third-person "s". Present forms are left out: without a tagger they read as nouns."""
    lemma = simplemma.lemmatize(word, lang="en").casefold()
    return len(word) > 2 and word not in FUNCTION_WORDS and lemma != word and not word.endswith("s")
