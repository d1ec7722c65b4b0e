"""Reader feedback on answers: the answers lately given (by id), and a database of verdicts.

`RecentAnswers` keeps what was answered in memory; `FeedbackStore` writes a verdict with its
question, history, answer, citations, model and settings, in SQLite or any SQLAlchemy database,
its schema kept by the Alembic migrations shipped in `migrations/`.
"""

from assistant.feedback.recent import AnsweredTurn, RecentAnswers, answer_settings
from assistant.feedback.store import CitedSpan, FeedbackRecord, FeedbackStore, FeedbackUnavailableError, Rating

__all__ = [
    "AnsweredTurn",
    "CitedSpan",
    "FeedbackRecord",
    "FeedbackStore",
    "FeedbackUnavailableError",
    "Rating",
    "RecentAnswers",
    "answer_settings",
]
