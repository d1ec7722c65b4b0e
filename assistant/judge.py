"""The offline judge: does the union of some passages support a claim? No network, no NLI model.

No entailment model installs from the registries here, so the judge measures what a careful reader
checks: every number and name in the claim occurs in the passages (in any case, as an acronym, or
as the adjective of a place: "Belgian" for "Belgium"), a negation does not flip, a certain claim does
not rest on a hedged passage, the claim's words are covered, it does not read like the passage with two
names exchanged (who did what to whom), and it is close in meaning (packaged MiniLM) to its best-aligned
passage sentences. A logistic model weighs these features. Its weights and threshold are data,
`assistant/data/judge.json`, written by `python -m evals.tune_judge` with the labelled sets they
were fitted on; every word list here is general English, none was picked from an article.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict

from assistant.chunking import sentence_spans
from assistant.embeddings import TextVectors
from assistant.text import NEGATIONS, NUMBER, NUMBER_WORDS, STOPWORDS, WORD, numbers, stem, strip_markers, words

WEIGHTS_PATH = Path(__file__).parent / "data" / "judge.json"
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
# Adjective and demonym endings, so that "Belgian" finds "Belgium" and "Chinese" finds "China".
NAME_ENDING = re.compile(r"(?:ians?|ans?|ain|ese|ish|ium|ia|i|a|e|y|o|s)$")
YEAR_RANGE = re.compile(r"\b(\d\d)\d\d\s*[-–]\s*(\d\d)\b")


class JudgeModel(BaseModel):
    """The fitted logistic model over named features, with the labelled sets it was fitted on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fitted_on: list[str]
    note: str = ""
    features: list[str]
    weights: list[float]
    bias: float
    threshold: float

    def score(self, features: dict[str, float]) -> float:
        z = float(np.dot(self.weights, [features[name] for name in self.features])) + self.bias
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS_PATH) -> JudgeModel:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no judge weights; write them with `python -m evals.tune_judge`")
    return JudgeModel.model_validate(json.loads(path.read_text(encoding="utf-8")))


class JudgeVerdict(BaseModel):
    """`supported` is `score >= threshold`; `reasons` says what weighed, for reports and the UI."""

    supported: bool
    score: float
    reasons: list[str]


@dataclass
class Evidence:
    """What the judge measured for one claim; `features()` is the model's input."""

    similarity: float
    pair_similarity: float
    coverage: float
    aligned_coverage: float
    overlap_f1: float
    swap_gain: float
    novel_words: list[str]
    missing_numbers: list[str]
    missing_names: list[str]
    negation_mismatch: bool
    certainty_mismatch: bool
    added_quantifiers: list[str]
    claim_words: int
    evidence_sentences: int
    best_sentence: str

    def invents(self) -> bool:
        """A number or name the passages lack: the claim is not supported, whatever the model says."""
        return bool(self.missing_numbers or self.missing_names)

    def features(self) -> dict[str, float]:
        return {
            "similarity": self.similarity,
            "pair_similarity": self.pair_similarity,
            "coverage": self.coverage,
            "aligned_coverage": self.aligned_coverage,
            "overlap_f1": self.overlap_f1,
            "swap_gain": self.swap_gain,
            "novel_words": min(len(self.novel_words), 5),
            "negation_mismatch": float(self.negation_mismatch),
            "certainty_mismatch": float(self.certainty_mismatch),
            "added_quantifiers": min(len(self.added_quantifiers), 2),
            # Long claims and long evidence shift the other measures: more to cover, more sentences to match.
            "claim_length": min(self.claim_words, 20) / 10,
            "evidence_size": math.log(self.evidence_sentences),
        }


@dataclass(frozen=True)
class Reading:
    """A text as the judge reads it: its words, its content stems in order, and the keys of its names."""

    words: frozenset[str]
    stems: tuple[str, ...]
    name_keys: frozenset[str]
    keys: tuple[str, ...]  # every word's name key in order, number words as digits


