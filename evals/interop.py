"""Every eval run in the columns RAGAS's `EvaluationDataset` reads, so other tools can score our answers.

One row per question per model: `user_input`, `response`, `retrieved_contexts` (the retrieved
passages' texts, best first), `reference` (the set's reference answer, else the gold quotes, else
the key facts) and `reference_contexts` (the gold quotes). Our own figures follow under names RAGAS
does not use, so a reader can join the two: `id`, `model`, `category`, `split`, `answerable`,
`refused`, `correct`, `citations` (the quoted spans), `faithfulness` and `judge` (who graded it).

The file also reads back as a question set (`evals.dataset.load_questions`): the columns it maps
are RAGAS's own, and `id`, `category`, `split` and `answerable` keep their meaning.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # evals.runner imports the report, which imports this module
    from evals.runner import EvalRun, QuestionResult

RAGAS_COLUMNS = ("user_input", "response", "retrieved_contexts", "reference", "reference_contexts")


def reference(result: QuestionResult) -> str | None:
    """What a correct answer rests on, as one string; None for a question with nothing to compare to."""
    found = result.reference or " ".join(result.gold_quotes) or "; ".join(result.key_facts)
    return found or None


def ragas_rows(run: EvalRun) -> list[dict[str, Any]]:
    rows = []
    for model_run in run.runs:
        judge = model_run.summary.grading.judge
        for result in model_run.results:
            rows.append(
                {
                    "user_input": result.question,
                    "response": result.answer,
                    "retrieved_contexts": result.retrieved,
                    "reference": reference(result),
                    "reference_contexts": result.gold_quotes,
                    "id": result.id,
                    "model": model_run.summary.model,
                    "category": result.category,
                    "split": result.split,
                    "answerable": result.answerable,
                    "refused": result.refused,
                    "correct": result.correct,
                    "citations": [c.quote for c in result.citations],
                    "faithfulness": result.faithfulness,
                    "judge": judge,
                }
            )
    return rows


def write_ragas(run: EvalRun, path: Path) -> Path:
    """JSON Lines, as `ragas.EvaluationDataset.from_jsonl` reads (it keeps the columns its samples know)."""
    lines = [json.dumps(row, ensure_ascii=False) for row in ragas_rows(run)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
