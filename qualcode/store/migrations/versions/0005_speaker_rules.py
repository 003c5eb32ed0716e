"""Speaker rules: the user's decisions on who a speaker is (research team, or a participant's case).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "speaker_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("transcript_id", sa.Integer, sa.ForeignKey("transcripts.id", ondelete="CASCADE")),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("case_name", sa.String(200)),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_speaker_rules_label", "speaker_rules", ["label"])


def downgrade() -> None:
    op.drop_index("ix_speaker_rules_label", "speaker_rules")
    op.drop_table("speaker_rules")
