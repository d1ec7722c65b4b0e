"""Fit the refusal model and the premise check on the `tune` questions of all three corpora, and
write them, with what they were fitted on, to `assistant/data/answering.json`.

    python -m evals.tune_answering [--workdir DIR]

What is fitted: the logistic weights over `assistant.refusal.FEATURES` (answerable vs not); the
refusal threshold, the highest that wrongly refuses at most `MAX_WRONG_REFUSALS` of the answerable
tuning questions; the premise check, the judge score below which and the relevance of the
premise's best sentence above which a premise is corrected, chosen to best separate false-premise
questions from other questions that take something for granted. The ranking weights
below are set by hand (carried over from the earlier design), not fitted: they are written to the
file too, so the library holds no number of its own. Held-out questions are never read here.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.answer.extractive import is_correction
from assistant.refusal import FEATURES, PARAMS_PATH, load_params
from evals.dataset import load_questions
from evals.runner import indexed_assistant
from evals.suites import Suite, suites

RANKING = {
    "semantic_weight": 0.8,
    "context_weight": 0.5,
    "missing_kind_penalty": 0.2,
    "follow_up_weight": 0.5,
    "already_said_penalty": 0.15,
    "evidence_margin": 0.2,
    "duplicate_similarity": 0.85,
}
MAX_WRONG_REFUSALS = 0.05


def collect(found: list[Suite]) -> list[tuple[str, str, bool, dict[str, float]]]:
    """(suite, category, answerable, features) for every tuning question, answered by `extractive`."""
    rows: list[tuple[str, str, bool, dict[str, float]]] = []
    for suite in found:
        questions = [q for q in load_questions(suite.dataset) if q.split == "tune"]
        with indexed_assistant(suite.corpus) as bot:
            for question in questions:
                answer = bot.ask(question.question, question.history, model="extractive")
                rows.append((suite.name, question.category, question.answerable, answer.thoughts.features))
        print(f"{suite.name}: {len(questions)} tuning questions")
    return rows


def fit_refusal(rows: list[tuple[str, str, bool, dict[str, float]]]) -> tuple[list[float], float, float]:
    x = np.array([[features[name] for name in FEATURES] for *_, features in rows])
    y = np.array([answerable for _, _, answerable, _ in rows])
    model = LogisticRegression(class_weight="balanced", C=1.0, max_iter=1000).fit(x, y)
    p = model.predict_proba(x)[:, 1]
    answerable_p = np.sort(p[y])
    allowed = int(MAX_WRONG_REFUSALS * len(answerable_p))
    threshold = float(answerable_p[allowed]) - 1e-6 if len(answerable_p) else 0.5
    refused = p < threshold
    print(
        f"refusal model on tuning questions: unanswerable refused {refused[~y].mean():.2f} ({(~y).sum()}), "
        f"answerable refused {refused[y].mean():.2f} ({y.sum()})"
    )
    return [round(float(w), 4) for w in model.coef_[0]], round(float(model.intercept_[0]), 4), round(threshold, 4)


def fit_premise(rows: list[tuple[str, str, bool, dict[str, float]]]) -> tuple[float, float]:
    """The support threshold below which, and the relevance above which, a question's premise is
    corrected: the pair that best separates false-premise questions from every other question that
    takes something for granted (balanced accuracy), answerable or not."""
    with_premise = [
        (c == "false_premise", f["premise_support"], f["premise_relevance"])
        for _, c, _, f in rows
        if f["premise_relevance"] > 0
    ]
    if not with_premise:
        return 0.0, 0.0
    best, best_score = (0.0, 0.0), -1.0
    supports = sorted({round(s + 1e-4, 4) for _, s, _ in with_premise} | {0.0})
    relevances = sorted({round(r - 1e-4, 4) for *_, r in with_premise})
    for threshold in supports:
        for relevance in relevances:
            flagged = [(false, is_correction(s, r, threshold, relevance)) for false, s, r in with_premise]
            positives = [f for false, f in flagged if false]
            negatives = [not f for false, f in flagged if not false]
            score = float(np.mean(positives) if positives else 0.0) + float(np.mean(negatives) if negatives else 0.0)
            if score > best_score:
                best, best_score = (threshold, relevance), score
    print(
        f"premise check on {len(with_premise)} tuning questions with a premise: balanced accuracy {best_score / 2:.2f}"
    )
    return best


def write(params: dict[str, object], path: Path = PARAMS_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(params, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="where the generated corpus is written (default: a temp dir)")
    parser.add_argument("--rows", type=Path, help="also write the measured features here, one JSON row per question")
    parser.add_argument("--from-rows", type=Path, help="refit from features written by an earlier --rows")
    args = parser.parse_args()
    if args.from_rows:
        saved = json.loads(args.from_rows.with_suffix(".fitted_on.json").read_text(encoding="utf-8"))
        rows = [tuple(json.loads(line)) for line in args.from_rows.read_text(encoding="utf-8").splitlines()]
        fit_and_write(rows, saved)
        return
    with tempfile.TemporaryDirectory(prefix="tune-answering-") as temp:
        found = suites(args.workdir or Path(temp))
        fitted_on = [f"{s.name}: {s.dataset.name} (split=tune)" for s in found]
        # The features are measured for every question whatever the fitted numbers say (`assess`
        # computes them before deciding), so the file in use is never rewritten while it is read.
        if any(getattr(load_params(), name) != value for name, value in RANKING.items()):
            raise SystemExit(f"{PARAMS_PATH} ranks with other weights than RANKING; write RANKING there first")
        rows = collect(found)
    if args.rows:
        args.rows.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
        args.rows.with_suffix(".fitted_on.json").write_text(json.dumps(fitted_on), encoding="utf-8")
    fit_and_write(rows, fitted_on)


def fit_and_write(rows: list[tuple[str, str, bool, dict[str, float]]], fitted_on: list[str]) -> None:
    weights, bias, threshold = fit_refusal(rows)
    premise_threshold, premise_relevance = fit_premise(rows)
    write(
        {
            "fitted_on": fitted_on,
            "note": "written by `python -m evals.tune_answering`; ranking weights set by hand, the rest fitted",
            **RANKING,
            "features": list(FEATURES),
            "weights": weights,
            "bias": bias,
            "threshold": threshold,
            "premise_threshold": round(premise_threshold, 4),
            "premise_relevance": round(premise_relevance, 4),
        }
    )
    print(f"wrote {PARAMS_PATH}")


if __name__ == "__main__":
    main()
