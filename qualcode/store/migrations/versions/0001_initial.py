"""The first schema: transcripts, turns, segments, cases, codebook, codings, memos, event log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _fk(name: str, target: str, ondelete: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def _span() -> list[sa.Column]:
    return [sa.Column("start", sa.Integer, nullable=False), sa.Column("end", sa.Integer, nullable=False)]


def upgrade() -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table("coders", _id(), sa.Column("name", sa.String(200), nullable=False, unique=True))
    op.create_table("cases", _id(), sa.Column("name", sa.String(200), nullable=False, unique=True))
    op.create_table(
        "attributes",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "transcripts",
        _id(),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("source_name", sa.String(1000), nullable=False),
        sa.Column("source_format", sa.String(50), nullable=False),
        _fk("case_id", "cases.id", "SET NULL", nullable=True),
        sa.Column("imported_at", when, nullable=False),
    )
    op.create_table(
        "turns",
        _id(),
        _fk("transcript_id", "transcripts.id", "CASCADE"),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("speaker", sa.String(300), nullable=False),
        *_span(),
        sa.Column("time", sa.Float),
        sa.UniqueConstraint("transcript_id", "idx"),
    )
    op.create_table(
        "segments",
        _id(),
        _fk("transcript_id", "transcripts.id", "CASCADE"),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("turn_idx", sa.Integer, nullable=False),
        *_span(),
        sa.UniqueConstraint("transcript_id", "idx"),
    )
    op.create_table(
        "codes",
        _id(),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        _fk("parent_id", "codes.id", "RESTRICT", nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("is_group", sa.Boolean, nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        *[
            sa.Column(name, sa.JSON, nullable=False)
            for name in ("include", "exclude", "examples", "keywords", "patterns")
        ],
        sa.Column("colour", sa.String(7)),
        sa.Column("hotkey", sa.String(1), unique=True),
    )
    op.create_table(
        "codings",
        _id(),
        _fk("transcript_id", "transcripts.id", "CASCADE"),
        _fk("code_id", "codes.id", "RESTRICT"),
        _fk("coder_id", "coders.id", "RESTRICT"),
        *_span(),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.UniqueConstraint("transcript_id", "code_id", "coder_id", "start", "end"),
    )
    op.create_index("ix_codings_code", "codings", ["code_id"])
    op.create_index("ix_codings_transcript_span", "codings", ["transcript_id", "start"])
    op.create_table(
        "memos",
        _id(),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("target_name", sa.String(300)),
        _fk("coder_id", "coders.id", "RESTRICT"),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
    )
    op.create_table(
        "events",
        _id(),
        sa.Column("at", when, nullable=False),
        _fk("coder_id", "coders.id", "RESTRICT", nullable=True),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "events",
        "memos",
        "codings",
        "codes",
        "segments",
        "turns",
        "transcripts",
        "attributes",
        "cases",
        "coders",
        "meta",
    ):
        op.drop_table(table)
