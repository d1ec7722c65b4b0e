"""Labelled (claim, passage) pairs generated from any text, FactCC style, to train the judge's encoder.

No labelled entailment data installs here, and the labelled sets are small, so pairs are made by
editing sentences of the corpora: a sentence, or the sentence with a clause dropped, or clauses of
two passage sentences joined, is supported by a passage that holds it; the same claim with two names
exchanged, a number changed, a negation inserted or removed, a name taken from another article, or a
clause appended from elsewhere is not, and neither is a sentence against its neighbours alone.
Every edit is general English (auxiliaries, commas, capitalised words); nothing is picked from an
article. The passage is the source sentence with at most one other of its article, in their order,
the way the judge feeds the encoder the passage sentences closest to a claim.

Which texts: the bundled articles, the news-dev stories of the tuning half (01-12: the held-out
claims' stories are never read) and the generated corpus. `pairs(seed)` depends only on its seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.chunking import sentence_spans
from assistant.text import NUMBER
from evals.judge_sets import NEWS_DEV_CLAIMS
from testsupport.corpus_gen import articles

ROOT = Path(__file__).resolve().parents[1]
NEWS_DEV = ROOT.parent / "shared" / "corpora" / "news-dev"
NEWS_DEV_TUNE = [f"story-{i:02d}.txt" for i in range(1, 13)]
GENERATED_ARTICLES = 30
AUXILIARIES = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|did|does|do)\b ")
NEGATED = re.compile(r"\b(?:not|never) |n't\b")
NAME_RUN = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)*")
CLAUSE = re.compile(r",\s+")


@dataclass(frozen=True)
class Pair:
    claim: str
    passage: str
    supported: bool
    kind: str
    article: str


def sources() -> dict[str, list[str]]:
    """Each source text's sentences (8 to 60 words), keyed by article; the texts named in the module doc."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))}
    texts |= {f"news-dev/{n}": (NEWS_DEV / n).read_text(encoding="utf-8") for n in NEWS_DEV_TUNE}
    texts |= {a.article_id: a.text for a in articles(GENERATED_ARTICLES)}
    found = {}
    for key, text in texts.items():
        sentences = [text[s:e].replace("\n", " ") for s, e in sentence_spans(text)]
        found[key] = [s for s in sentences if 8 <= len(s.split()) <= 60]
    return {k: v for k, v in found.items() if len(v) >= 4}


def clauses(sentence: str) -> list[str]:
    """The comma-separated stretches of a sentence, without its final stop."""
    return [c for c in CLAUSE.split(sentence.rstrip(" .")) if c]


def drop_clause(sentence: str, rng: random.Random) -> str | None:
    """The sentence without one of its later clauses (a claim may say less than its passage)."""
    parts = clauses(sentence)
    if len(parts) < 2:
        return None
    keep = [p for i, p in enumerate(parts) if i != rng.randrange(1, len(parts))]
    claim = ", ".join(keep) + "."
    return claim if len(claim.split()) >= 5 else None


def names_of(sentence: str) -> list[str]:
    return list(dict.fromkeys(m.group() for m in NAME_RUN.finditer(sentence)))


def swap_names(sentence: str, rng: random.Random) -> str | None:
    """Two of the sentence's names exchanged: who did what to whom, the other way round."""
    found = names_of(sentence)
    if len(found) < 2:
        return None
    a, b = rng.sample(found, 2)
    swapped = sentence.replace(a, "\x00").replace(b, a).replace("\x00", b)
    return swapped if swapped != sentence else None


def change_number(sentence: str, rng: random.Random) -> str | None:
    """One number made another: a year moved a few years, a figure scaled or nudged."""
    found = [m for m in NUMBER.finditer(sentence) if any(c.isdigit() for c in m.group())]
    if not found:
        return None
    match = rng.choice(found)
    digits = match.group().replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    if 1900 <= value <= 2100 and digits.isdigit():
        new = str(int(value) + rng.choice([-3, -2, -1, 1, 2, 3]))
    else:
        changed = value * rng.choice([0.5, 0.8, 1.25, 1.5, 2, 3]) + rng.choice([0, 1])
        new = f"{changed:.1f}" if "." in digits else str(int(changed) if changed != value else int(value) + 1)
    return sentence[: match.start()] + new + sentence[match.end() :]


