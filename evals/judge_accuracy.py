"""Measure a judge's balanced accuracy on every labelled set and save it for the reports to show.

    python -m evals.judge_accuracy                          # the offline judge, every set and part
    python -m evals.judge_accuracy --judge llm --limit 10   # and the local model, 10 + 10 pairs per part
    python -m evals.judge_accuracy --judge offline+llm      # the offline judge, the local model settling its unsure

The offline judge is measured on every set of `evals/judge_sets.py` (the project's claims, the
news-dev claims, WiCE-dev), tuning and held-out parts alike, with its cost per claim once the
sentences are embedded. An LLM judge needs seconds per claim, so `--limit N` takes the first N
supported and the first N unsupported pairs of each part (file order), on every set. The settled
judge asks the model only about the pairs in its band, so it is measured on every pair; `--replies`
keeps the model's replies in a file (`evals/model_replies.py`) that a rerun reads. The figures
go to `evals/results/judges/<judge>.json` with the date and a fingerprint of the judging code;
every eval report reads them from there.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sklearn.metrics import balanced_accuracy_score

from assistant import Settings
from assistant.embeddings import load_embeddings
from assistant.judge import JudgeVerdict, OfflineJudge
from assistant.model_check import ModelCheck, SettledJudge, load_band
from assistant.models import chat_model
from evals.judge_sets import Case, Part, SavedVectors, labelled_sets
from evals.judges import PartAccuracy, SetAccuracy, judge_name, measure, save_measured
from evals.llm_judge import LLMJudge
from evals.model_replies import KeptReplies
from evals.tune_model_check import DEFAULT_REPLIES


def balanced(labels: list[bool], verdicts: list[bool]) -> float:
    return float(balanced_accuracy_score(labels, verdicts))


def offline_report(judge: OfflineJudge) -> list[SetAccuracy]:
    """One line per set and part: pairs, balanced accuracy, and milliseconds per claim once embedded."""
    measured = []
    for labelled in labelled_sets():
        started = time.perf_counter()
        result = measure(judge, labelled)
        ms = 1000 * (time.perf_counter() - started) / sum(map(len, labelled.parts.values()))
        for part in ("tune", "heldout"):
            figure = getattr(result, part)
            print(f"{labelled.name:9s} {part:8s} {figure.pairs:5d} pairs offline judge {figure.balanced_accuracy:.3f}")
        print(f"{labelled.name:9s} {ms:.1f} ms/claim (embedding included when not cached)")
        measured.append(result)
    return measured


def settled_report(name: str, offline: OfflineJudge, replies: Path) -> list[SetAccuracy]:
    """The settled judge on every pair, beside the offline judge alone (one reading of each pair serves
    both), with how many pairs were put to the model and the seconds per claim of this run (replies kept
    from an earlier run cost nothing)."""
    backend = name.partition(":")[2]
    check = KeptReplies(chat_model(backend, Settings()), backend, replies)
    settled = SettledJudge(offline, check, load_band("judge"), name=f"llm:{backend}")
    measured = []
    for labelled in labelled_sets():
        offline.prefetch([(c.claim, list(c.passages)) for cases in labelled.parts.values() for c in cases])
        started, asked, parts = time.perf_counter(), 0, {}
        for part, cases in labelled.parts.items():
            labels, alone, says = [c.supported for c in cases], [], []
            for case in cases:
                verdict, reply = settled.settle(case.claim, list(case.passages))
                alone.append(verdict.supported)
                says.append(verdict.supported if reply is None else ModelCheck.says_yes(reply))
                asked += reply is not None
            parts[part] = PartAccuracy(balanced_accuracy=balanced(labels, says), pairs=len(cases))
            print(
                f"{labelled.name:9s} {part:8s} {len(cases):5d} pairs {name} {balanced(labels, says):.3f}, "
                f"offline judge {balanced(labels, alone):.3f}"
            )
        pairs = sum(map(len, labelled.parts.values()))
        seconds = (time.perf_counter() - started) / pairs
        print(f"{labelled.name:9s} {asked} of {pairs} pairs put to the model; {seconds:.2f} s per claim this run")
        measured.append(SetAccuracy(labelled_set=labelled.name, measured="this run", **parts))
    return measured


class VerifyStep:
    """The LLM judge's verify step alone: a labelled claim is already one claim, and splitting it
    first would about triple the cost (seconds per call on a CPU)."""

    def __init__(self, llm: LLMJudge) -> None:
        self.llm = llm

    def judge(self, claim: str, passages: list[str]) -> JudgeVerdict:
        supported = self.llm.verify(claim, passages)
        return JudgeVerdict(supported=supported, score=float(supported), reasons=[])


def limited(cases: list[Case], limit: int) -> list[Case]:
    if not limit:
        return cases
    return [c for c in cases if c.supported][:limit] + [c for c in cases if not c.supported][:limit]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    judges = "offline, llm (the local model), llm:<model> or offline+llm[:<model>]"
    parser.add_argument("--judge", default="offline", help=judges)
    parser.add_argument("--limit", type=int, default=0, help="supported and unsupported pairs per part (0: all)")
    parser.add_argument("--replies", type=Path, default=DEFAULT_REPLIES, help="the settled judge's kept model replies")
    args = parser.parse_args(argv)

    embeddings = load_embeddings()
    offline = OfflineJudge(embeddings, SavedVectors(embeddings))
    if args.judge == "offline":
        print("saved", save_measured("offline", offline_report(offline)))
        return
    name = judge_name(args.judge)
    if name.startswith("offline+"):
        print("saved", save_measured(name, settled_report(name, offline, args.replies), f" --judge {args.judge}"))
        return
    llm = VerifyStep(LLMJudge(chat_model(name.partition(":")[2], Settings()), name))
    measured = []
    for labelled in labelled_sets():
        sample: dict[Part, list[Case]] = {part: limited(cases, args.limit) for part, cases in labelled.parts.items()}
        started = time.perf_counter()
        result = measure(llm, labelled, sample)
        seconds = (time.perf_counter() - started) / max(sum(map(len, sample.values())), 1)
        offline_figures = measure(offline, labelled, sample)
        for part in ("tune", "heldout"):
            mine, theirs = getattr(result, part), getattr(offline_figures, part)
            print(
                f"{labelled.name} {part}: {mine.pairs} pairs, {name} {mine.balanced_accuracy:.3f}, "
                f"offline judge {theirs.balanced_accuracy:.3f} on the same pairs"
            )
        print(f"  {seconds:.1f} s per claim")
        measured.append(result)
    limit = f" --limit {args.limit}" if args.limit else ""
    print("saved", save_measured(name, measured, f" --judge {args.judge}{limit} (verify step only)"))


if __name__ == "__main__":
    main()
