"""Reader feedback becomes test data: every answer a reader rated down, as a dataset row to review.

A thumbs-down says an answer was wrong, incomplete or should not have been given, not which: so each
row keeps the reader's question and history, says in `notes` what was answered, what it cited and
what the reader wrote, and leaves the verdict to an evaluator. A refused question is taken to be
answerable (the reader wanted an answer); an answered one keeps `answerable` true with no key facts,
which grades any answer as right until the evaluator adds the facts or marks it unanswerable.
Rows are split like generated ones, by the article the answer cited, so one story's questions stay
on one side.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assistant.feedback import FeedbackRecord
from evals.dataset import EvalQuestion, Split
from evals.generate import split_of

REVIEW = "REVIEW: set answerable, key_facts and gold; a reader rated this answer down."


def feedback_questions(records: Iterable[FeedbackRecord]) -> list[EvalQuestion]:
    """One row per down-rated answer, oldest first, each question once (its latest verdict wins)."""
    latest: dict[tuple[str, ...], FeedbackRecord] = {}
    for record in sorted(records, key=lambda r: r.updated_at or r.created_at):
        if record.rating == "down":
            key = (*(m.content for m in record.history), record.question)
            latest.pop(key, None)
            latest[key] = record
    return [_row(record) for record in latest.values()]


def write_questions(questions: list[EvalQuestion], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(q.model_dump_json(exclude_defaults=True) + "\n" for q in questions), encoding="utf-8")
    return out


def _row(record: FeedbackRecord) -> EvalQuestion:
    return EvalQuestion(
        id=f"feedback-{record.id}",
        category="follow_up" if record.history else "single_fact",
        question=record.question,
        history=record.history,
        answerable=True,
        split=_split(record),
        notes=_notes(record),
    )


def _notes(record: FeedbackRecord) -> str:
    cited = "; ".join(f"[{c.number}] {c.article_id} {c.start}-{c.end}" for c in record.citations)
    parts = [
        REVIEW,
        f"Reader's comment: {record.comment}" if record.comment else "No comment.",
        f"Model {record.model} {'refused' if record.refused else 'answered'}: {record.answer}",
        f"Cited: {cited}" if cited else "Cited nothing.",
        f"Rated {record.created_at:%Y-%m-%d}.",
    ]
    return " ".join(parts)


def _split(record: FeedbackRecord) -> Split:
    """By the first cited article (as `assistant eval generate` splits), else by the question."""
    return split_of(record.citations[0].article_id if record.citations else record.question)