def flip_negation(sentence: str) -> str | None:
    """A negation removed if there is one, else inserted after the first auxiliary."""
    if NEGATED.search(sentence):
        return NEGATED.sub("", sentence, count=1)
    match = AUXILIARIES.search(sentence)
    if not match:
        return None
    return sentence[: match.end()] + "not " + sentence[match.end() :]


def replace_name(sentence: str, other: str, rng: random.Random) -> str | None:
    """One of the sentence's names replaced by a name from another article."""
    mine, theirs = names_of(sentence), [n for n in names_of(other) if n not in sentence]
    if not mine or not theirs:
        return None
    return sentence.replace(rng.choice(mine), rng.choice(theirs), 1)


def join(first: str, second: str, lower: set[str]) -> str:
    """Two clauses as one claim: "A, and b." The second's first word is lowered unless the texts
    capitalise it mid-sentence (a name); a clause under four words is kept with the rest."""
    head, tail = (
        c if len(c.split()) >= 4 else s.rstrip(" .")
        for c, s in zip(map(first_clause, (first, second)), (first, second), strict=True)
    )
    word = tail.split()[0]
    if word.lower() in lower:
        tail = word.lower() + tail[len(word) :]
    return f"{head}, and {tail}."


def first_clause(sentence: str) -> str:
    return clauses(sentence)[0]


def pairs(seed: int = 0) -> Iterator[Pair]:
    """Every source sentence gives up to five supported and up to seven unsupported pairs."""
    rng = random.Random(seed)
    texts = sources()
    keys = sorted(texts)
    lower = {w.lower() for sentences in texts.values() for s in sentences for w in re.findall(r"\b\w+\b", s)}
    lower -= {w.split()[0].lower() for sentences in texts.values() for s in sentences for w in names_of(s)}
    for key in keys:
        sentences = texts[key]
        for i, sentence in enumerate(sentences):
            near = [j for j in range(max(0, i - 4), min(len(sentences), i + 5)) if j != i]
            context = sorted(rng.sample(near, min(len(near), rng.randint(0, 1))))
            passage = " ".join(sentences[j] for j in sorted([i, *context]))
            without = " ".join(sentences[j] for j in context) or sentences[near[0]]
            other_text = texts[rng.choice([k for k in keys if k != key])]
            other = rng.choice(other_text)
            far = rng.choice([s for j, s in enumerate(sentences) if j != i and j not in context])
            supported = {
                "verbatim": sentence,
                "clause_dropped": drop_clause(sentence, rng),
                "first_clause": clauses(sentence)[0] + "." if len(clauses(sentence)) > 1 else None,
                "joined": join(sentence, sentences[context[0]], lower) if context else None,
            }
            unsupported = {
                "names_swapped": swap_names(sentence, rng),
                "number_changed": change_number(sentence, rng),
                "negation": flip_negation(sentence),
                "name_replaced": replace_name(sentence, other, rng),
                "clause_added": join(sentence, far if rng.random() < 0.5 else other, lower),
                "neighbours_only": sentence,
                "same_article": far,
            }
            for kind, claim in supported.items():
                if claim and len(claim.split()) >= 4:
                    yield Pair(claim, passage, True, kind, key)
            for kind, claim in unsupported.items():
                if claim and (claim != sentence or kind == "neighbours_only"):
                    yield Pair(claim, without if kind == "neighbours_only" else passage, False, kind, key)


def describe() -> str:
    """What the pairs were made from, for the weights file."""
    return (
        f"evals/judge_pairs.py: corpus/*.txt, news-dev {NEWS_DEV_TUNE[0]}..{NEWS_DEV_TUNE[-1]} "
        f"(not {NEWS_DEV_CLAIMS.name}'s held-out stories), testsupport.corpus_gen articles 0..{GENERATED_ARTICLES - 1}"
    )
