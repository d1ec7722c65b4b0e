"""`assistant eval from-feedback`: answers readers rated down become dataset rows an evaluator reviews.

Votes are written to a real SQLite feedback database through `FeedbackStore` (as the app writes
them); the real command reads it through `ASSISTANT_DATABASE_URL` and its file is read back with
the eval suite's own loader, so the rows are proven to be a dataset the suite runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.feedback import FeedbackStore
from assistant_cli.main import app as cli
from evals.dataset import load_questions
from evals.from_feedback import REVIEW
from tests.feedback_writer import turn


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", url)
    store = FeedbackStore(url)
    assert store.start()
    store.save(turn("liked", "What does Russia supply?"), "up", "Clear.")
    store.save(turn("wrong", "How many people live in the capital?"), "down", "That is the country's population.")
    refused = turn("refused", "Who wrote the article?")
    refused.answer = refused.answer.model_copy(update={"text": "The articles don't say.", "refused": True})
    refused.answer.citations.clear()
    store.save(refused, "down", None)
    store.close()
    return url


def test_down_rated_answers_become_rows_the_suite_loads(database: str, tmp_path: Path) -> None:
    out = tmp_path / "feedback.jsonl"
    result = CliRunner().invoke(cli, ["eval", "from-feedback", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 down-rated answer(s)" in result.output

    rows = {q.question: q for q in load_questions(out)}
    assert set(rows) == {"How many people live in the capital?", "Who wrote the article?"}  # not the liked one
    wrong = rows["How many people live in the capital?"]
    assert [m.content for m in wrong.history] == ["earlier"] and wrong.category == "follow_up"
    assert wrong.notes.startswith(REVIEW)
    assert "That is the country's population." in wrong.notes and "[1] a 3-4" in wrong.notes
    assert "answered: x [1]" in wrong.notes
    refused = rows["Who wrote the article?"]
    assert refused.answerable and "refused" in refused.notes and "Cited nothing." in refused.notes
    assert {q.split for q in rows.values()} <= {"tune", "heldout"}


def test_a_later_vote_on_the_same_question_replaces_the_earlier_one(database: str, tmp_path: Path) -> None:
    store = FeedbackStore(database)
    store.save(turn("again", "How many people live in the capital?"), "down", "Still wrong.")
    store.close()
    out = tmp_path / "feedback.jsonl"
    assert CliRunner().invoke(cli, ["eval", "from-feedback", "--out", str(out)]).exit_code == 0
    [row] = [q for q in load_questions(out) if q.question == "How many people live in the capital?"]
    assert "Still wrong." in row.notes and "population" not in row.notes


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", "postgresql+psycopg://reader@127.0.0.1:1/feedback")  # nobody listens
    result = CliRunner().invoke(cli, ["eval", "from-feedback", "--out", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.jsonl").exists()
