"""Where feedback is kept: SQLite in the data directory by default, or any SQLAlchemy URL.

The schema belongs to the package's Alembic migrations, applied at start-up (and retried by the first
write if the database was down then), so an upgraded app keeps the feedback an older one stored.
Any failure to reach the database becomes a `FeedbackUnavailableError` that says the feedback was not
saved: the answers themselves never touch the database.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from pydantic import BaseModel
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from assistant.errors import AssistantError
from assistant.feedback.models import FeedbackRow
from assistant.feedback.recent import AnsweredTurn
from assistant.schema import Message
from assistant.settings import Settings

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
Rating = Literal["up", "down"]
MIGRATE_TRIES = 5  # two processes starting at once may both try to create the table: the loser tries again
ADVISORY_LOCK = 7_121_2026  # PostgreSQL: one migrating process at a time, whatever the others do
SAVE_FAILED = "Your feedback could not be saved"
READ_FAILED = "The stored feedback could not be read"


class FeedbackUnavailableError(AssistantError):
    """The feedback database cannot be reached or written; nothing was saved."""


class CitedSpan(BaseModel):
    """Where a citation points: enough to find the passage again (`quote == text[start:end]`)."""

    number: int
    article_id: str
    start: int
    end: int
    kind: str = "text"
    quote: str = ""


class FeedbackRecord(BaseModel):
    """A stored verdict, as exports show it."""

    id: int
    answer_id: str
    created_at: datetime
    updated_at: datetime | None = None
    rating: Rating
    comment: str | None = None
    question: str
    history: list[Message]
    answer: str
    refused: bool
    citations: list[CitedSpan]
    model: str
    settings: dict[str, Any]


class FeedbackStore:
    def __init__(self, url: str, *, connect_timeout: float = 5.0) -> None:
        parsed = make_url(url)
        self.where = parsed.render_as_string(hide_password=True)
        self._migrated = False
        self._migrating = threading.Lock()
        args: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                with contextlib.suppress(OSError):  # not creatable: every write then says it could not be saved
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            args["timeout"] = 30.0  # seconds a writer waits for another process's write to finish
        elif parsed.get_backend_name() == "postgresql":
            args["connect_timeout"] = max(1, round(connect_timeout))
        self.engine: Engine = create_engine(parsed, connect_args=args, pool_pre_ping=True)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedbackStore:
        return cls(settings.feedback_database_url)

    def migrate(self, revision: str = "head", what: str = "The feedback database could not be prepared") -> None:
        """Bring the schema to `revision` (the newest by default); rows already there are kept."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        for attempt in range(1, MIGRATE_TRIES + 1):
            try:
                with self.engine.begin() as connection:
                    if connection.dialect.name == "postgresql":
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
                break
            except SQLAlchemyError as error:
                if attempt == MIGRATE_TRIES:
                    raise self._unavailable(error, what) from error
                time.sleep(0.2 * attempt)
        self._migrated = revision == "head"

    def start(self) -> bool:
        """Migrate at start-up; a database that is down then is logged, and tried again on the first write."""
        try:
            self._ensure_migrated("The feedback database could not be prepared")
        except FeedbackUnavailableError as error:
            log.warning("feedback database %s not ready at start-up: %s", self.where, error.__cause__)
            return False
        return True

    def save(self, turn: AnsweredTurn, rating: Rating, comment: str | None) -> FeedbackRecord:
        """Store the reader's vote on `turn`; a second vote on the same answer replaces the first."""
        self._ensure_migrated(SAVE_FAILED)
        now = datetime.now(UTC)
        values = _row_values(turn, rating, comment)
        try:
            try:
                with Session(self.engine) as session, session.begin():
                    session.add(FeedbackRow(created_at=now, **values))
            except IntegrityError:  # this answer was rated before (here or in another process)
                with Session(self.engine) as session, session.begin():
                    row = session.scalars(select(FeedbackRow).where(FeedbackRow.answer_id == turn.answer_id)).one()
                    for name, value in values.items():
                        setattr(row, name, value)
                    row.updated_at = now
            with Session(self.engine) as session:
                stored = session.scalars(select(FeedbackRow).where(FeedbackRow.answer_id == turn.answer_id)).one()
                return record(stored)
        except SQLAlchemyError as error:
            raise self._unavailable(error) from error

    def records(self) -> list[FeedbackRecord]:
        """Every stored verdict, oldest first."""
        self._ensure_migrated(READ_FAILED)
        try:
            with Session(self.engine) as session:
                return [record(row) for row in session.scalars(select(FeedbackRow).order_by(FeedbackRow.id))]
        except SQLAlchemyError as error:
            raise self._unavailable(error, READ_FAILED) from error

    def close(self) -> None:
        self.engine.dispose()

    def _ensure_migrated(self, what: str) -> None:
        if self._migrated:
            return
        with self._migrating:
            if not self._migrated:
                self.migrate(what=what)

    def _unavailable(self, error: Exception, what: str = SAVE_FAILED) -> FeedbackUnavailableError:
        """The reader's message names no host or path; the log line names the database (password hidden)."""
        log.warning("feedback database %s: %s", self.where, str(error).splitlines()[0] if str(error) else error)
        return FeedbackUnavailableError(
            f"{what}: the feedback database cannot be reached right now. "
            "The answers are not affected; please try again later."
        )


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL: readers never block the writer, and several processes may share the file (one writer at a time,
    the others wait up to busy_timeout instead of failing at once)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _row_values(turn: AnsweredTurn, rating: Rating, comment: str | None) -> dict[str, Any]:
    """The row's columns. NUL characters become U+FFFD: PostgreSQL's text cannot hold them, and a question
    that was answered must not make its feedback fail to save."""
    answer = turn.answer
    return _without_nul(
        {
            "answer_id": turn.answer_id,
            "rating": rating,
            "comment": comment or None,
            "question": turn.question,
            "history": [message.model_dump() for message in turn.history],
            "answer": answer.text,
            "refused": answer.refused,
            "citations": [
                CitedSpan(
                    **c.model_dump(include={"number", "article_id", "start", "end", "kind", "quote"})
                ).model_dump()
                for c in answer.citations
            ],
            "model": answer.model,
            "settings": turn.settings,
        }
    )


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def record(row: FeedbackRow) -> FeedbackRecord:
    return FeedbackRecord(
        id=row.id,
        answer_id=row.answer_id,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at) if row.updated_at else None,
        rating=row.rating,
        comment=row.comment,
        question=row.question,
        history=row.history,
        answer=row.answer,
        refused=row.refused,
        citations=row.citations,
        model=row.model,
        settings=row.settings,
    )


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: every time stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
