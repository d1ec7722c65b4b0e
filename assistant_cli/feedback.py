"""`assistant feedback export [--json]`: what readers said about the answers, for the operator.

Reads the same database the web app writes (`ASSISTANT_DATABASE_URL`, else SQLite in the data
directory), migrating it first like the app does, so an older database is read in the newest shape.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from assistant import Settings
from assistant.feedback import FeedbackRecord, FeedbackStore, FeedbackUnavailableError

feedback_app = typer.Typer(help="Readers' thumbs up/down and comments on answers.", no_args_is_help=True)


@feedback_app.command("export")
def export(
    as_json: Annotated[bool, typer.Option("--json", help="Every stored field, as a JSON array.")] = False,
) -> None:
    """Print every stored verdict, oldest first: rating, comment, question, history, answer, citations, model."""
    store = FeedbackStore.from_settings(Settings())
    try:
        records = store.records()
    except FeedbackUnavailableError as error:
        print(f"Error: {error} ({store.where})", file=sys.stderr)
        raise typer.Exit(1) from None
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps([r.model_dump(mode="json") for r in records], ensure_ascii=False, indent=2) + "\n")
        return
    if not records:
        print(f"No feedback yet in {store.where}.")
    for record in records:
        print(record_text(record))


def record_text(record: FeedbackRecord) -> str:
    """One verdict in a few plain lines, for reading in a terminal."""
    when = record.created_at.strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"#{record.id} {when}  {'up' if record.rating == 'up' else 'DOWN'}  model {record.model}"]
    lines += [f"  earlier {m.role}: {' '.join(m.content.split())}" for m in record.history]
    lines += [f"  question: {' '.join(record.question.split())}", f"  answer: {' '.join(record.answer.split())}"]
    if record.comment:
        lines.append(f"  comment: {' '.join(record.comment.split())}")
    cited = ", ".join(f"[{c.number}] {c.article_id} {c.start}-{c.end}" for c in record.citations)
    lines.append(f"  cited: {cited or 'nothing (refused)'}")
    return "\n".join(lines)
