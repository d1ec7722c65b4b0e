"""Fit the band of offline-judge scores where the model's one-word check decides, for the eval judge
`offline+llm`, and write it to `assistant/data/model_check.json` with the labelled sets it was fitted
on, beside the verifier's band (`VERIFIER_BAND`, set by hand).

    python -m evals.tune_model_check [--replies FILE]

Every tuning pair of every labelled set (`evals/judge_sets.py`) is judged offline; those it scores
within `WIDEST` (naming no number or name the evidence lacks, with evidence short enough for the model to
read whole: `assistant.model_check.MODEL_READS`) are put to the local model once, about a second each
(`--replies` keeps the replies, so a second run costs no model time). The band
chosen has the best mean balanced accuracy over the tuning parts, the offline judge deciding outside
it and the model inside; of equals, the narrower (fewer checks). Held-out parts are never read.

The verifier of model answers asks the model about the model's own sentences, which the labelled
claims are not. Given the fitted band (0.05-0.7, 2026-12-03), it let the local model bring back four
sentences of its own that the offline judge had removed (scores 0.05-0.25) over the three corpora's
questions, three of them unsupported ("He is accused of entering Ukraine's territory."); between 0.25
and the offline threshold the sentences it brought back were true. So the verifier keeps the band it
had, which no labelled set of model sentences yet exists to fit.
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sklearn.metrics import balanced_accuracy_score

from assistant import Settings, chat_model
from assistant.embeddings import load_embeddings
from assistant.judge import OfflineJudge
from assistant.model_check import BAND_PATH, CheckBand, ModelCheck, SettledJudge
from evals.judge_sets import SavedVectors, labelled_sets
from evals.model_replies import KeptReplies

WIDEST = (0.05, 0.97)
VERIFIER_BAND = (0.25, 0.9)
COMMAND = "python -m evals.tune_model_check"
EDGES = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97)
DEFAULT_REPLIES = Path(platformdirs.user_cache_dir("news-assistant")) / "model-check-replies.jsonl"


@dataclass(frozen=True)
class Judged:
    supported: bool  # the label
    offline: bool
    score: float
    model_says: bool | None  # None: not asked (outside `WIDEST`, or a number or name is missing)


def judged_pairs(settled: SettledJudge) -> tuple[dict[str, list[Judged]], list[str]]:
    """Each labelled set's tuning part, judged offline and, inside the settled judge's band (`WIDEST`),
    by the model, reading what that judge gives it."""
    found, fitted_on = {}, []
    for labelled in labelled_sets():
        cases = labelled.parts["tune"]
        settled.offline.prefetch([(c.claim, list(c.passages)) for c in cases])
        rows = []
        for case in cases:
            verdict, reply = settled.settle(case.claim, list(case.passages))
            says = None if reply is None else ModelCheck.says_yes(reply)
            rows.append(Judged(case.supported, verdict.supported, verdict.score, says))
        asked = sum(r.model_says is not None for r in rows)
        print(f"{labelled.name}: {len(rows)} tuning pairs, {asked} put to the model")
        found[labelled.name] = rows
        fitted_on.append(labelled.tuning_part())
    return found, fitted_on


def accuracy(rows: list[Judged], low: float, high: float) -> float:
    """Balanced accuracy with the model deciding the pairs it was asked about within [low, high] and the
    offline judge the rest; an empty band (low > high) is the offline judge alone."""
    says = [r.model_says if r.model_says is not None and low <= r.score <= high else r.offline for r in rows]
    return float(balanced_accuracy_score([r.supported for r in rows], says))


def fit_band(found: dict[str, list[Judged]]) -> tuple[float, float, float]:
    """(low, high, mean balanced accuracy): the best band, the narrower of equals."""
    bands = [(low, high) for low, high in itertools.product(EDGES, EDGES) if low < high]
    scored = [(sum(accuracy(rows, *band) for rows in found.values()) / len(found), *band) for band in bands]
    best, low, high = max(scored, key=lambda s: (round(s[0], 6), -(s[2] - s[1])))
    return low, high, best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=Path, default=DEFAULT_REPLIES, help="where the model's replies are kept")
    args = parser.parse_args(argv)
    embeddings = load_embeddings()
    offline = OfflineJudge(embeddings, SavedVectors(embeddings))
    check = KeptReplies(chat_model("local", Settings()), "local", args.replies)
    widest = CheckBand(
        fitted_on=["not fitted: every score it may be asked about"], unsure_below=WIDEST[0], unsure_above=WIDEST[1]
    )
    found, fitted_on = judged_pairs(SettledJudge(offline, check, widest, name="llm:local"))
    low, high, best = fit_band(found)
    for name, rows in found.items():
        settled = accuracy(rows, low, high)
        print(f"{name}: offline {accuracy(rows, 1, 0):.3f}, with the model in {low}-{high}: {settled:.3f}")
    verifier_low, verifier_high = VERIFIER_BAND
    bands = {
        "judge": {
            "fitted_on": fitted_on,
            "note": f"written by `{COMMAND}`; mean balanced accuracy on the tuning parts {best:.3f}",
            "unsure_below": low,
            "unsure_above": high,
        },
        "verifier": {
            "fitted_on": [],
            "note": f"set by hand (evals/tune_model_check.py says why); written by `{COMMAND}`",
            "unsure_below": verifier_low,
            "unsure_above": verifier_high,
        },
    }
    BAND_PATH.write_text(json.dumps(bands, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {BAND_PATH}")


if __name__ == "__main__":
    main()
