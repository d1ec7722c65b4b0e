"""Measure models on all three corpora, tuning and held-out questions apart.

    python -m evals.suite_report [--model extractive] [--model local] [--out evals/results/suites]

Prints one row per corpus, split and model (answer correctness, unanswerable refused, answerable
wrongly refused, false premises corrected, other premises wrongly doubted, two-fact questions,
faithfulness by the offline judge, median seconds) and writes them as JSON. This is the table every
answering change is judged by.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from evals.dataset import load_questions
from evals.runner import ModelSummary, run_eval, summarise
from evals.suites import suites

COLUMNS = {
    "answer_correctness": "correct",
    "unanswerable_refused": "unans. refused",
    "answerable_answered": "ans. answered",
    "false_premise_corrected": "premise fixed",
    "premise_wrongly_doubted": "premise doubted wrongly",
    "two_fact_correct": "two-fact",
    "faithfulness": "faithful",
    "latency_median_s": "p50 s",
}


def measure(models: list[str], workdir: Path, splits: tuple[str, ...]) -> list[tuple[str, str, ModelSummary]]:
    rows = []
    for suite in suites(workdir):
        questions = [q for q in load_questions(suite.dataset) if q.split in splits]
        # The offline judge, as the table says: the local model as judge costs ~20 s a sentence here.
        run = run_eval(models, questions, corpus=suite.corpus, dataset_name=suite.dataset.name, judge_name="offline")
        for model_run in run.runs:
            for split in splits:
                results = [r for r in model_run.results if r.split == split]
                if results:
                    # Who graded (and any warning that the grade is circular) holds for each part as for the whole.
                    part = summarise(model_run.summary.model, results)
                    rows.append((suite.name, split, part.model_copy(update={"grading": model_run.summary.grading})))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", help="model to measure; repeat (default: extractive)")
    parser.add_argument("--out", type=Path, default=Path("evals/results/suites"))
    parser.add_argument("--split", choices=["tune", "heldout"], help="only this part (default: both, apart)")
    args = parser.parse_args()
    splits = (args.split,) if args.split else ("tune", "heldout")
    with tempfile.TemporaryDirectory(prefix="suite-report-") as temp:
        rows = measure(args.model or ["extractive"], Path(temp), splits)
    table = Table("corpus", "split", "model", "n", *COLUMNS.values())
    for suite, split, summary in rows:
        values = [f"{getattr(summary, key):.2f}" for key in COLUMNS]
        table.add_row(suite, split, summary.model, str(summary.questions), *values)
    console = Console()
    console.width = max(console.width, 160)  # piped to a file, rich's default 80 columns cut every figure
    console.print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    for model in {summary.model for *_, summary in rows}:
        data = [
            {"corpus": suite, "split": split, **summary.model_dump(exclude={"failures"})}
            for suite, split, summary in rows
            if summary.model == model
        ]
        name = f"{model}-{args.split}" if args.split else model
        (args.out / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
