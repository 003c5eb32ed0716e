"""Speakers: which labels speak in which transcript, and the user's rules on who they are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select

from qualcode.errors import NotFoundError
from qualcode.model.speakers import SpeakerRole, SpeakerRule, label_key
from qualcode.store import schema as t
from qualcode.store.repository import Repository, now


def appearances(repo: Repository) -> tuple[dict[str, list[tuple[str, int]]], dict[str, str | None]]:
    """Per transcript, its speaker labels in order of first turn with their turn counts; and its case."""
    with repo.read() as conn:
        names = {}
        cases: dict[str, str | None] = {}
        for r in conn.execute(
            select(t.transcripts.c.id, t.transcripts.c.name, t.cases.c.name.label("case_name"))
            .outerjoin(t.cases, t.cases.c.id == t.transcripts.c.case_id)
            .order_by(t.transcripts.c.name)
        ):
            names[r.id] = r.name
            cases[r.name] = r.case_name
        out: dict[str, list[tuple[str, int]]] = {name: [] for name in names.values()}
        rows = conn.execute(
            select(t.turns.c.transcript_id, t.turns.c.speaker, func.count(), func.min(t.turns.c.idx))
            .group_by(t.turns.c.transcript_id, t.turns.c.speaker)
            .order_by(t.turns.c.transcript_id, func.min(t.turns.c.idx))
        )
        for transcript_id, speaker, count, _first in rows:
            out[names[transcript_id]].append((speaker, int(count)))
    return out, cases


def rules(repo: Repository) -> list[SpeakerRule]:
    """The user's speaker rules, oldest first (a later rule for the same speaker replaced the older)."""
    with repo.read() as conn:
        rows = conn.execute(
            select(t.speaker_rules, t.transcripts.c.name.label("transcript"))
            .outerjoin(t.transcripts, t.transcripts.c.id == t.speaker_rules.c.transcript_id)
            .order_by(t.speaker_rules.c.id)
        )
        return [SpeakerRule(r.label, SpeakerRole(r.role), r.transcript, r.case_name) for r in rows]


def set_rules(repo: Repository, new: Sequence[SpeakerRule], coder: str | None, source: str) -> None:
    """Store rules in one undoable transaction, each replacing any rule for the same speaker.

    Raises:
        NotFoundError: for a rule naming a transcript the project does not have.
    """
    with repo.write(coder) as tx:
        write_rules(tx, new, source)


def write_rules(tx: Any, new: Sequence[SpeakerRule], source: str) -> None:
    """:func:`set_rules` inside a transaction already open (``tx``: the repository's write transaction)."""
    conn = tx.conn
    ids = dict(conn.execute(select(t.transcripts.c.name, t.transcripts.c.id)).all())
    for rule in new:
        transcript_id = None
        if rule.transcript is not None:
            if rule.transcript not in ids:
                raise NotFoundError(
                    f"no transcript named {rule.transcript!r}",
                    "list them with: qualcode transcripts list",
                )
            transcript_id = ids[rule.transcript]
        key = label_key(rule.label)
        same = (
            t.speaker_rules.c.transcript_id == transcript_id
            if transcript_id is not None
            else (t.speaker_rules.c.transcript_id.is_(None))
        )
        old = [
            r.id
            for r in conn.execute(select(t.speaker_rules.c.id).where(same, t.speaker_rules.c.label == key))
        ]
        if old:
            tx.images.capture("speaker_rules", old)
            conn.execute(delete(t.speaker_rules).where(t.speaker_rules.c.id.in_(old)))
        result = conn.execute(
            insert(t.speaker_rules).values(
                transcript_id=transcript_id, label=key, role=rule.role.value,
                case_name=rule.case, set_at=now(),
            )
        )  # fmt: skip
        assert result.inserted_primary_key is not None
        tx.images.created("speaker_rules", int(result.inserted_primary_key[0]))
    tx.log(
        "speaker.set",
        source=source,
        rules=[
            {"label": r.label, "role": r.role.value, "transcript": r.transcript, "case": r.case} for r in new
        ],
    )
