"""The feedback database on real engines: a SQLite file and a PostgreSQL server started here.

Each test writes through `FeedbackStore` and reads back through a fresh one (or the raw driver), so
what is asserted is what the database holds. Upgrades start from a database at the first migration
with rows in it; concurrency runs two real writer processes at once on one database.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from typer.testing import CliRunner

from assistant import Settings
from assistant.feedback import FeedbackStore, FeedbackUnavailableError
from assistant.feedback.models import Base
from assistant_cli import app as cli
from tests.feedback_writer import SHARED, turn
from tests.pg_server import PostgresServer, postgres_server
from testsupport.procs import free_port

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    yield from postgres_server()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.slow, pytest.mark.server])])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new database on the module's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


def test_a_vote_is_stored_with_what_was_asked_and_answered(url: str) -> None:
    store = FeedbackStore(url)
    assert store.start()
    store.save(turn("answer-1", "What does Russia supply?"), "up", "Clear, with sources.")
    store.close()

    [row] = FeedbackStore(url).records()  # a new engine: read from the database, not from memory
    assert (row.answer_id, row.rating, row.comment) == ("answer-1", "up", "Clear, with sources.")
    assert row.question == "What does Russia supply?"
    assert [m.model_dump() for m in row.history] == [{"role": "user", "content": "earlier"}]
    assert row.answer == "x [1]" and row.model == "extractive" and row.refused is False
    assert [(c.article_id, c.start, c.end, c.quote) for c in row.citations] == [("a", 3, 4, "q")]
    assert row.settings["retrieval_k"] == Settings().retrieval_k
    assert row.created_at.tzinfo is not None and row.updated_at is None


def test_a_second_vote_on_an_answer_replaces_the_first(url: str) -> None:
    store = FeedbackStore(url)
    store.save(turn("answer-1", "Q"), "up", None)
    store.save(turn("answer-1", "Q"), "down", "Actually the date is wrong.")
    [row] = FeedbackStore(url).records()
    assert (row.rating, row.comment) == ("down", "Actually the date is wrong.")
    assert row.updated_at is not None and row.updated_at >= row.created_at


def test_text_postgresql_cannot_hold_is_saved_all_the_same(url: str) -> None:
    store = FeedbackStore(url)
    store.save(turn("answer-1", "What\x00 does Russia supply? “quotes” 😀"), "down", "bad\x00answer")
    [row] = FeedbackStore(url).records()
    assert (row.question, row.comment) == ("What\ufffd does Russia supply? “quotes” 😀", "bad\ufffdanswer")


def test_an_upgrade_keeps_the_feedback_stored_at_the_first_revision(url: str) -> None:
    old = FeedbackStore(url)
    old.migrate("0001")
    with old.engine.begin() as connection:  # a row as the first release wrote it (no refused, no updated_at)
        connection.execute(
            text(
                "INSERT INTO feedback (answer_id, created_at, rating, comment, question, history, answer, citations,"
                " model, settings) VALUES ('old-answer', '2026-11-01 10:00:00+00:00', 'down', 'kept?', 'Old question',"
                ' \'[]\', \'Old answer [1]\', \'[{"number": 1, "article_id": "a", "start": 0, "end": 5}]\','
                " 'extractive', '{}')"
            )
        )
    old.close()

    upgraded = FeedbackStore(url)
    assert upgraded.start()  # what the app does at start-up
    upgraded.save(turn("new-answer", "New question"), "up", None)
    rows = FeedbackStore(url).records()
    assert [(r.answer_id, r.rating, r.comment, r.question) for r in rows] == [
        ("old-answer", "down", "kept?", "Old question"),
        ("new-answer", "up", None, "New question"),
    ]
    assert rows[0].refused is False and rows[0].citations[0].end == 5
    with upgraded.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0002"


def test_the_migrations_build_exactly_the_declared_table(url: str) -> None:
    """The store writes through `models.py`; the database is built by the migrations: they must agree."""
    store = FeedbackStore(url)
    store.migrate()
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_the_default_database_is_a_sqlite_file_in_the_data_directory_in_wal_mode(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    store = FeedbackStore.from_settings(settings)
    store.save(turn("answer-1", "Q"), "up", None)
    path = tmp_path / "data" / "feedback.sqlite3"
    with sqlite3.connect(path) as connection:  # the plain driver: the file holds the row, in WAL mode
        assert connection.execute("SELECT answer_id, rating FROM feedback").fetchall() == [("answer-1", "up")]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_an_unreachable_database_says_the_feedback_was_not_saved() -> None:
    store = FeedbackStore(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/feedback", connect_timeout=1)
    assert store.start() is False  # start-up goes on without it
    with pytest.raises(FeedbackUnavailableError, match=r"could not be saved.*cannot be reached"):
        store.save(turn("answer-1", "Q"), "up", None)


def test_an_unwritable_sqlite_path_says_the_feedback_was_not_saved(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    store = FeedbackStore(f"sqlite:///{tmp_path / 'a-file' / 'feedback.sqlite3'}")  # under a file: never writable
    assert store.start() is False
    with pytest.raises(FeedbackUnavailableError, match="could not be saved"):
        store.save(turn("answer-1", "Q"), "up", None)


@pytest.mark.slow
def test_two_processes_write_at_once(url: str) -> None:
    """Two writer processes start on a fresh database at the same moment (both migrate), then each saves
    its own votes and votes on one shared answer; every vote lands, the shared answer has one row."""
    count = 200
    start_at = time.time() + 4  # both interpreters are up by then
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.feedback_writer", url, name, str(count), str(start_at)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    outputs = [writer.communicate(timeout=300) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], [err[-2000:] for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == [str(2 * count)] * 2
    rows = FeedbackStore(url).records()
    ids = [row.answer_id for row in rows]
    assert len(ids) == len(set(ids)) == 2 * count + 1
    assert {f"{name}-{n}" for name in ("first", "second") for n in range(count)} | {SHARED} == set(ids)


def test_the_cli_exports_what_the_app_stored(tmp_path: Path) -> None:
    """`assistant feedback export` reads the default database: the data directory the tests point at."""
    store = FeedbackStore.from_settings(Settings())
    store.save(turn("answer-1", "What does Russia supply?"), "down", "Wrong year.")
    store.save(turn("answer-2", "And China?"), "up", None)
    as_json = CliRunner().invoke(cli, ["feedback", "export", "--json"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)
    assert [(r["answer_id"], r["rating"], r["comment"]) for r in rows] == [
        ("answer-1", "down", "Wrong year."),
        ("answer-2", "up", None),
    ]
    cited = {"number": 1, "article_id": "a", "start": 3, "end": 4, "kind": "text", "quote": "q"}
    assert rows[0]["citations"] == [cited]
    plain = CliRunner().invoke(cli, ["feedback", "export"])
    assert "DOWN" in plain.output and "comment: Wrong year." in plain.output and "cited: [1] a 3-4" in plain.output