@lru_cache(maxsize=50_000)
def read(text: str) -> Reading:
    """Cached: the verifier judges every sentence of an answer against the same passage sentences."""
    found = words(unicodedata.normalize("NFKC", text))
    parts = [part for word in found for part in word.split("-") if part]
    stems = tuple(stem(w) for w in parts if w not in FUNCTION_WORDS and not NUMBER.fullmatch(w))
    runs = name_runs(unicodedata.normalize("NFKC", text))
    keys = {name_key(w) for w in {*found, *parts}} | {a for run in runs for a in acronyms(run)}
    in_order = tuple(NUMBER_WORDS.get(w, name_key(w)) for w in parts)
    return Reading(frozenset({*found, *parts}), stems, frozenset(keys), in_order)


def name_key(word: str) -> str:
    """A name as compared: lower case, no dots, accents or adjective ending ("U.S." -> "us", "Belgian" -> "belg")."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", word.replace(".", "")) if not unicodedata.combining(c))
    root = NAME_ENDING.sub("", bare)
    return root if len(root) >= 4 else bare


def name_runs(text: str) -> list[tuple[str, ...]]:
    """Runs of capitalised words and acronyms that are not function words ("St Mirren", "UN"), lower-cased;
    punctuation or a possessive ends a run."""
    runs: list[list[str]] = [[]]
    end = 0
    for token in WORD.finditer(text):
        found = [w for part in token.group().split("-") for w in name_words(part)]
        joined = text[end : token.start()].isspace() and not text[:end].endswith(("'s", "’s"))
        if runs[-1] and not (found and joined):
            runs.append([])
        runs[-1] += found
        end = token.end()
    return [tuple(run) for run in runs if run]


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
    and so are single initials ("K." in "Christopher K. Tong"), which a text may leave out."""
    missing: set[str] = set()
    for run in name_runs(unicodedata.normalize("NFKC", claim)):
        found = {i for initials, span in acronyms(run).items() if initials in passages.name_keys for i in span}
        missing |= {w for i, w in enumerate(run) if i not in found and name_key(w) not in passages.name_keys}
    return sorted(w for w in missing if len(w) > 1)


def figures(text: str) -> set[str]:
    """`numbers` of the words and of their hyphenated parts ("first-team"), with a short year range read in
    full ("2018–19" also gives "2019")."""
    return numbers(text) | numbers(text.replace("-", " ")) | {a + b for a, b in YEAR_RANGE.findall(text)}


def swap_gain(claim: str, said: Reading, sentence: Reading) -> float:
    """Share of the claim's word pairs missing from the sentence that it gains when two of the claim's names
    or numbers trade places in it: "Alloa are eighth, clear of St Mirren" against "St Mirren are eighth,
    clear of Alloa" gains them all, a paraphrase none. Who did what to whom, the other way round."""
    runs = [tuple(name_key(w) for w in run) for run in name_runs(unicodedata.normalize("NFKC", claim))]
    runs += [(k,) for k in said.keys if k.isdigit()]
    text = f" {' '.join(sentence.keys)} "
    found = [f" {' '.join(run)} " for run in dict.fromkeys(runs) if f" {' '.join(run)} " in text]
    wanted = set(itertools.pairwise(said.keys))
    before = len(wanted & set(itertools.pairwise(sentence.keys)))
    gain = 0
    for a, b in itertools.combinations(found, 2):
        swapped = text.replace(a, " \x00 ").replace(b, a).replace(" \x00 ", b).split()
        gain = max(gain, len(wanted & set(itertools.pairwise(swapped))) - before)
    return gain / max(len(wanted) - before, 1)


