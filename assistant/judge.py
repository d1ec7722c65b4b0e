"""The offline judge: does the union of some passages support a claim? No network, no NLI model.

No entailment model installs from the registries here, so the judge combines checks a careful
reader makes: every number and name in the claim must occur in the passages, a negation must not
flip, the claim's words must be covered, a certain claim must not rest on a hedged passage, and
the claim must be close in meaning (packaged MiniLM) to its best-aligned passage sentences. A
logistic model weighs these features; its weights were fitted on the dev split of
`evals/datasets/claims.jsonl` (`python -m evals.tune_judge`), never on the held-out split.
Balanced accuracy: dev 0.83, held-out 0.79; it misses related-but-unsupported claims most.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from assistant.chunking import sentence_spans
from assistant.embeddings import TextVectors

CITATION_MARK = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NAME = re.compile(r"\b(?:[A-Z][a-z'’]+|[A-Z](?:\.?[A-Z])+\.?)")
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "hundred": "100", "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
}  # fmt: skip
NEGATIONS = {"not", "no", "never", "none", "nor", "neither", "without", "nobody", "nothing", "cannot"}
HEDGES = {
    "may", "might", "could", "likely", "potential", "potentially", "possible", "possibly", "suggest", "suggests",
    "reportedly", "allegedly", "anticipated", "expected", "perhaps", "signal", "inching", "whether", "if",
}  # fmt: skip
ABSOLUTES = {
    "always", "every", "all", "certainly", "definitely", "entirely", "completely", "only", "never", "formally",
    "officially", "will", "must", "has", "have",
}  # fmt: skip
# Words that set how much or how often: a claim that adds one the passage lacks usually overstates it.
QUANTIFIERS = {
    "all", "every", "each", "any", "always", "never", "none", "most", "majority", "half", "little", "few", "many",
    "several", "more", "less", "fewer", "only", "entirely", "completely", "times", "permanent", "permanently",
}  # fmt: skip
# Names that the articles write in another form: compared through one canonical spelling.
ALIASES = {
    "us": "united states", "u.s": "united states", "usa": "united states", "america": "united states",
    "american": "united states", "americans": "united states", "washington": "united states",
    "chinese": "china", "beijing": "china", "russian": "russia", "russians": "russia", "moscow": "russia",
    "kremlin": "russia", "mongolian": "mongolia", "mongolians": "mongolia", "ulaanbaatar": "mongolia",
    "ukrainian": "ukraine", "uk": "united kingdom", "britain": "united kingdom", "british": "united kingdom",
    "soviet": "soviet union", "ussr": "soviet union",
}  # fmt: skip
# Capitalised words that are not names: sentence openers and the like.
NOT_NAMES = {word.capitalize() for word in STOPWORDS_EN} | {
    "According", "Although", "However", "Despite", "While", "Since", "Because", "After", "Before", "During",
    "Both", "Its", "Their", "Recent", "Recently", "Signs", "Wedged", "Amid",
}  # fmt: skip
STOPWORDS = set(STOPWORDS_EN)
FEATURES = (
    "similarity", "pair_similarity", "coverage", "aligned_coverage", "novel_words", "missing_numbers",
    "missing_names", "negation_mismatch", "certainty_mismatch", "added_quantifiers",
)  # fmt: skip
# Logistic weights over FEATURES, fitted on the dev split (`python -m evals.tune_judge`).
WEIGHTS = np.array([1.315, 1.421, 1.454, 0.707, 0.441, -1.864, -1.655, -0.960, -0.684, -1.047])
BIAS = -3.849
THRESHOLD = 0.5


class JudgeVerdict(BaseModel):
    """`supported` is `score >= threshold`; `reasons` says what weighed, for reports and the UI."""

    supported: bool
    score: float
    reasons: list[str]


@dataclass
class Evidence:
    """What the judge measured for one claim; `vector()` is the model's input."""

    similarity: float
    pair_similarity: float
    coverage: float
    aligned_coverage: float
    novel_words: list[str]
    missing_numbers: list[str]
    missing_names: list[str]
    negation_mismatch: bool
    certainty_mismatch: bool
    added_quantifiers: list[str]
    best_sentence: str

    def vector(self) -> np.ndarray:
        return np.array(
            [
                self.similarity,
                self.pair_similarity,
                self.coverage,
                self.aligned_coverage,
                min(len(self.novel_words), 5),
                min(len(self.missing_numbers), 2),
                min(len(self.missing_names), 2),
                float(self.negation_mismatch),
                float(self.certainty_mismatch),
                min(len(self.added_quantifiers), 2),
            ]
        )


