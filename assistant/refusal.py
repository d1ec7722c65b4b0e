"""Refuse on evidence, not on vocabulary: does the evidence hold what the question asks for?

A small logistic model reads a few measurements of the question against its best evidence (how
relevant the best sentence is, how much of the question's own words it covers, whether the
evidence states the kind of thing asked for, and how relevant the best sentence that does state
it is) and gives P(answerable). Its weights, its threshold and the ranking weights of `evidence.py` are
fitted numbers: `python -m evals.tune_answering` writes them to `assistant/data/answering.json`
with the question sets they were fitted on named beside them.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

PARAMS_PATH = Path(__file__).parent / "data" / "answering.json"
# Chosen by 5-fold cross-validation on the tuning questions among the measurements `ExtractiveAnswerer`
# makes (word coverage weighted by rarity, unknown words and others did not add to these).
FEATURES = ("relevance", "coverage_top", "kind_evidence", "answer_relevance")


class AnsweringParams(BaseModel):
    """Everything fitted about answering and refusing, and what it was fitted on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fitted_on: list[str]
    note: str = ""
    semantic_weight: float
    context_weight: float
    missing_kind_penalty: float
    follow_up_weight: float
    already_said_penalty: float
    evidence_margin: float
    duplicate_similarity: float
    features: list[str]
    weights: list[float]
    bias: float
    threshold: float
    premise_threshold: float
    premise_relevance: float

    def p_answerable(self, features: dict[str, float]) -> float:
        if self.features != list(FEATURES):
            raise ValueError(f"{PARAMS_PATH} was fitted on other features; run `python -m evals.tune_answering`")
        z = float(np.dot(self.weights, [features[name] for name in FEATURES])) + self.bias
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=4)
def load_params(path: Path = PARAMS_PATH) -> AnsweringParams:
    return AnsweringParams.model_validate(json.loads(path.read_text(encoding="utf-8")))
