"""Whether the answer was a refusal, and when a vote was last changed; rows from 0001 keep their data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback") as table:
        table.add_column(sa.Column("refused", sa.Boolean, nullable=False, server_default=sa.false()))
        table.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback") as table:
        table.drop_column("updated_at")
        table.drop_column("refused")
