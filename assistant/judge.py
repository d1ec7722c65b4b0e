"""The offline judge: does the union of some passages support a claim? No network, no NLI model.

No entailment model installs from the registries here, so the judge measures what a careful reader
checks: every number and name in the claim occurs in the passages (in any case, as an acronym, or
as the adjective of a place: "Belgian" for "Belgium"), a negation does not flip, a certain claim does
not rest on a hedged passage, no word turns into its opposite ("concerned", "unconcerned"), "all" or
"every" is not claimed where the passages never say it, the claim's words are covered, it does not read
like the passage with two names exchanged or with doer and undergoer reversed (who did what to whom),
and it is close in meaning (packaged MiniLM) to its best-aligned passage sentences. A logistic model
weighs these features. Its weights and threshold are data, `assistant/data/judge.json`, written by
`python -m evals.tune_judge` with the labelled sets they were fitted on; every word list here is
general English, none was picked from an article.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict

from assistant.chunking import sentence_spans
from assistant.embeddings import TextVectors
from assistant.judge_encoder import ClaimEncoder, focus, load_encoder
from assistant.judge_features import (
    CERTAINTIES,
    HEDGES,
    UNIVERSALS,
    denied,
    f1,
    missing_names,
    names,
    names_in,
    opposites,
    quantifiers,
    read,
)
from assistant.judge_figures import figures, other_ordinal
from assistant.judge_roles import swap_gain, voice
from assistant.text import NEGATIONS, strip_markers

__all__ = ["Evidence", "JudgeModel", "JudgeVerdict", "OfflineJudge", "load_model", "missing_names", "names", "names_in"]
__all__ += ["read"]

WEIGHTS_PATH = Path(__file__).parent / "data" / "judge.json"


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
    voice_reversal: bool
    novel_words: list[str]
    missing_numbers: list[str]
    other_ordinals: list[str]
    missing_names: list[str]
    negation_mismatch: bool
    opposites: list[str]
    denied: list[str]
    certainty_mismatch: bool
    added_quantifiers: list[str]
    claim_words: int
    evidence_sentences: int
    best_sentence: str
    entailment: float | None = None  # the cross-encoder's P(supported), when the model weighs it

    def ruled_out(self) -> bool:
        """A number or name the passages lack, an ordinal changed, a word turned into its opposite or denied,
        who did what to whom the other way round, a negation added to (or taken from) or a hedge dropped from a
        sentence that holds every other word of the claim, or "all", "every" or "always" the passages never say:
        the claim is not supported, whatever the model says."""
        flipped = self.negation_mismatch and self.aligned_coverage >= 1.0
        overstated = bool(UNIVERSALS.intersection(self.added_quantifiers))
        unhedged = self.certainty_mismatch and self.aligned_coverage >= 1.0
        return bool(
            self.missing_numbers
            or self.other_ordinals
            or self.missing_names
            or self.opposites
            or self.denied
            or self.voice_reversal
            or flipped
            or overstated
            or unhedged
        )

    def features(self) -> dict[str, float]:
        encoder = {} if self.entailment is None else {"entailment": self.entailment}
        return encoder | {
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


class OfflineJudge:
    """Judges claims against passages in a few milliseconds once their sentences are embedded.

    Sentence vectors are cached, so judging every sentence of an answer against the same cited
    passages embeds each passage sentence once; pass the retriever's `text_vectors` to share its cache.
    The cross-encoder (`judge_encoder.py`) runs only when the fitted model weighs its score, or when
    one is passed in (to fit such a model).
    """

    def __init__(
        self, embeddings: Embeddings, vectors: TextVectors | None = None, encoder: ClaimEncoder | None = None
    ) -> None:
        self._vectors = vectors or TextVectors(embeddings)
        self._encoder = encoder
        self._entailment: dict[tuple[str, str], float] = {}

    @property
    def encoder(self) -> ClaimEncoder | None:
        if self._encoder is None and "entailment" in load_model().features:
            self._encoder = load_encoder()
        return self._encoder

    def judge(self, claim: str, passages: list[str]) -> JudgeVerdict:
        claim = strip_markers(claim)
        passages = [p for p in passages if p.strip()]
        if not claim:
            return JudgeVerdict(supported=True, score=1.0, reasons=["nothing to check: the claim is empty"])
        if not passages:
            return JudgeVerdict(supported=False, score=0.0, reasons=["no passage to check the claim against"])
        return self.verdict(self.evidence(claim, passages))

    def verdict(self, evidence: Evidence) -> JudgeVerdict:
        """The verdict on measured evidence, for callers that read the measures too (`verify.py`, the premise
        check): measuring a claim twice would embed and read its sentences twice."""
        model = load_model()
        # What `ruled_out` finds (an invented name, roles reversed...) is never supported, however close the rest.
        score = 0.0 if evidence.ruled_out() else model.score(evidence.features())
        return JudgeVerdict(supported=score >= model.threshold, score=round(score, 4), reasons=explain(evidence))

    def prefetch(self, pairs: list[tuple[str, list[str]]]) -> None:
        """Embed (and cross-encode) what judging these (claim, passages) pairs needs in batches: much faster
        than pair by pair."""
        texts = []
        for claim, passages in pairs:
            sentences = self._sentences(passages)
            texts += [strip_markers(claim), *sentences, *self._pairs(sentences)]
        self._embed(texts)
        if self.encoder is not None:
            wanted = [(strip_markers(c), self.focused(c, p)) for c, p in pairs if p]
            self._cross_encode(list(dict.fromkeys(w for w in wanted if w not in self._entailment)))

    def focused(self, claim: str, passages: list[str], keep: int = 1) -> str:
        """The passage sentences the cross-encoder (or a model) reads for this claim: the `keep` closest and
        the one sharing most of its words (see `judge_encoder.focus`)."""
        claim = strip_markers(claim)
        sentences = self._sentences(passages)
        vectors = self._embed([claim, *sentences])
        sims = vectors[1:] @ vectors[0]
        wanted = set(read(claim).stems)
        overlaps = [len(wanted & set(read(s).stems)) for s in sentences]
        return focus(sentences, sims, max(range(len(sentences)), key=lambda i: (overlaps[i], sims[i])), keep)

    def _cross_encode(self, pairs: list[tuple[str, str]]) -> None:
        if len(self._entailment) > 100_000:
            self._entailment.clear()
        if pairs and self.encoder is not None:
            self._entailment |= dict(zip(pairs, self.encoder.scores(pairs).tolist(), strict=True))

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
        closest = max(range(len(readings)), key=lambda i: (overlaps[i], sims[i]))
        aligned = readings[closest]
        near = aligned.words  # negation and hedges are read in the sentence that shares most words
        roles = voice(claim, said, aligned)
        return Evidence(
            similarity=float(sims[best]),
            pair_similarity=pair_sim,
            coverage=len(wanted & known) / len(wanted) if wanted else 1.0,
            aligned_coverage=max(overlaps) / len(wanted) if wanted else 1.0,
            overlap_f1=max(f1(wanted, set(r.stems)) for r in readings),
            swap_gain=0.0 if roles.rephrased else swap_gain(claim, said, aligned),
            voice_reversal=roles.reversed,
            novel_words=sorted(wanted - known),
            missing_numbers=sorted(figures(claim) - figures(" ".join(passages))),
            other_ordinals=other_ordinal(claim, sentences[closest], " ".join(passages)),
            missing_names=missing_names(claim, union),
            negation_mismatch=bool(said.words & NEGATIONS) != bool(near & NEGATIONS),
            opposites=opposites(said, aligned),
            denied=denied(said, aligned),
            certainty_mismatch=bool(said.words & CERTAINTIES - near) and bool(near & HEDGES - said.words),
            added_quantifiers=sorted(quantifiers(said) - quantifiers(union)),
            claim_words=len(wanted),
            evidence_sentences=len(sentences),
            best_sentence=sentences[best],
            entailment=self._entailed(claim, passages),
        )

    def _entailed(self, claim: str, passages: list[str]) -> float | None:
        if self.encoder is None:
            return None
        key = (claim, self.focused(claim, passages))
        if key not in self._entailment:
            self._cross_encode([key])
        return self._entailment[key]

    @staticmethod
    def _sentences(passages: list[str]) -> list[str]:
        return [p[s:e] for p in passages for s, e in sentence_spans(p)] or passages

    @staticmethod
    def _pairs(sentences: list[str]) -> list[str]:
        return [f"{a} {b}" for a, b in itertools.pairwise(sentences)]

    def _embed(self, texts: list[str]) -> np.ndarray:
        matrix = np.vstack(self._vectors(texts))
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


def explain(evidence: Evidence) -> list[str]:
    """Why the claim is or is not supported, in the order a reader checks: specifics first."""
    found: list[tuple[bool | list[str], str]] = [
        (evidence.missing_numbers, "numbers not in the passages: {}"),
        (evidence.other_ordinals, "an ordinal where the passage has another: {}"),
        (evidence.missing_names, "names not in the passages: {}"),
        (evidence.negation_mismatch, "negation differs from the closest passage sentence"),
        (evidence.opposites, "a word and its opposite: {}"),
        (evidence.denied, "stated by one, denied by the other: {}"),
        (evidence.certainty_mismatch, "states as certain what the passage only hedges"),
        (evidence.added_quantifiers, "quantifiers not in the passages: {}"),
        (evidence.swap_gain > 0, "reads like the passage with two names or numbers exchanged (who did what to whom?)"),
        (evidence.voice_reversal, "gives who did what to whom the other way round from the passage"),
        (evidence.novel_words[:8], "words not in the passages: {}"),
    ]
    reasons = [text.format(", ".join(value)) if isinstance(value, list) else text for value, text in found if value]
    reasons.append(f"closest passage sentence (similarity {evidence.similarity:.2f}): {evidence.best_sentence[:160]}")
    return reasons
