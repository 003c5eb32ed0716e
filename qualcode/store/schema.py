"""The current schema as SQLAlchemy Core tables. Changes go through a new migration in ``migrations/``."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

# Tables whose rows others point at by id (a memo at a coding, an undo at the row it brings back, a merged
# or exchanged project at its source): SQLite's AUTOINCREMENT never hands out an id again once it was
# used, where a plain INTEGER PRIMARY KEY reuses the newest freed one. Each row also carries a uuid,
# made by the store on insert, that stays the same across projects (merging, REFI-QDA GUIDs).
IDENTIFIED = ("coders", "cases", "transcripts", "codes", "codings", "memos")


def new_uuid() -> str:
    """A fresh identity for a row: a random (version 4) UUID as 36 characters."""
    return str(uuid.uuid4())


def _identity(table: str) -> tuple[Column[str], UniqueConstraint]:
    return (
        Column("uuid", String(36), nullable=False, default=new_uuid),
        UniqueConstraint("uuid", name=f"uq_{table}_uuid"),
    )


meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

coders = Table(
    "coders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    *_identity("coders"),
    sqlite_autoincrement=True,
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    *_identity("cases"),
    sqlite_autoincrement=True,
)

attributes = Table(
    "attributes",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("value", Text, nullable=False),
)

transcripts = Table(
    "transcripts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("source_name", String(1000), nullable=False),
    Column("source_format", String(50), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="SET NULL")),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    *_identity("transcripts"),
    sqlite_autoincrement=True,
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", Integer, ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("speaker", String(300), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("time", Float),
    UniqueConstraint("transcript_id", "idx"),
)

segments = Table(
    "segments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", Integer, ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("turn_idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    UniqueConstraint("transcript_id", "idx"),
)

codes = Table(
    "codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("parent_id", Integer, ForeignKey("codes.id", ondelete="RESTRICT")),
    Column("position", Integer, nullable=False, default=0),
    Column("is_group", Boolean, nullable=False, default=False),
    Column("definition", Text, nullable=False, default=""),
    Column("include", JSON, nullable=False),
    Column("exclude", JSON, nullable=False),
    Column("examples", JSON, nullable=False),
    Column("keywords", JSON, nullable=False),
    Column("patterns", JSON, nullable=False),
    Column("colour", String(7)),
    Column("hotkey", String(1), unique=True),
    *_identity("codes"),
    sqlite_autoincrement=True,
)

codings = Table(
    "codings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", Integer, ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("code_id", Integer, ForeignKey("codes.id", ondelete="RESTRICT"), nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id", ondelete="RESTRICT"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("origin", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("transcript_id", "code_id", "coder_id", "start", "end"),
    Index("ix_codings_code", "code_id"),
    Index("ix_codings_transcript_span", "transcript_id", "start"),
    *_identity("codings"),
    sqlite_autoincrement=True,
)

memos = Table(
    "memos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("target", String(20), nullable=False),
    Column("target_name", String(300)),
    Column("coder_id", Integer, ForeignKey("coders.id", ondelete="RESTRICT"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    *_identity("memos"),
    sqlite_autoincrement=True,
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id", ondelete="RESTRICT")),
    Column("action", String(100), nullable=False),
    Column("payload", JSON, nullable=False),
)

suggestion_decisions = Table(
    "suggestion_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", Integer, ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("code_id", Integer, ForeignKey("codes.id", ondelete="CASCADE"), nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id", ondelete="RESTRICT"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("decision", String(10), nullable=False),  # "accepted" or "rejected"
    Column("score", Float),
    Column("source", String(20)),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    # An accept made by "accept all": the coder saw a preview, not the segments (migration 0003).
    Column("bulk", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("transcript_id", "code_id", "coder_id", "start", "end"),
    Index("ix_suggestion_decisions_coder", "coder_id", "transcript_id"),
)

# The user's decisions about speakers (interviewer, participant of another case); the rest is detected on
# read (qualcode.model.speakers), so it follows the transcripts imported since. A rule without a transcript
# holds for the label in every transcript. Migration 0005.
speaker_rules = Table(
    "speaker_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", Integer, ForeignKey("transcripts.id", ondelete="CASCADE")),
    Column("label", String(300), nullable=False),  # as compared: qualcode.model.speakers.label_key
    Column("role", String(20), nullable=False),
    Column("case_name", String(200)),
    Column("set_at", DateTime(timezone=True), nullable=False),
    Index("ix_speaker_rules_label", "label"),
    sqlite_autoincrement=True,
)
