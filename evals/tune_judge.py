"""Fit the offline judge's logistic weights and threshold on the tuning parts of the labelled sets.

    python -m evals.tune_judge            # fit, report, write assistant/data/judge.json
    python -m evals.tune_judge --dry-run  # fit and report only

The three sets of `evals/judge_sets.py` are fitted together, each weighing the same and each
balanced between its supported and unsupported pairs, so that no set's size or label mix decides
for the others. A claim with a number or name the passages lack, a word turned into its opposite,
roles reversed, or a negation flipped in a sentence that holds all its other words is unsupported by
rule (`Evidence.ruled_out`), so the model is fitted on the other pairs. The regularisation and the
threshold are chosen by cross-validation on the tuning parts (folds keep each claim's pairs together:
WiCE repeats a claim with other evidence); the held-out parts are only measured, after the fit, and
printed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedGroupKFold

from assistant.embeddings import load_embeddings
from assistant.judge import WEIGHTS_PATH, OfflineJudge
from assistant.judge_encoder import load_encoder
from evals.judge_sets import Case, LabelledSet, SavedVectors, labelled_sets

C_GRID = (0.3, 1.0, 3.0, 10.0)
REPEATS = 3


class Table:
    """Features, labels, sets and claims of every tuning pair, in one place for fitting."""

    def __init__(self, judge: OfflineJudge, sets: list[LabelledSet]) -> None:
        cases = [(s.name, c) for s in sets for c in s.parts["tune"]]
        measured = measure(judge, [c for _, c in cases])
        self.names = list(measured[0][0])
        self.x = np.array([list(f.values()) for f, _ in measured])
        self.ruled_out = np.array([ruled_out for _, ruled_out in measured])
        self.y = np.array([c.supported for _, c in cases])
        self.set = np.array([name for name, _ in cases])
        self.claim = [c.claim for _, c in cases]

    def weights(self, rows: np.ndarray) -> np.ndarray:
        """Each set weighs the same, and within a set the supported and unsupported pairs weigh the same."""
        out = np.zeros(len(rows))
        for name in set(self.set[rows]):
            for label in (False, True):
                mask = (self.set[rows] == name) & (self.y[rows] == label)
                out[mask] = 1.0 / max(mask.sum(), 1)
        return out * len(rows) / out.sum()


def measure(judge: OfflineJudge, cases: list[Case]) -> list[tuple[dict[str, float], bool]]:
    """Each pair's features, and whether it is unsupported by rule (`Evidence.ruled_out`)."""
    judge.prefetch([(c.claim, list(c.passages)) for c in cases])
    return [(e.features(), e.ruled_out()) for e in (judge.evidence(c.claim, list(c.passages)) for c in cases)]


def predict(model: LogisticRegression, x: np.ndarray, ruled_out: np.ndarray) -> np.ndarray:
    return np.where(ruled_out, 0.0, model.predict_proba(x)[:, 1])


def mean_balanced(table: Table, rows: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    """The mean over sets of each set's balanced accuracy: the figure every choice here maximises."""
    per_set = [
        balanced_accuracy_score(table.y[rows][table.set[rows] == name], scores[table.set[rows] == name] >= threshold)
        for name in sorted(set(table.set[rows]))
    ]
    return float(np.mean(per_set))


def best_threshold(table: Table, rows: np.ndarray, scores: np.ndarray) -> float:
    return max(np.arange(0.2, 0.8, 0.01), key=lambda t: mean_balanced(table, rows, scores, float(t)))


def fit(table: Table, rows: np.ndarray, c: float) -> LogisticRegression:
    """Logistic regression on standardised features; the scaling is folded back into the weights."""
    rows = rows[~table.ruled_out[rows]]
    mean, std = table.x[rows].mean(axis=0), table.x[rows].std(axis=0) + 1e-9
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit((table.x[rows] - mean) / std, table.y[rows], sample_weight=table.weights(rows))
    model.coef_ = model.coef_ / std
    model.intercept_ = model.intercept_ - float(model.coef_[0] @ mean)
    return model


def cross_validated(table: Table, c: float) -> tuple[float, float]:
    """(mean balanced accuracy, threshold) of out-of-fold scores, repeated with other folds."""
    everything = np.arange(len(table.y))
    strata = [f"{s}:{y}" for s, y in zip(table.set, table.y, strict=True)]
    results = []
    for repeat in range(REPEATS):
        scores = np.zeros(len(table.y))
        folds = StratifiedGroupKFold(5, shuffle=True, random_state=repeat)
        for train, test in folds.split(table.x, strata, groups=table.claim):
            scores[test] = predict(fit(table, train, c), table.x[test], table.ruled_out[test])
        threshold = best_threshold(table, everything, scores)
        results.append((mean_balanced(table, everything, scores, threshold), threshold))
    return float(np.mean([r[0] for r in results])), float(np.mean([r[1] for r in results]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="report only; do not write the weights")
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--encoder", action="store_true", help="add the cross-encoder's score as a feature")
    args = parser.parse_args(argv)

    sets = labelled_sets()
    if len(sets) < 3:
        raise SystemExit("The judge is fitted on all three sets: put ../shared/judge/ beside the checkout")
    embeddings = load_embeddings()
    judge = OfflineJudge(embeddings, SavedVectors(embeddings), load_encoder() if args.encoder else None)
    table = Table(judge, sets)
    validated = {c: cross_validated(table, c) for c in C_GRID}
    for c, (score, threshold) in validated.items():
        print(f"C={c:<5} cross-validated mean balanced accuracy {score:.3f} (threshold {threshold:.2f})")
    c = max(validated, key=lambda k: validated[k][0])
    threshold = round(validated[c][1], 2)
    model = fit(table, np.arange(len(table.y)), c)
    weights, bias = [round(float(w), 4) for w in model.coef_[0]], round(float(model.intercept_[0]), 4)
    for name, weight in zip(table.names, weights, strict=True):
        print(f"  {name:20s} {weight:+.4f}")
    print(f"  {'bias':20s} {bias:+.4f}   threshold {threshold}")
    for labelled in sets:
        for part, cases in labelled.parts.items():
            started = time.perf_counter()
            measured = measure(judge, cases)
            ms = 1000 * (time.perf_counter() - started) / len(cases)
            x, ruled_out = np.array([list(f.values()) for f, _ in measured]), np.array([i for _, i in measured])
            scores = predict(model, x, ruled_out)
            accuracy = balanced_accuracy_score([c.supported for c in cases], scores >= threshold)
            figure = f"balanced accuracy {accuracy:.3f} ({ms:.0f} ms/claim)"
            print(f"{labelled.name:9s} {part:8s} {len(cases):5d} pairs  {figure}")
    if args.dry_run:
        return
    fitted = {
        "fitted_on": [s.tuning_part() for s in sets],
        "note": f"written by `python -m evals.tune_judge`; C={c}, cross-validated mean balanced accuracy "
        f"{validated[c][0]:.3f}; the held-out parts were not used",
        "features": table.names,
        "weights": weights,
        "bias": bias,
        "threshold": threshold,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