class OfflineJudge:
    """Judges claims against passages in a few milliseconds once their sentences are embedded.

    Sentence vectors are cached, so judging every sentence of an answer against the same cited
    passages embeds each passage sentence once; pass the retriever's `text_vectors` to share its cache.
    """

    def __init__(self, embeddings: Embeddings, vectors: TextVectors | None = None) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._vectors = vectors or TextVectors(embeddings)

    def judge(self, claim: str, passages: list[str]) -> JudgeVerdict:
        claim = CITATION_MARK.sub("", claim).strip()
        passages = [p for p in passages if p.strip()]
        if not claim:
            return JudgeVerdict(supported=True, score=1.0, reasons=["nothing to check: the claim is empty"])
        if not passages:
            return JudgeVerdict(supported=False, score=0.0, reasons=["no passage to check the claim against"])
        evidence = self.evidence(claim, passages)
        score = 1.0 / (1.0 + math.exp(-(float(WEIGHTS @ evidence.vector()) + BIAS)))
        return JudgeVerdict(supported=score >= THRESHOLD, score=round(score, 4), reasons=explain(evidence))

    def prefetch(self, pairs: list[tuple[str, list[str]]]) -> None:
        """Embed what judging these (claim, passages) pairs needs in one batch: much faster than pair by pair."""
        texts = []
        for claim, passages in pairs:
            sentences = self._sentences(passages)
            texts += [CITATION_MARK.sub("", claim).strip(), *sentences, *self._pairs(sentences)]
        self._embed(texts)

    def evidence(self, claim: str, passages: list[str]) -> Evidence:
        """Measure the claim against the passages' sentences (and adjacent pairs, for claims spanning two)."""
        claim = CITATION_MARK.sub("", claim).strip()
        sentences = self._sentences(passages)
        pairs = self._pairs(sentences)
        vectors = self._embed([claim, *sentences, *pairs])
        claim_vector, split = vectors[0], 1 + len(sentences)
        sentence_vectors, pair_vectors = vectors[1:split], vectors[split:]
        sims = sentence_vectors @ claim_vector
        best = int(np.argmax(sims))
        pair_sim = float(np.max(pair_vectors @ claim_vector)) if len(pairs) else float(sims[best])
        union = " ".join(passages)
        claim_stems, union_stems = self._stems(claim), self._stems(union)
        novel = sorted(claim_stems - union_stems)
        best_stems = self._stems(sentences[best])
        best_words = self._words(sentences[best])
        claim_words = self._words(claim)
        return Evidence(
            similarity=float(sims[best]),
            pair_similarity=pair_sim,
            coverage=1 - len(novel) / len(claim_stems) if claim_stems else 1.0,
            aligned_coverage=len(claim_stems & best_stems) / len(claim_stems) if claim_stems else 1.0,
            novel_words=novel,
            missing_numbers=sorted(numbers(claim) - numbers(union)),
            missing_names=sorted(names(claim) - names_in(union)),
            negation_mismatch=bool(claim_words & NEGATIONS) != bool(best_words & NEGATIONS),
            certainty_mismatch=bool(claim_words & ABSOLUTES - best_words) and bool(best_words & HEDGES - claim_words),
            added_quantifiers=sorted(claim_words & QUANTIFIERS - self._words(union)),
            best_sentence=sentences[best],
        )

    @staticmethod
    def _sentences(passages: list[str]) -> list[str]:
        return [p[s:e] for p in passages for s, e in sentence_spans(p)] or passages

    @staticmethod
    def _pairs(sentences: list[str]) -> list[str]:
        return [f"{a} {b}" for a, b in itertools.pairwise(sentences)]

    def _words(self, text: str) -> set[str]:
        words = {w.lower().replace("’", "'") for w in WORD.findall(text)}
        return words | {"not" for w in words if w.endswith("n't")}

    def _stems(self, text: str) -> set[str]:
        words = [w for w in self._words(text) if w not in STOPWORDS and not NUMBER.fullmatch(w)]
        return set(self._stemmer.stemWords([w.removesuffix("'s") for w in words]))

    def _embed(self, texts: list[str]) -> np.ndarray:
        matrix = np.vstack(self._vectors(texts))
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


def numbers(text: str) -> set[str]:
    """Digits (thousands separators dropped) and number words, as digit strings: '90 %' and 'ninety' alike."""
    found = {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}
    found |= {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS}
    return found


def names(text: str) -> set[str]:
    """Capitalised words and acronyms that are not sentence openers, in canonical form."""
    phrases = alias_phrases(text)
    parts = {part for phrase in phrases for part in phrase.split()}
    return {canonical(n) for n in NAME.findall(text) if n not in NOT_NAMES and n.lower() not in parts} | phrases


def names_in(text: str) -> set[str]:
    """Every word of a passage in canonical form, so a name counts as present in any capitalisation."""
    return {canonical(w) for w in WORD.findall(text)} | {canonical(n) for n in NAME.findall(text)} | alias_phrases(text)


def alias_phrases(text: str) -> set[str]:
    lowered = text.lower()
    return {phrase for phrase in set(ALIASES.values()) if " " in phrase and phrase in lowered}


def canonical(word: str) -> str:
    word = word.lower().replace("’", "'").removesuffix("'s").rstrip(".")
    return ALIASES.get(word, ALIASES.get(word.replace(".", ""), word))


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
    if evidence.novel_words:
        reasons.append(f"words not in the passages: {', '.join(evidence.novel_words[:8])}")
    reasons.append(f"closest passage sentence (similarity {evidence.similarity:.2f}): {evidence.best_sentence[:160]}")
    return reasons
