"""Suggestion decisions: each coder's accepted and rejected suggestions (a rejection is never suggested again).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suggestion_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "transcript_id",
            sa.Integer,
            sa.ForeignKey("transcripts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        # A decision is about a code: when the code goes, so do the decisions about it.
        sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("coder_id", sa.Integer, sa.ForeignKey("coders.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("source", sa.String(20)),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("transcript_id", "code_id", "coder_id", "start", "end"),
    )
    op.create_index("ix_suggestion_decisions_coder", "suggestion_decisions", ["coder_id", "transcript_id"])


def downgrade() -> None:
    op.drop_index("ix_suggestion_decisions_coder", "suggestion_decisions")
    op.drop_table("suggestion_decisions")
