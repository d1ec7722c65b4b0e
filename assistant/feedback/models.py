"""The feedback table as SQLAlchemy 2 declares it: the shape the newest migration leaves.

The migrations (`migrations/versions/`) are what create and change the table in a database; this
declaration is what the store reads and writes through, and what a new migration is diffed against.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class FeedbackRow(Base):
    """One reader's verdict on one answer. No address, no user agent: only what the reader typed or
    clicked, and what the assistant answered with (question, history, answer, citations, model, settings)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(String(64), unique=True)  # one row per answer: the latest vote wins
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rating: Mapped[str] = mapped_column(String(8))  # "up" or "down"
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    question: Mapped[str] = mapped_column(Text)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    model: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Revision 0002: a refusal is judged differently from an answer; a changed vote keeps its first time.
    refused: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
