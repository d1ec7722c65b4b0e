"""Alembic's entry point, run by `FeedbackStore.migrate` on a connection the store opened.

The package owns its migrations (no alembic.ini, no command line needed): the store passes its
connection in `config.attributes["connection"]` and upgrades to head at start-up.
"""

from __future__ import annotations

from alembic import context

from assistant.feedback.models import Base

connection = context.config.attributes["connection"]
# Batch mode lets ALTER TABLE work on SQLite (which can only add columns), harmlessly elsewhere.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
