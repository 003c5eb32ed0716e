"""Suggestion decisions: accepting (a coding plus a record) and rejecting (a record), one transaction each.

Returns model objects; every accept and reject is logged in the events table like any other change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from qualcode.errors import ConflictError, NotFoundError, UnknownCodeError
from qualcode.model import (
    Coding,
    Decision,
    Origin,
    Span,
    Suggestion,
    SuggestionDecision,
    SuggestionSource,
)
from qualcode.store import repository  # repository.now() read at call time: one clock for every write
from qualcode.store import schema as t
from qualcode.store.repository import Repository, _Tx, aware, coding_by_id, coding_payload


class SuggestionStore:
    """Reads and writes the coders' decisions about suggestions, in the project's store.

    Args:
        repository: The project's repository; its write transactions (and event log) are reused so an
            accept stores the coding, the decision and the log entry together or not at all.
    """

    def __init__(self, repository: Repository) -> None:
        self.repo = repository

    def accept(self, suggestion: Suggestion, coder: str) -> Coding:
        """Store the suggestion as the coder's coding (origin ``suggestion``) and remember the accept.

        An identical coding that is already there is kept, not doubled.

        Raises:
            NotFoundError: for an unknown transcript or code.
            ConflictError: for a group code, or a span past the end of the transcript.
        """
        return self.accept_many([suggestion], coder, bulk=False)[0]

    def accept_many(self, suggestions: list[Suggestion], coder: str, *, bulk: bool = True) -> list[Coding]:
        """Accept several suggestions as one action ("accept all of this code above 0.8"): all or none.

        ``bulk`` records that the coder accepted them from a preview, without reading each segment: the
        learned model then does not count them as read (see qualcode/suggest/session.py).
        """
        with self.repo.write(coder) as tx:
            conn = tx.conn
            assert tx.coder_id is not None
            stored: list[Coding] = []
            added: list[Coding] = []
            for suggestion in suggestions:
                tid, code_id = _place(conn, suggestion)
                key = and_(
                    t.codings.c.transcript_id == tid,
                    t.codings.c.code_id == code_id,
                    t.codings.c.coder_id == tx.coder_id,
                    t.codings.c.start == suggestion.span.start,
                    t.codings.c.end == suggestion.span.end,
                )
                coding_id = conn.execute(select(t.codings.c.id).where(key)).scalar()
                is_new = coding_id is None
                if coding_id is None:
                    result = conn.execute(
                        insert(t.codings).values(
                            transcript_id=tid,
                            code_id=code_id,
                            coder_id=tx.coder_id,
                            start=suggestion.span.start,
                            end=suggestion.span.end,
                            origin=Origin.SUGGESTION.value,
                            created_at=repository.now(),
                        )
                    )
                    assert result.inserted_primary_key is not None
                    coding_id = int(result.inserted_primary_key[0])
                    # The row image makes the accept undoable like any added coding (store/history.py).
                    tx.images.created("codings", coding_id)
                # A coding already there was read (coded by hand, or accepted one by one): accepting it
                # again from a preview must not make it unread. Only new codings, or earlier bulk ones,
                # stay bulk.
                _record(tx, tid, code_id, suggestion, Decision.ACCEPTED, bulk=bulk, read_before=not is_new)
                coding = coding_by_id(conn, coding_id)
                stored.append(coding)
                if is_new:
                    added.append(coding)
            if suggestions:
                # Same payload shape as coding.add, so undo can treat an accept like any added coding.
                tx.log(
                    "suggestion.accept",
                    codings=[coding_payload(c) for c in added],
                    scores=[round(s.score, 4) for s in suggestions],
                    sources=[s.source.value for s in suggestions],
                    reason=suggestions[0].reason
                    if len(suggestions) == 1
                    else f"{len(suggestions)} suggestions",
                )
            return stored

    def reject(self, suggestion: Suggestion, coder: str) -> SuggestionDecision:
        """Remember that the coder rejected this code on this span; it will not be suggested there again."""
        with self.repo.write(coder) as tx:
            conn = tx.conn
            assert tx.coder_id is not None
            tid, code_id = _place(conn, suggestion)
            decision_id = _record(tx, tid, code_id, suggestion, Decision.REJECTED)
            tx.log(
                "suggestion.reject",
                transcript=suggestion.transcript,
                start=suggestion.span.start,
                end=suggestion.span.end,
                code=suggestion.code,
                score=round(suggestion.score, 4),
                source=suggestion.source.value,
            )
            return _decisions(conn, t.suggestion_decisions.c.id == decision_id)[0]

    def forget(self, transcript: str, span: Span, code: str, coder: str) -> SuggestionDecision | None:
        """Drop a remembered decision (to undo a reject); returns it, or None if there was none."""
        with self.repo.write(coder) as tx:
            conn = tx.conn
            sd = t.suggestion_decisions
            found = _decisions(
                conn,
                t.transcripts.c.name == transcript,
                func.lower(t.codes.c.name) == code.lower(),
                t.coders.c.name == coder,
                sd.c.start == span.start,
                sd.c.end == span.end,
            )
            if not found:
                return None
            tx.images.capture("suggestion_decisions", [found[0].id])
            conn.execute(delete(sd).where(sd.c.id == found[0].id))
            tx.log(
                "suggestion.forget",
                transcript=transcript,
                start=span.start,
                end=span.end,
                code=found[0].code,
                decision=found[0].decision.value,
            )
            return found[0]

    def decisions(
        self, coder: str | None = None, transcript: str | None = None, decision: Decision | None = None
    ) -> list[SuggestionDecision]:
        """Remembered decisions, optionally of one coder, in one transcript, of one kind."""
        sd = t.suggestion_decisions
        where: list[Any] = []
        if coder is not None:
            where.append(t.coders.c.name == coder)
        if transcript is not None:
            where.append(t.transcripts.c.name == transcript)
        if decision is not None:
            where.append(sd.c.decision == decision.value)
        with self.repo.read() as conn:
            return _decisions(conn, *where)


def _place(conn: Connection, suggestion: Suggestion) -> tuple[int, int]:
    """The transcript and code ids of a suggestion, checked: known, codable, inside the text."""
    row = conn.execute(
        select(t.transcripts.c.id, func.length(t.transcripts.c.text)).where(
            t.transcripts.c.name == suggestion.transcript
        )
    ).first()
    if row is None:
        raise NotFoundError(
            f"no transcript named {suggestion.transcript!r}",
            "list them with: qualcode transcripts list PROJECT",
        )
    tid, length = int(row[0]), int(row[1])
    if suggestion.span.end > length:
        raise ConflictError(
            f"span [{suggestion.span.start}, {suggestion.span.end}) runs past the end of "
            f"{suggestion.transcript!r} ({length} characters)",
            "the transcript changed since the suggestion was made; ask for suggestions again",
        )
    code = conn.execute(
        select(t.codes.c.id, t.codes.c.is_group).where(func.lower(t.codes.c.name) == suggestion.code.lower())
    ).first()
    if code is None:
        raise UnknownCodeError(
            f"no code named {suggestion.code!r}", "list the codes with: qualcode codebook show PROJECT"
        )
    if code.is_group:
        raise ConflictError(
            f"{suggestion.code!r} is a group of codes and cannot be applied", "apply one of its sub-codes"
        )
    return tid, int(code.id)


def _record(
    tx: _Tx,
    tid: int,
    code_id: int,
    suggestion: Suggestion,
    decision: Decision,
    *,
    bulk: bool = False,
    read_before: bool = False,
) -> int:
    """Insert or overwrite the decision for this span, code and coder; returns its id.

    The decision's row images go into the event, so undoing an accept or a reject takes the
    remembered decision back too.
    """
    conn, coder_id = tx.conn, tx.coder_id
    sd = t.suggestion_decisions
    key = and_(
        sd.c.transcript_id == tid,
        sd.c.code_id == code_id,
        sd.c.coder_id == coder_id,
        sd.c.start == suggestion.span.start,
        sd.c.end == suggestion.span.end,
    )
    values = {
        "decision": decision.value,
        "score": float(suggestion.score),
        "source": suggestion.source.value,
        "decided_at": repository.now(),
        "bulk": bulk,
    }
    found = conn.execute(select(sd.c.id, sd.c.bulk).where(key)).first()
    existing = None if found is None else found.id
    if bulk and read_before:
        values["bulk"] = found is not None and bool(found.bulk)
    if existing is not None:
        tx.images.capture("suggestion_decisions", [int(existing)])
        conn.execute(update(sd).where(sd.c.id == existing).values(**values))
        return int(existing)
    result = conn.execute(
        insert(sd).values(
            transcript_id=tid,
            code_id=code_id,
            coder_id=coder_id,
            start=suggestion.span.start,
            end=suggestion.span.end,
            **values,
        )
    )
    assert result.inserted_primary_key is not None
    decision_id = int(result.inserted_primary_key[0])
    tx.images.created("suggestion_decisions", decision_id)
    return decision_id


def _decisions(conn: Connection, *where: Any) -> list[SuggestionDecision]:
    sd = t.suggestion_decisions
    query = (
        select(
            sd.c.id,
            sd.c.start,
            sd.c.end,
            sd.c.decision,
            sd.c.score,
            sd.c.source,
            sd.c.decided_at,
            sd.c.bulk,
            t.transcripts.c.name.label("transcript"),
            t.codes.c.name.label("code"),
            t.coders.c.name.label("coder"),
        )
        .join(t.transcripts, sd.c.transcript_id == t.transcripts.c.id)
        .join(t.codes, sd.c.code_id == t.codes.c.id)
        .join(t.coders, sd.c.coder_id == t.coders.c.id)
        .where(*where)
        .order_by(sd.c.id)
    )
    return [
        SuggestionDecision(
            id=r.id,
            transcript=r.transcript,
            span=Span(r.start, r.end),
            code=r.code,
            coder=r.coder,
            decision=Decision(r.decision),
            decided_at=aware(r.decided_at),
            score=r.score,
            source=SuggestionSource(r.source) if r.source else None,
            bulk=bool(r.bulk),
        )
        for r in conn.execute(query)
    ]