class OfflineJudge:
    """Judges claims against passages in a few milliseconds once their sentences are embedded.

    Sentence vectors are cached, so judging every sentence of an answer against the same cited
    passages embeds each passage sentence once; pass the retriever's `text_vectors` to share its cache.
    """

    def __init__(self, embeddings: Embeddings, vectors: TextVectors | None = None) -> None:
        self._vectors = vectors or TextVectors(embeddings)

    def judge(self, claim: str, passages: list[str]) -> JudgeVerdict:
        claim = strip_markers(claim)
        passages = [p for p in passages if p.strip()]
        if not claim:
            return JudgeVerdict(supported=True, score=1.0, reasons=["nothing to check: the claim is empty"])
        if not passages:
            return JudgeVerdict(supported=False, score=0.0, reasons=["no passage to check the claim against"])
        evidence = self.evidence(claim, passages)
        model = load_model()
        # An invented number or name is never supported, however close the rest (as in `verify.py`).
        score = 0.0 if evidence.invents() else model.score(evidence.features())
        return JudgeVerdict(supported=score >= model.threshold, score=round(score, 4), reasons=explain(evidence))

    def prefetch(self, pairs: list[tuple[str, list[str]]]) -> None:
        """Embed what judging these (claim, passages) pairs needs in one batch: much faster than pair by pair."""
        texts = []
        for claim, passages in pairs:
            sentences = self._sentences(passages)
            texts += [strip_markers(claim), *sentences, *self._pairs(sentences)]
        self._embed(texts)

    def evidence(self, claim: str, passages: list[str]) -> Evidence:
        """Measure the claim against the passages' sentences (and adjacent pairs, for claims spanning two)."""
        claim = strip_markers(claim)
        sentences = self._sentences(passages)
        pairs = self._pairs(sentences)
        vectors = self._embed([claim, *sentences, *pairs])
        sims = vectors[1 : 1 + len(sentences)] @ vectors[0]
        best = int(np.argmax(sims))
        pair_sim = float(np.max(vectors[1 + len(sentences) :] @ vectors[0])) if pairs else float(sims[best])
        said, union = read(claim), read(" ".join(passages))
        readings = [read(s) for s in sentences]
        wanted, known = set(said.stems), set(union.stems)
        overlaps = [len(wanted & set(r.stems)) for r in readings]
        aligned = readings[max(range(len(readings)), key=lambda i: (overlaps[i], sims[i]))]
        near = aligned.words  # negation and hedges are read in the sentence that shares most words
        return Evidence(
            similarity=float(sims[best]),
            pair_similarity=pair_sim,
            coverage=len(wanted & known) / len(wanted) if wanted else 1.0,
            aligned_coverage=max(overlaps) / len(wanted) if wanted else 1.0,
            overlap_f1=max(f1(wanted, set(r.stems)) for r in readings),
            swap_gain=swap_gain(claim, said, aligned),
            novel_words=sorted(wanted - known),
            missing_numbers=sorted(figures(claim) - figures(" ".join(passages))),
            missing_names=missing_names(claim, union),
            negation_mismatch=bool(said.words & NEGATIONS) != bool(near & NEGATIONS),
            certainty_mismatch=bool(said.words & CERTAINTIES - near) and bool(near & HEDGES - said.words),
            added_quantifiers=sorted(said.words & QUANTIFIERS - union.words),
            claim_words=len(wanted),
            evidence_sentences=len(sentences),
            best_sentence=sentences[best],
        )

    @staticmethod
    def _sentences(passages: list[str]) -> list[str]:
        return [p[s:e] for p in passages for s, e in sentence_spans(p)] or passages

    @staticmethod
    def _pairs(sentences: list[str]) -> list[str]:
        return [f"{a} {b}" for a, b in itertools.pairwise(sentences)]

    def _embed(self, texts: list[str]) -> np.ndarray:
        matrix = np.vstack(self._vectors(texts))
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


def f1(wanted: set[str], found: set[str]) -> float:
    shared = len(wanted & found)
    return 2 * shared / (len(wanted) + len(found)) if shared else 0.0


def explain(evidence: Evidence) -> list[str]:
    reasons = []
    if evidence.missing_numbers:
        reasons.append(f"numbers not in the passages: {', '.join(evidence.missing_numbers)}")
    if evidence.missing_names:
        reasons.append(f"names not in the passages: {', '.join(evidence.missing_names)}")
    if evidence.negation_mismatch:
        reasons.append("negation differs from the closest passage sentence")
    if evidence.certainty_mismatch:
        reasons.append("states as certain what the passage only hedges")
    if evidence.added_quantifiers:
        reasons.append(f"quantifiers not in the passages: {', '.join(evidence.added_quantifiers)}")
    if evidence.swap_gain > 0:
        reasons.append("reads like the passage with two names or numbers exchanged (who did what to whom?)")
    if evidence.novel_words:
        reasons.append(f"words not in the passages: {', '.join(evidence.novel_words[:8])}")
    reasons.append(f"closest passage sentence (similarity {evidence.similarity:.2f}): {evidence.best_sentence[:160]}")
    return reasons
