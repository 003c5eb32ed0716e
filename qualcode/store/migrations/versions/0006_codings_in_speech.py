"""Codings hold speech only: a coding made before this across turns becomes one coding per turn's words.

Revision ID: 0006
Revises: 0005

Codings are credited to the speaker of their turn. One made earlier across turns held the speaker labels
and timestamps between them and two speakers' words, so the interviewer's question and the participant's
answer were counted for one of them. It is cut as a coding made now would be: the first piece keeps the
coding's id (and its memos), each further piece is a new coding of the same code, coder, origin and time.
A coding with no speech at all is left as it is. What was cut is written to the project's log (action
``codings.cut``, no coder), so ``qualcode log`` says it.
"""

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    turns: dict[int, list[tuple[int, int]]] = {}
    for transcript_id, start, end in conn.execute(
        sa.text('SELECT transcript_id, start, "end" FROM turns ORDER BY transcript_id, start')
    ):
        turns.setdefault(transcript_id, []).append((start, end))
    texts = dict(conn.execute(sa.text("SELECT id, text FROM transcripts")).all())
    rows = conn.execute(
        sa.text('SELECT id, transcript_id, code_id, coder_id, start, "end", origin, created_at FROM codings')
    ).all()
    cut: list[dict[str, object]] = []
    for row in rows:
        spans = turns.get(row.transcript_id)
        if not spans:
            continue
        text = texts[row.transcript_id]
        pieces = [
            (max(row.start, s), min(row.end, e))
            for s, e in spans
            if min(row.end, e) > max(row.start, s) and text[max(row.start, s) : min(row.end, e)].strip()
        ]
        if not pieces or pieces == [(row.start, row.end)]:
            continue
        first, *rest = pieces
        conn.execute(
            sa.text('UPDATE codings SET start = :start, "end" = :end WHERE id = :id'),
            {"start": first[0], "end": first[1], "id": row.id},
        )
        added = []
        for start, end in rest:
            twin = conn.execute(
                sa.text(
                    "SELECT id FROM codings WHERE transcript_id = :t AND code_id = :c AND coder_id = :k "
                    'AND start = :s AND "end" = :e'
                ),
                {"t": row.transcript_id, "c": row.code_id, "k": row.coder_id, "s": start, "e": end},
            ).scalar()
            if twin is None:
                result = conn.execute(
                    sa.text(
                        'INSERT INTO codings (transcript_id, code_id, coder_id, start, "end", origin, created_at, uuid) '
                        "VALUES (:t, :c, :k, :s, :e, :o, :at, :u)"
                    ),
                    {
                        "t": row.transcript_id, "c": row.code_id, "k": row.coder_id, "s": start, "e": end,
                        "o": row.origin, "at": row.created_at, "u": str(uuid.uuid4()),
                    },
                )  # fmt: skip
                added.append(result.lastrowid)
        cut.append(
            {"coding": row.id, "was": [row.start, row.end], "now": [list(p) for p in pieces], "added": added}
        )
    if cut:
        conn.execute(
            sa.text(
                "INSERT INTO events (at, coder_id, action, payload) VALUES (:at, NULL, 'codings.cut', :p)"
            ),
            {
                "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),  # as the store writes its times
                "p": json.dumps(
                    {"reason": "codings hold one speaker's words only (migration 0006)", "cut": cut}
                ),
            },
        )


def downgrade() -> None:
    # The cut is not undone: the pieces are what the coding meant, and joining them again would put the
    # labels between turns back into stored spans.
    pass
