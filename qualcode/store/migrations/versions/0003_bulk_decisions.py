"""Suggestion decisions: whether an accept came from "accept all" (the coder did not read those segments).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a constant default: SQLite does it in place, without rebuilding the table.
    op.add_column(
        "suggestion_decisions",
        sa.Column("bulk", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("suggestion_decisions") as batch:
        batch.drop_column("bulk")
