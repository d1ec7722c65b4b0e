"""The refusal model in `assistant/data/answering.json` is the fit of the tuning questions as the code reads
them today: a change to how words, questions or sentences are read moves the features, and weights fitted
before it refuse on a model of other features (they did once: refitting took the tuning questions'
unanswerable refusals from 0.35 to 0.60 with nothing else changed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.refusal import load_params
from evals.suites import NEWS_DEV_CORPUS, suites
from evals.tune_answering import collect, fit_refusal


@pytest.mark.slow
@pytest.mark.skipif(not NEWS_DEV_CORPUS.is_dir(), reason="the fit reads ../shared/corpora/news-dev")
def test_the_refusal_model_is_refitted_after_the_features_change(tmp_path: Path) -> None:
    weights, bias, threshold = fit_refusal(collect(suites(tmp_path)))
    saved = load_params()
    assert np.allclose(weights, saved.weights, atol=0.05), ("rerun python -m evals.tune_answering", weights)
    assert abs(bias - saved.bias) < 0.05 and abs(threshold - saved.threshold) < 0.02, (bias, threshold)
