"""The only place that speaks SQL. Returns model objects; every public write is one transaction."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from qualcode.errors import ConflictError, InputError, NotFoundError, QualcodeError, UnknownCodeError
from qualcode.model import (
    Case,
    Code,
    Codebook,
    Coding,
    CodingFilter,
    Event,
    Memo,
    MemoTarget,
    Origin,
    ParsedTranscript,
    Segment,
    Span,
    Transcript,
    TranscriptSummary,
    Turn,
)
from qualcode.model.codebook import ordered
from qualcode.model.transcript import spoken_words
from qualcode.store import schema as t
from qualcode.store.engine import WRITE_OPTION, busy_error, damaged_error, read_only_error
from qualcode.store.history import REDO, UNDO, UNDOABLE, RowImages, apply_images, pending

MAX_NAMES_IN_QUERY = 900  # more names than this are filtered after reading (SQLite caps bound values)
_LIST_FIELDS = ("include", "exclude", "examples", "keywords", "patterns")


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class NewCoding:
    """A coding to store: where, which code, by whom, and how it came about."""

    transcript: str
    span: Span
    code: str
    coder: str
    origin: Origin = Origin.MANUAL


@dataclass(frozen=True, slots=True)
class AnalysisRows:
    """Plain rows for the analyses: transcripts (name, text, case), turns (transcript, index, speaker,
    start, end), segments (transcript, index, turn, start, end), codings (id, transcript, code, coder,
    origin, start, end, created_at)."""

    transcripts: list[tuple[str, str, str | None]]
    turns: list[tuple[Any, ...]]
    segments: list[tuple[Any, ...]]
    codings: list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class NewTranscript:
    """A parsed, segmented transcript to store; segments are (turn index, start, end) in text order."""

    name: str
    parsed: ParsedTranscript
    content_hash: str
    source_name: str
    segments: Sequence[tuple[int, int, int]]


@dataclass
class _Tx:
    """An open write transaction, with the acting coder, that logs events as it goes.

    ``images`` collects the rows an action touches; an event logged after capturing any carries their
    before and after images, which is what undo and redo write back.
    """

    conn: Connection
    coder_id: int | None
    images: RowImages

    def log(self, action: str, /, **payload: Any) -> int:
        rows = self.images.payload()
        if rows:
            payload["rows"] = rows
        return _insert_id(
            self.conn,
            insert(t.events).values(at=now(), coder_id=self.coder_id, action=action, payload=payload),
        )


class Repository:
    """Reads and writes one project store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})

    # -- plumbing ---------------------------------------------------------------------------------

    @contextmanager
    def write(self, coder: str | None) -> Iterator[_Tx]:
        """One user action: everything inside commits together, durably, or not at all.

        Raises:
            ProjectFileError: when SQLite refuses the write because the project file or folder is read-only,
                or the file is damaged.
        """
        try:
            with self._writer.begin() as conn:
                coder_id = _coder_id(conn, coder) if coder is not None else None
                yield _Tx(conn, coder_id, RowImages(conn))
        except DatabaseError as exc:
            error = self._file_error(exc, writing=True)
            if error is None:
                raise
            raise error from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except DatabaseError as exc:
            error = self._file_error(exc, writing=False)
            if error is None:
                raise
            raise error from exc

    def _file_error(self, exc: DatabaseError, *, writing: bool) -> QualcodeError | None:
        """What the user can do when SQLite refused because of the project file (read-only, damaged, or
        locked by another program for longer than it waits)."""
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        if not database:
            return None
        path = Path(database)
        refused = read_only_error(path, exc) if writing and isinstance(exc, OperationalError) else None
        return refused or busy_error(path, exc) or damaged_error(path, exc)

    def get_meta(self, key: str) -> str | None:
        with self.read() as conn:
            value: str | None = conn.execute(select(t.meta.c.value).where(t.meta.c.key == key)).scalar()
            return value

    def set_meta(self, key: str, value: str, coder: str | None = None) -> None:
        with self.write(coder) as tx:
            _set_meta(tx.conn, key, value)

    def update_meta(self, key: str, change: Callable[[str | None], str | None]) -> None:
        """Read a meta value and write ``change(value)`` back in one write transaction (None: keep it), so
        two processes updating the same key cannot lose each other's update."""
        with self.write(None) as tx:
            value = tx.conn.execute(select(t.meta.c.value).where(t.meta.c.key == key)).scalar()
            changed = change(value)
            if changed is not None and changed != value:
                _set_meta(tx.conn, key, changed)

    # -- transcripts ------------------------------------------------------------------------------

    def transcript_name_for_hash(self, content_hash: str) -> str | None:
        with self.read() as conn:
            name: str | None = conn.execute(
                select(t.transcripts.c.name).where(t.transcripts.c.content_hash == content_hash)
            ).scalar()
            return name

    def transcript_hash(self, name: str) -> str | None:
        """The content hash of the transcript called ``name`` (None if there is none)."""
        with self.read() as conn:
            found: str | None = conn.execute(
                select(t.transcripts.c.content_hash).where(t.transcripts.c.name == name)
            ).scalar()
            return found

    def transcript_names_for_hashes(self, content_hashes: Iterable[str]) -> dict[str, str]:
        """The stored transcript's name for each of ``content_hashes`` already in the project, in one read."""
        wanted = sorted(set(content_hashes))
        if not wanted:
            return {}
        with self.read() as conn:
            rows = conn.execute(
                select(t.transcripts.c.content_hash, t.transcripts.c.name).where(
                    t.transcripts.c.content_hash.in_(wanted)
                )
            )
            return {content_hash: name for content_hash, name in rows}

    def add_transcripts(
        self, items: Sequence[NewTranscript], coder: str | None
    ) -> list[ConflictError | None]:
        """Store several transcripts in one commit, each all or nothing (a savepoint per transcript).

        One commit (one disk sync) for a batch keeps imports fast; a transcript that clashes is rolled
        back alone. Nothing is visible, or reported stored, before the commit returns.

        Returns:
            Per item, None when stored, or the ConflictError that refused it (same name or same content).
        """
        outcomes: list[ConflictError | None] = []
        with self.write(coder) as tx:
            for item in items:
                try:
                    with tx.conn.begin_nested():
                        _insert_transcript(tx, item)
                    outcomes.append(None)
                except ConflictError as exc:
                    outcomes.append(exc)
        return outcomes

    def add_transcript(self, item: NewTranscript, coder: str | None) -> None:
        """Store one transcript with its turns and segments, all or nothing.

        Raises:
            ConflictError: if the name or the content is already in the project.
        """
        outcome = self.add_transcripts([item], coder)[0]
        if outcome is not None:
            raise outcome

    def rename_transcript(self, old: str, new: str, coder: str | None) -> None:
        with self.write(coder) as tx:
            _transcript_id(tx.conn, old)
            if tx.conn.execute(select(t.transcripts.c.id).where(t.transcripts.c.name == new)).first():
                raise ConflictError(f"a transcript named {new!r} already exists", "choose another name")
            tx.conn.execute(update(t.transcripts).where(t.transcripts.c.name == old).values(name=new))
            tx.conn.execute(
                update(t.memos)
                .where(t.memos.c.target == MemoTarget.TRANSCRIPT.value, t.memos.c.target_name == old)
                .values(target_name=new)
            )
            tx.log("transcript.rename", old=old, new=new)

    def transcript(self, name: str) -> Transcript:
        with self.read() as conn:
            row = conn.execute(
                select(t.transcripts, t.cases.c.name.label("case_name"))
                .outerjoin(t.cases, t.transcripts.c.case_id == t.cases.c.id)
                .where(t.transcripts.c.name == name)
            ).first()
            if row is None:
                raise NotFoundError(
                    f"no transcript named {name!r}", "list them with: qualcode transcripts list"
                )
            turn_rows = conn.execute(
                select(t.turns).where(t.turns.c.transcript_id == row.id).order_by(t.turns.c.idx)
            )
            turns = tuple(Turn(r.idx, r.speaker, Span(r.start, r.end), r.time) for r in turn_rows)
        return Transcript(
            id=row.id,
            name=row.name,
            text=row.text,
            source_name=row.source_name,
            source_format=row.source_format,
            content_hash=row.content_hash,
            imported_at=aware(row.imported_at),
            case=row.case_name,
            turns=turns,
            uuid=row.uuid,
        )

    def analysis_rows(self) -> AnalysisRows:
        """Everything the analyses read, as plain rows from a handful of queries in one read.

        Building a model object per segment and per coding costs far more than the queries themselves on
        a project of 100,000 codings; the analyses turn these rows into frames directly.
        """
        with self.read() as conn:
            names = dict(conn.execute(select(t.transcripts.c.id, t.transcripts.c.name)).all())
            cases = dict(conn.execute(select(t.cases.c.id, t.cases.c.name)).all())
            transcripts = [
                (r.name, r.text, cases.get(r.case_id))
                for r in conn.execute(
                    select(t.transcripts.c.name, t.transcripts.c.text, t.transcripts.c.case_id)
                )
            ]
            turns = [
                (names[r[0]], *r[1:])
                for r in conn.execute(
                    select(
                        t.turns.c.transcript_id,
                        t.turns.c.idx,
                        t.turns.c.speaker,
                        t.turns.c.start,
                        t.turns.c.end,
                    )
                )
            ]
            segments = [
                (names[r[0]], *r[1:])
                for r in conn.execute(
                    select(
                        t.segments.c.transcript_id, t.segments.c.idx, t.segments.c.turn_idx,
                        t.segments.c.start, t.segments.c.end,
                    )
                )
            ]  # fmt: skip
            codings = [
                (r[0], names[r[1]], r[2], r[3], r[4], r[5], r[6], aware(r[7]))
                for r in conn.execute(
                    select(
                        t.codings.c.id, t.codings.c.transcript_id, t.codes.c.name, t.coders.c.name,
                        t.codings.c.origin, t.codings.c.start, t.codings.c.end, t.codings.c.created_at,
                    )
                    .join(t.codes, t.codes.c.id == t.codings.c.code_id)
                    .join(t.coders, t.coders.c.id == t.codings.c.coder_id)
                )
            ]  # fmt: skip
        return AnalysisRows(transcripts, turns, segments, codings)

    def texts(self) -> dict[str, str]:
        """Every transcript's text by name (for searching across the project)."""
        with self.read() as conn:
            return {r.name: r.text for r in conn.execute(select(t.transcripts.c.name, t.transcripts.c.text))}

    def transcript_names(self) -> list[str]:
        with self.read() as conn:
            return list(conn.execute(select(t.transcripts.c.name).order_by(t.transcripts.c.name)).scalars())

    def transcript_summaries(self, names: Collection[str] | None = None) -> list[TranscriptSummary]:
        """Every transcript's summary, or only those named (reading every text costs time on large projects)."""
        tr = t.transcripts
        turn_count = select(func.count()).where(t.turns.c.transcript_id == tr.c.id).scalar_subquery()
        seg_count = select(func.count()).where(t.segments.c.transcript_id == tr.c.id).scalar_subquery()
        coding_count = select(func.count()).where(t.codings.c.transcript_id == tr.c.id).scalar_subquery()
        query = (
            select(
                tr.c.name,
                tr.c.source_name,
                tr.c.source_format,
                tr.c.text,
                t.cases.c.name.label("case"),
                turn_count.label("turns"),
                seg_count.label("segments"),
                coding_count.label("codings"),
            )
            .outerjoin(t.cases, tr.c.case_id == t.cases.c.id)
            .order_by(tr.c.name)
        )
        wanted = None if names is None else set(names)
        if wanted is not None and len(wanted) <= MAX_NAMES_IN_QUERY:
            query = query.where(tr.c.name.in_(sorted(wanted)))
        with self.read() as conn:
            # Words are counted inside the turns: speaker labels and timestamps are not speech.
            turn_spans: dict[str, list[Span]] = {}
            for name, start, end in conn.execute(
                select(tr.c.name, t.turns.c.start, t.turns.c.end).join(
                    t.turns, t.turns.c.transcript_id == tr.c.id
                )
            ):
                turn_spans.setdefault(name, []).append(Span(start, end))
            return [
                TranscriptSummary(
                    name=r.name,
                    source_name=r.source_name,
                    source_format=r.source_format,
                    case=r.case,
                    characters=len(r.text),
                    words=spoken_words(r.text, turn_spans.get(r.name, ())),
                    turns=r.turns,
                    segments=r.segments,
                    codings=r.codings,
                )
                for r in conn.execute(query)
                if wanted is None or r.name in wanted
            ]

    def coders_with_codings(self) -> list[str]:
        """Names of the coders who have at least one coding, alphabetically."""
        query = select(t.coders.c.name).where(
            select(t.codings.c.id).where(t.codings.c.coder_id == t.coders.c.id).exists()
        )
        with self.read() as conn:
            return sorted(conn.execute(query).scalars())

    def coverage(self, coder: str) -> dict[str, tuple[int, int]]:
        """Per transcript: how many segments this coder has coded (any overlap), and how many there are."""
        seg, cod = t.segments, t.codings
        coded = (
            select(cod.c.id)
            .join(t.coders, cod.c.coder_id == t.coders.c.id)
            .where(
                t.coders.c.name == coder,
                cod.c.transcript_id == seg.c.transcript_id,
                cod.c.start < seg.c.end,
                seg.c.start < cod.c.end,
            )
            .exists()
        )
        query = (
            select(
                t.transcripts.c.name,
                func.count(seg.c.id),
                func.coalesce(func.sum(case((coded, 1), else_=0)), 0),
            )
            .select_from(t.transcripts)
            .outerjoin(seg, seg.c.transcript_id == t.transcripts.c.id)
            .group_by(t.transcripts.c.name)
        )
        with self.read() as conn:
            return {name: (int(done), int(total)) for name, total, done in conn.execute(query)}

    def segments(self, name: str) -> list[Segment]:
        with self.read() as conn:
            transcript_id = _transcript_id(conn, name)
            rows = conn.execute(
                select(t.segments)
                .where(t.segments.c.transcript_id == transcript_id)
                .order_by(t.segments.c.idx)
            )
            return [Segment(r.idx, r.turn_idx, Span(r.start, r.end)) for r in rows]

    # -- cases and attributes ---------------------------------------------------------------------

    def set_attributes(
        self,
        rows: dict[str, dict[str, str]],
        links: dict[str, str],
        coder: str | None,
        source: str,
        then: Callable[[_Tx], None] | None = None,
    ) -> None:
        """Record attributes per case and link transcripts to their case, in one transaction.

        Args:
            rows: case name -> attribute name -> value.
            links: transcript name -> case name.
            coder: who did it.
            source: the file the attributes came from, for the log.
            then: More of the same change, written in the same transaction (the file's speaker rules).
        """
        with self.write(coder) as tx:
            conn = tx.conn
            for case_name, values in rows.items():
                case_id = _case_id(conn, case_name)
                for attr, value in values.items():
                    conn.execute(
                        delete(t.attributes).where(
                            t.attributes.c.case_id == case_id, t.attributes.c.name == attr
                        )
                    )
                    conn.execute(insert(t.attributes).values(case_id=case_id, name=attr, value=value))
            for transcript_name, case_name in links.items():
                conn.execute(
                    update(t.transcripts)
                    .where(t.transcripts.c.name == transcript_name)
                    .values(case_id=_case_id(conn, case_name))
                )
            tx.log("attributes.set", source=source, cases=sorted(rows), links=links)
            if then is not None:
                then(tx)

    def cases(self) -> list[Case]:
        with self.read() as conn:
            attrs: dict[int, dict[str, str]] = {}
            for r in conn.execute(select(t.attributes).order_by(t.attributes.c.name)):
                attrs.setdefault(r.case_id, {})[r.name] = r.value
            linked: dict[int, list[str]] = {}
            for r in conn.execute(
                select(t.transcripts.c.case_id, t.transcripts.c.name).order_by(t.transcripts.c.name)
            ):
                if r.case_id is not None:
                    linked.setdefault(r.case_id, []).append(r.name)
            return [
                Case(r.name, attrs.get(r.id, {}), tuple(linked.get(r.id, ())))
                for r in conn.execute(select(t.cases).order_by(t.cases.c.name))
            ]

    # -- codebook ---------------------------------------------------------------------------------

    def codebook(self) -> Codebook:
        with self.read() as conn:
            return Codebook(
                codes=tuple(_load_codes(conn)),
                name=_get_meta(conn, "codebook.name") or "",
                version=_get_meta(conn, "codebook.version") or "",
                description=_get_meta(conn, "codebook.description") or "",
            )

    def import_codebook(
        self, codebook: Codebook, coder: str | None, source: str
    ) -> tuple[list[str], list[str]]:
        """Add the codebook's new codes and update the ones the project has (matched by name).

        Codings are kept: a code that exists is updated in place. Codes the file lacks are left alone.

        Returns:
            The names added and the names updated.
        """
        added: list[str] = []
        updated: list[str] = []
        with self.write(coder) as tx:
            conn = tx.conn
            existing = {c.name.casefold(): c for c in _load_codes(conn)}
            tx.images.capture("codes", list(conn.execute(select(t.codes.c.id)).scalars()))
            # Hotkeys and colours move between codes in an edited codebook: clear the file's ones first
            # so a swap does not trip the unique constraint half-way.
            incoming_keys = [c.hotkey for c in codebook if c.hotkey]
            if incoming_keys:
                conn.execute(update(t.codes).where(t.codes.c.hotkey.in_(incoming_keys)).values(hotkey=None))
            for position, code in enumerate(codebook.codes):
                if code.name.casefold() in existing:
                    stored = existing[code.name.casefold()]
                    conn.execute(
                        update(t.codes).where(t.codes.c.name == stored.name).values(**_code_values(code))
                    )
                    # The file may spell the name in another case; memos on the code follow it (and
                    # follow it back when the import is undone).
                    if stored.name != code.name:
                        tx.images.capture("memos", _memo_ids(conn, MemoTarget.CODE, stored.name))
                    _rename_memo_target(conn, MemoTarget.CODE, stored.name, code.name)
                    updated.append(code.name)
                else:
                    new_id = _insert_id(conn, insert(t.codes).values(**_code_values(code), position=position))
                    tx.images.created("codes", new_id)
                    added.append(code.name)
            for code in codebook.codes:
                parent_id = _code_id(conn, code.parent) if code.parent else None
                conn.execute(update(t.codes).where(t.codes.c.name == code.name).values(parent_id=parent_id))
            for key, value in (
                ("name", codebook.name),
                ("version", codebook.version),
                ("description", codebook.description),
            ):
                if value:
                    _set_meta(conn, f"codebook.{key}", value)
            tx.log("codebook.import", source=source, added=added, updated=updated)
        return added, updated

    def add_code(self, code: Code, coder: str | None) -> None:
        with self.write(coder) as tx:
            tx.images.created("codes", _insert_code(tx.conn, code))
            tx.log("code.add", code=code.name, parent=code.parent)

    def update_code(self, name: str, coder: str | None, **changes: Any) -> None:
        """Change a code's fields (definition, criteria, colour, hotkey, ...); logs old and new values."""
        with self.write(coder) as tx:
            code_id = _code_id(tx.conn, name)
            tx.images.capture("codes", [code_id])
            before = _load_code_row(tx.conn, code_id)
            values = _code_values_partial(changes)
            try:
                tx.conn.execute(update(t.codes).where(t.codes.c.id == code_id).values(**values))
            except IntegrityError as exc:
                raise ConflictError(
                    f"code {name!r}: that hotkey is taken by another code",
                    "choose a hotkey no other code has",
                ) from exc
            tx.log("code.update", code=name, before={k: before[k] for k in values}, after=values)

    def rename_code(self, old: str, new: str, coder: str | None) -> None:
        with self.write(coder) as tx:
            code_id = _code_id(tx.conn, old)
            if _find_code_id(tx.conn, new) not in (None, code_id):
                raise ConflictError(
                    f"a code named {new!r} already exists",
                    f"to combine them use: qualcode codebook merge PROJECT {old!r} {new!r}",
                )
            stored = tx.conn.execute(select(t.codes.c.name).where(t.codes.c.id == code_id)).scalar_one()
            tx.images.capture("codes", [code_id])
            tx.images.capture("memos", _memo_ids(tx.conn, MemoTarget.CODE, stored))
            tx.conn.execute(update(t.codes).where(t.codes.c.id == code_id).values(name=new))
            _rename_memo_target(tx.conn, MemoTarget.CODE, stored, new)
            tx.log("code.rename", old=stored, new=new)

    def move_code(self, name: str, new_parent: str | None, coder: str | None) -> None:
        with self.write(coder) as tx:
            conn = tx.conn
            code_id = _code_id(conn, name)
            parent_id = _code_id(conn, new_parent) if new_parent else None
            # Refuse to hang a code below its own descendant.
            if parent_id is not None and (parent_id == code_id or _is_below(conn, parent_id, code_id)):
                raise ConflictError(
                    f"cannot move {name!r} below {new_parent!r}: that is inside {name!r}",
                    "choose a parent outside it, or no parent to make it a top-level code",
                )
            old_parent = conn.execute(select(t.codes.c.parent_id).where(t.codes.c.id == code_id)).scalar()
            tx.images.capture("codes", [code_id])
            conn.execute(update(t.codes).where(t.codes.c.id == code_id).values(parent_id=parent_id))
            tx.log("code.move", code=name, old_parent=_code_name(conn, old_parent), new_parent=new_parent)

    def merge_codes(self, source: str, target: str, coder: str | None) -> tuple[int, int]:
        """Move every coding of ``source`` to ``target`` and delete ``source``.

        A coding that ``target`` already has for the same span and coder is not doubled.

        Returns:
            How many codings moved, and how many were dropped as twins of codings the target had.
        """
        with self.write(coder) as tx:
            conn = tx.conn
            source_id, target_id = _code_id(conn, source), _code_id(conn, target)
            if source_id == target_id:
                raise ConflictError(f"cannot merge {source!r} into itself", "name the code to merge it into")
            if conn.execute(select(t.codes.c.is_group).where(t.codes.c.id == target_id)).scalar():
                raise ConflictError(
                    f"{target!r} is a group and cannot hold codings", "merge into a codable code"
                )
            # Names as stored: the caller may have typed them in another case, and memos hold stored names.
            source, target = _code_name(conn, source_id) or source, _code_name(conn, target_id) or target
            children = list(
                conn.execute(select(t.codes.c.id).where(t.codes.c.parent_id == source_id)).scalars()
            )
            tx.images.capture("codes", [source_id, target_id, *children])
            tx.images.capture("codings", _coding_ids(conn, source_id))
            tx.images.capture("memos", _memo_ids(conn, MemoTarget.CODE, source))
            # A decision on the source (a rejection of it there) says nothing about the target: the decisions
            # go with the source (ON DELETE CASCADE), captured so undo brings them back.
            tx.images.capture("suggestion_decisions", _decision_ids(conn, source_id))
            moved, dropped = _move_codings(conn, source_id, target_id, None)
            removed = _load_code_row(conn, source_id)
            if _is_below(conn, target_id, source_id):
                # The target takes the source's place first, so its old ancestors cannot end up below it.
                conn.execute(
                    update(t.codes).where(t.codes.c.id == target_id).values(parent_id=removed["parent_id"])
                )
            conn.execute(update(t.codes).where(t.codes.c.parent_id == source_id).values(parent_id=target_id))
            conn.execute(delete(t.codes).where(t.codes.c.id == source_id))
            _rename_memo_target(conn, MemoTarget.CODE, source, target)
            tx.log("code.merge", source=source, target=target, moved=moved, dropped=dropped, removed=removed)
            return len(moved), len(dropped)

    def split_code(self, name: str, new: str, coding_ids: Iterable[int], coder: str | None) -> int:
        """Make a new sibling code and move the listed codings of ``name`` to it.

        Returns:
            How many codings moved.
        """
        ids = sorted(set(coding_ids))
        with self.write(coder) as tx:
            conn = tx.conn
            code_id = _code_id(conn, name)
            if _find_code_id(conn, new) is not None:
                raise ConflictError(f"a code named {new!r} already exists", "choose a new name for the split")
            owned = set(
                conn.execute(
                    select(t.codings.c.id).where(t.codings.c.code_id == code_id, t.codings.c.id.in_(ids))
                ).scalars()
            )
            strays = [i for i in ids if i not in owned]
            if strays:
                raise NotFoundError(
                    f"codings {strays} are not codings of {name!r}",
                    f"list them with: qualcode codings PROJECT --code {name!r}",
                )
            parent = conn.execute(select(t.codes.c.parent_id).where(t.codes.c.id == code_id)).scalar()
            tx.images.capture("codings", ids)
            new_id = _insert_code(conn, Code(name=new, parent=_code_name(conn, parent)))
            tx.images.created("codes", new_id)
            moved, _dropped = _move_codings(conn, code_id, new_id, ids)
            tx.log("code.split", code=name, new=new, moved=moved)
            return len(moved)

    def delete_code(self, name: str, coder: str | None, *, with_codings: bool) -> int:
        """Delete a code; its codings go too only when ``with_codings`` confirms it.

        Returns:
            How many codings were deleted.

        Raises:
            ConflictError: if the code has codings (and no confirmation) or has children.
        """
        with self.write(coder) as tx:
            conn = tx.conn
            code_id = _code_id(conn, name)
            if conn.execute(select(t.codes.c.id).where(t.codes.c.parent_id == code_id)).first():
                raise ConflictError(f"code {name!r} has sub-codes", "move or delete its sub-codes first")
            rows = [
                dict(r._mapping) for r in conn.execute(_coding_query().where(t.codings.c.code_id == code_id))
            ]
            if rows and not with_codings:
                raise ConflictError(
                    f"code {name!r} has {len(rows)} codings",
                    "confirm that they go too (--with-codings), or merge the code into another",
                )
            tx.images.capture("codes", [code_id])
            tx.images.capture("codings", _coding_ids(conn, code_id))
            # The code's remembered decisions go with it (ON DELETE CASCADE); captured so undo brings them back.
            tx.images.capture("suggestion_decisions", _decision_ids(conn, code_id))
            conn.execute(delete(t.codings).where(t.codings.c.code_id == code_id))
            removed = _load_code_row(conn, code_id)
            conn.execute(delete(t.codes).where(t.codes.c.id == code_id))
            tx.log("code.delete", code=name, removed=removed, codings=[_jsonable(r) for r in rows])
            return len(rows)

    def coding_counts(self) -> dict[str, int]:
        with self.read() as conn:
            query = (
                select(t.codes.c.name, func.count(t.codings.c.id))
                .outerjoin(t.codings, t.codings.c.code_id == t.codes.c.id)
                .group_by(t.codes.c.name)
            )
            return {name: count for name, count in conn.execute(query)}

    # -- codings ----------------------------------------------------------------------------------

    def add_codings(
        self,
        items: Sequence[NewCoding],
        acting_coder: str | None,
        *,
        create_codes: bool,
        action: str = "coding.add",
        **log: Any,
    ) -> tuple[list[Coding], list[str]]:
        """Store codings in one transaction; an existing identical coding is kept, not doubled.

        Returns:
            The codings now stored for each item, and the names of codes that were created.

        Raises:
            NotFoundError: for an unknown transcript, or an unknown code when ``create_codes`` is off.
            ConflictError: for a group code, or a span past the end of its transcript.
        """
        created: list[str] = []
        stored: list[Coding] = []
        stamp = now()  # one action, one time: the pieces of a selection across turns share it
        with self.write(acting_coder) as tx:
            conn = tx.conn
            transcripts: dict[str, tuple[int, int]] = {}
            code_ids: dict[str, int] = {}
            added_ids: list[int] = []
            for item in items:
                if item.transcript not in transcripts:
                    tid = _transcript_id(conn, item.transcript)
                    length = conn.execute(
                        select(func.length(t.transcripts.c.text)).where(t.transcripts.c.id == tid)
                    ).scalar_one()
                    transcripts[item.transcript] = (tid, length)
                tid, length = transcripts[item.transcript]
                if item.span.end > length:
                    raise ConflictError(
                        f"span [{item.span.start}, {item.span.end}) runs past the end of {item.transcript!r} "
                        f"({length} characters)",
                        "check the start and end offsets",
                    )
                if item.code not in code_ids:
                    found = _find_code_id(conn, item.code)
                    if found is None:
                        if not create_codes:
                            raise UnknownCodeError(
                                f"no code named {item.code!r}",
                                "add it to the codebook, or list codes: qualcode codebook show",
                            )
                        found = _insert_code(conn, Code(name=item.code))
                        tx.images.created("codes", found)
                        created.append(item.code)
                    elif conn.execute(select(t.codes.c.is_group).where(t.codes.c.id == found)).scalar():
                        raise ConflictError(
                            f"{item.code!r} is a group of codes and cannot be applied",
                            "apply one of its sub-codes",
                        )
                    code_ids[item.code] = found
                coder_id = _coder_id(conn, item.coder)
                key = and_(
                    t.codings.c.transcript_id == tid,
                    t.codings.c.code_id == code_ids[item.code],
                    t.codings.c.coder_id == coder_id,
                    t.codings.c.start == item.span.start,
                    t.codings.c.end == item.span.end,
                )
                existing = conn.execute(select(t.codings.c.id).where(key)).scalar()
                if existing is None:
                    existing = _insert_id(
                        conn,
                        insert(t.codings).values(
                            transcript_id=tid,
                            code_id=code_ids[item.code],
                            coder_id=coder_id,
                            start=item.span.start,
                            end=item.span.end,
                            origin=item.origin.value,
                            created_at=stamp,
                        ),
                    )
                    added_ids.append(existing)
                    tx.images.created("codings", existing)
                stored.append(coding_by_id(conn, existing))
            if added_ids or created:
                added = [c for c in stored if c.id in set(added_ids)]
                tx.log(action, codings=[coding_payload(c) for c in added], created_codes=created, **log)
        return stored, created

    def remove_coding(self, transcript: str, span: Span, code: str, coder: str) -> Coding | None:
        """Remove one coding; returns what was removed, or None if there was no such coding."""
        with self.write(coder) as tx:
            conn = tx.conn
            query = _coding_query().where(
                t.transcripts.c.name == transcript,
                func.lower(t.codes.c.name) == code.lower(),
                t.coders.c.name == coder,
                t.codings.c.start == span.start,
                t.codings.c.end == span.end,
            )
            row = conn.execute(query).first()
            if row is None:
                return None
            coding = _row_to_coding(row)
            tx.images.capture("codings", [coding.id])
            conn.execute(delete(t.codings).where(t.codings.c.id == coding.id))
            tx.log("coding.remove", codings=[coding_payload(coding)])
            return coding

    def remove_codings(self, codings: Sequence[Coding], coder: str) -> list[Coding]:
        """Remove these codings in one transaction (one undo step); returns those that were still there."""
        with self.write(coder) as tx:
            conn = tx.conn
            ids = [c.id for c in codings]
            found = [_row_to_coding(r) for r in conn.execute(_coding_query().where(t.codings.c.id.in_(ids)))]
            if found:
                tx.images.capture("codings", [c.id for c in found])
                conn.execute(delete(t.codings).where(t.codings.c.id.in_([c.id for c in found])))
                tx.log("coding.remove", codings=[coding_payload(c) for c in found])
            return found

    def codings(self, flt: CodingFilter | None = None, *, span: Span | None = None) -> list[Coding]:
        """Codings matching the filter (and, when given, on exactly ``span``), in text order."""
        flt = flt or CodingFilter()
        query = _coding_query()
        if span is not None:
            query = query.where(t.codings.c.start == span.start, t.codings.c.end == span.end)
        if flt.transcripts:
            query = query.where(t.transcripts.c.name.in_(flt.transcripts))
        if flt.codes:
            query = query.where(func.lower(t.codes.c.name).in_([c.lower() for c in flt.codes]))
        if flt.coders:
            query = query.where(t.coders.c.name.in_(flt.coders))
        if flt.origins:
            query = query.where(t.codings.c.origin.in_([o.value for o in flt.origins]))
        for attr, value in flt.attributes:
            query = query.where(
                t.transcripts.c.case_id.in_(
                    select(t.attributes.c.case_id).where(
                        t.attributes.c.name == attr, t.attributes.c.value == value
                    )
                )
            )
        query = query.order_by(t.transcripts.c.name, t.codings.c.start, t.codings.c.end, t.codes.c.name)
        with self.read() as conn:
            return [_row_to_coding(r) for r in conn.execute(query)]

    # -- memos and events -------------------------------------------------------------------------

    def add_memo(self, target: MemoTarget, target_name: str | None, text: str, coder: str) -> Memo:
        with self.write(coder) as tx:
            conn = tx.conn
            if target is MemoTarget.TRANSCRIPT and target_name is not None:
                _transcript_id(conn, target_name)
            elif target is MemoTarget.CODE and target_name is not None:
                target_name = _code_name(conn, _code_id(conn, target_name))
            elif target is MemoTarget.CODING and target_name is not None:
                coding_by_id(conn, int(target_name))
            stamp = now()
            memo_uuid = t.new_uuid()
            memo_id = _insert_id(
                conn,
                insert(t.memos).values(
                    uuid=memo_uuid,
                    target=target.value,
                    target_name=target_name,
                    coder_id=tx.coder_id,
                    text=text,
                    created_at=stamp,
                    updated_at=stamp,
                ),
            )
            tx.images.created("memos", memo_id)
            tx.log("memo.add", memo_id=memo_id, target=target.value, target_name=target_name)
        return Memo(memo_id, target, target_name, coder, text, stamp, stamp, memo_uuid)

    def undo(self, coder: str) -> Event | None:
        """Undo the coder's latest change that is not undone yet; None when there is nothing to undo.

        Raises:
            ConflictError: if the rows it touched have changed since so that it cannot be undone.
        """
        return self._travel(coder, UNDO)

    def redo(self, coder: str) -> Event | None:
        """Redo the coder's latest undone change, if nothing new was done since; None otherwise."""
        return self._travel(coder, REDO)

    def _travel(self, coder: str, direction: str) -> Event | None:
        try:
            return self._travel_once(coder, direction)
        except IntegrityError as exc:  # a reference checked at commit: e.g. others coded with a code since
            raise ConflictError(
                f"cannot {direction} this: others have since built on what it changed",
                "make the change by hand instead",
            ) from exc

    def _travel_once(self, coder: str, direction: str) -> Event | None:
        with self.write(coder) as tx:
            conn = tx.conn
            history = [
                (r.id, r.action, (r.payload or {}).get("event") if r.action in (UNDO, REDO) else None)
                for r in conn.execute(
                    select(t.events.c.id, t.events.c.action, t.events.c.payload)
                    .where(t.events.c.coder_id == tx.coder_id, t.events.c.action.in_([*UNDOABLE, UNDO, REDO]))
                    .order_by(t.events.c.id)
                )
            ]
            done, undone = pending(history)
            stack = done if direction == UNDO else undone
            if not stack:
                return None
            target = conn.execute(select(t.events).where(t.events.c.id == stack[-1])).one()
            apply_images(conn, target.payload["rows"], "before" if direction == UNDO else "after")
            tx.log(direction, event=target.id, action=target.action)
            return Event(target.id, aware(target.at), coder, target.action, target.payload)

    def changes_after(self, event_id: int) -> list[tuple[int, str | None, str]]:
        """Who did what since ``event_id``: (id, coder, action) of each newer event, oldest first."""
        query = (
            select(t.events.c.id, t.coders.c.name, t.events.c.action)
            .outerjoin(t.coders, t.events.c.coder_id == t.coders.c.id)
            .where(t.events.c.id > event_id)
            .order_by(t.events.c.id)
        )
        with self.read() as conn:
            return [(int(r[0]), r[1], str(r[2])) for r in conn.execute(query)]

    def last_event_id(self) -> int:
        """The id of the newest event: a cheap way to notice that another process changed the project."""
        with self.read() as conn:
            return int(conn.execute(select(func.coalesce(func.max(t.events.c.id), 0))).scalar_one())

    def update_memo(self, memo_id: int, text: str, coder: str) -> None:
        """Replace a memo's text (undoable)."""
        with self.write(coder) as tx:
            if tx.conn.execute(select(t.memos.c.id).where(t.memos.c.id == memo_id)).first() is None:
                raise NotFoundError(f"no memo with id {memo_id}", "list memos with: qualcode memos PROJECT")
            tx.images.capture("memos", [memo_id])
            tx.conn.execute(
                update(t.memos).where(t.memos.c.id == memo_id).values(text=text, updated_at=now())
            )
            tx.log("memo.update", memo_id=memo_id)

    def memos(self) -> list[Memo]:
        """Every memo, oldest first; a memo on a coding that is gone says so (``target_removed``)."""
        memos, codings = t.memos, t.codings
        # The coding a memo names is the one it was written on only if it was there when the memo was
        # written: before ids were kept from reuse (migration 0004) a later coding could take the id of a
        # deleted one, and a memo written before that coding existed cannot be about it.
        on_its_coding = (
            select(codings.c.id)
            .where(
                codings.c.id == cast(memos.c.target_name, Integer),
                codings.c.created_at <= memos.c.created_at,
            )
            .exists()
        )
        removed = and_(memos.c.target == MemoTarget.CODING.value, ~on_its_coding)
        query = (
            select(memos, t.coders.c.name.label("author"), removed.label("removed"))
            .join(t.coders, memos.c.coder_id == t.coders.c.id)
            .order_by(memos.c.id)
        )
        with self.read() as conn:
            return [
                Memo(
                    r.id,
                    MemoTarget(r.target),
                    r.target_name,
                    r.author,
                    r.text,
                    aware(r.created_at),
                    aware(r.updated_at),
                    r.uuid,
                    target_removed=bool(r.removed) and r.target_name is not None,
                )
                for r in conn.execute(query)
            ]

    def events(self, limit: int | None = None) -> list[Event]:
        query = (
            select(t.events, t.coders.c.name.label("coder"))
            .outerjoin(t.coders, t.events.c.coder_id == t.coders.c.id)
            .order_by(t.events.c.id.desc())
        )
        if limit:
            query = query.limit(limit)
        with self.read() as conn:
            rows = list(conn.execute(query))
        return [Event(r.id, aware(r.at), r.coder, r.action, r.payload) for r in reversed(rows)]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables, for ``qualcode stats``."""
        tables = {
            "transcripts": t.transcripts,
            "turns": t.turns,
            "segments": t.segments,
            "cases": t.cases,
            "codes": t.codes,
            "codings": t.codings,
            "coders": t.coders,
            "memos": t.memos,
            "events": t.events,
        }
        with self.read() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(tbl)).scalar_one()
                for name, tbl in tables.items()
            }


# -- helpers (all run inside an open connection) --------------------------------------------------


def _bulk_insert(conn: Connection, table: Any, rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> None:
    """Insert many rows through the driver's executemany, skipping per-row parameter processing.

    The statement is compiled for the connection's dialect, so the same call serves SQLite and PostgreSQL.
    """
    if not rows:
        return
    sql, order = _compiled_insert(conn.dialect, table, columns)
    if order is None:
        conn.exec_driver_sql(sql, [dict(zip(columns, row, strict=True)) for row in rows])
    elif order == list(range(len(columns))):  # the usual case: rows go to the driver as they are
        conn.exec_driver_sql(sql, rows)
    else:
        conn.exec_driver_sql(sql, [tuple(row[i] for i in order) for row in rows])


@lru_cache(maxsize=32)
def _compiled_insert(dialect: Any, table: Any, columns: tuple[str, ...]) -> tuple[str, list[int] | None]:
    """The INSERT for ``columns`` in the dialect's own parameter style, and the column order if positional."""
    compiled = insert(table).values({c: None for c in columns}).compile(dialect=dialect)
    order = [columns.index(name) for name in compiled.positiontup or ()] if compiled.positional else None
    return str(compiled), order


# Built once, with bound parameters: building and keying a statement per transcript costs SQLAlchemy more
# than running it costs SQLite.
_CLASHING_TRANSCRIPT = select(t.transcripts.c.name, t.transcripts.c.content_hash).where(
    (t.transcripts.c.name == bindparam("clash_name"))
    | (t.transcripts.c.content_hash == bindparam("clash_hash"))
)
_NEW_TRANSCRIPT = insert(t.transcripts)


def _insert_transcript(tx: _Tx, item: NewTranscript) -> None:
    conn = tx.conn
    clash = conn.execute(
        _CLASHING_TRANSCRIPT, {"clash_name": item.name, "clash_hash": item.content_hash}
    ).first()
    if clash is not None:
        if clash.content_hash == item.content_hash:
            raise ConflictError(f"same content as transcript {clash.name!r}, already imported")
        raise ConflictError(
            f"a transcript named {item.name!r} already exists",
            f"rename one: qualcode transcripts rename PROJECT {item.name} NEW-NAME",
        )
    parsed = item.parsed
    key = conn.execute(
        _NEW_TRANSCRIPT,
        {
            "name": item.name,
            "text": parsed.text,
            "content_hash": item.content_hash,
            "source_name": item.source_name,
            "source_format": parsed.source_format,
            "imported_at": now(),
        },
    ).inserted_primary_key
    assert key is not None
    transcript_id = int(key[0])
    _bulk_insert(
        conn,
        t.turns,
        [(transcript_id, u.index, u.speaker, u.span.start, u.span.end, u.time) for u in parsed.turns],
        ("transcript_id", "idx", "speaker", "start", "end", "time"),
    )
    _bulk_insert(
        conn,
        t.segments,
        [(transcript_id, i, turn, start, end) for i, (turn, start, end) in enumerate(item.segments)],
        ("transcript_id", "idx", "turn_idx", "start", "end"),
    )
    tx.log(
        "transcript.import",
        name=item.name,
        source=item.source_name,
        format=parsed.source_format,
        turns=len(parsed.turns),
        segments=len(item.segments),
    )


def _memo_ids(conn: Connection, target: MemoTarget, name: str) -> list[int]:
    return list(
        conn.execute(
            select(t.memos.c.id).where(t.memos.c.target == target.value, t.memos.c.target_name == name)
        ).scalars()
    )


def _coding_ids(conn: Connection, code_id: int) -> list[int]:
    return list(conn.execute(select(t.codings.c.id).where(t.codings.c.code_id == code_id)).scalars())


def _decision_ids(conn: Connection, code_id: int) -> list[int]:
    query = select(t.suggestion_decisions.c.id).where(t.suggestion_decisions.c.code_id == code_id)
    return list(conn.execute(query).scalars())


def _insert_id(conn: Connection, statement: Any) -> int:
    """Run an INSERT and return the new row's id."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def _get_meta(conn: Connection, key: str) -> str | None:
    value: str | None = conn.execute(select(t.meta.c.value).where(t.meta.c.key == key)).scalar()
    return value


def _set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(delete(t.meta).where(t.meta.c.key == key))
    conn.execute(insert(t.meta).values(key=key, value=value))


def _coder_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(t.coders.c.id).where(t.coders.c.name == name)).scalar()
    if found is None:
        if not name.strip():  # work by nobody could not be told apart, undone or compared
            raise InputError(
                "the coder's name is empty", "say who is coding (--coder NAME, or $QUALCODE_CODER)"
            )
        if name != name.strip():  # " ana" would be another coder than "ana", and look the same
            raise InputError(f"the coder's name {name!r} has spaces at its ends", f"use {name.strip()!r}")
        found = _insert_id(conn, insert(t.coders).values(name=name))
    return int(found)


def _case_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(t.cases.c.id).where(t.cases.c.name == name)).scalar()
    if found is None:
        found = _insert_id(conn, insert(t.cases).values(name=name))
    return int(found)


def _transcript_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(t.transcripts.c.id).where(t.transcripts.c.name == name)).scalar()
    if found is None:
        raise NotFoundError(
            f"no transcript named {name!r}", "list them with: qualcode transcripts list PROJECT"
        )
    return int(found)


def _find_code_id(conn: Connection, name: str) -> int | None:
    found = conn.execute(select(t.codes.c.id).where(func.lower(t.codes.c.name) == name.lower())).scalar()
    return None if found is None else int(found)


def _code_id(conn: Connection, name: str) -> int:
    found = _find_code_id(conn, name)
    if found is None:
        raise UnknownCodeError(
            f"no code named {name!r}", "list the codes with: qualcode codebook show PROJECT"
        )
    return found


def _code_name(conn: Connection, code_id: int | None) -> str | None:
    if code_id is None:
        return None
    name: str | None = conn.execute(select(t.codes.c.name).where(t.codes.c.id == code_id)).scalar()
    return name


def _is_below(conn: Connection, code_id: int, ancestor_id: int) -> bool:
    """Whether ``code_id`` lies somewhere under ``ancestor_id`` in the code tree."""
    seen: set[int] = set()
    cursor = conn.execute(select(t.codes.c.parent_id).where(t.codes.c.id == code_id)).scalar()
    while cursor is not None and cursor not in seen:
        if cursor == ancestor_id:
            return True
        seen.add(cursor)
        cursor = conn.execute(select(t.codes.c.parent_id).where(t.codes.c.id == cursor)).scalar()
    return False


def _code_values(code: Code) -> dict[str, Any]:
    return {
        "name": code.name,
        "is_group": code.group,
        "definition": code.definition,
        "include": list(code.include),
        "exclude": list(code.exclude),
        "examples": list(code.examples),
        "keywords": list(code.keywords),
        "patterns": list(code.patterns),
        "colour": code.colour,
        "hotkey": code.hotkey,
    }


_EDITABLE = {"definition", "include", "exclude", "examples", "keywords", "patterns", "colour", "hotkey"}


def _code_values_partial(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ConflictError(
            f"cannot change {', '.join(sorted(unknown))} this way",
            "rename, move, merge or split the code instead",
        )
    return {k: list(v) if k in _LIST_FIELDS else v for k, v in changes.items()}


def _insert_code(conn: Connection, code: Code) -> int:
    position = conn.execute(select(func.coalesce(func.max(t.codes.c.position), -1) + 1)).scalar_one()
    parent_id = _code_id(conn, code.parent) if code.parent else None
    if _find_code_id(conn, code.name) is not None:
        raise ConflictError(
            f"a code named {code.name!r} already exists", "choose another name, or use the code that exists"
        )
    return int(
        _insert_id(conn, insert(t.codes).values(**_code_values(code), parent_id=parent_id, position=position))
    )


def _load_code_row(conn: Connection, code_id: int) -> dict[str, Any]:
    row = conn.execute(select(t.codes).where(t.codes.c.id == code_id)).one()
    return dict(row._mapping)


def _load_codes(conn: Connection) -> list[Code]:
    rows = list(conn.execute(select(t.codes).order_by(t.codes.c.position, t.codes.c.id)))
    names = {r.id: r.name for r in rows}
    codes = [
        Code(
            name=r.name,
            parent=names.get(r.parent_id),
            group=bool(r.is_group),
            definition=r.definition,
            include=tuple(r.include),
            exclude=tuple(r.exclude),
            examples=tuple(r.examples),
            keywords=tuple(r.keywords),
            patterns=tuple(r.patterns),
            colour=r.colour,
            hotkey=r.hotkey,
            uuid=r.uuid,
        )
        for r in rows
    ]
    return ordered(codes)


def _rename_memo_target(conn: Connection, target: MemoTarget, old: str, new: str) -> None:
    conn.execute(
        update(t.memos)
        .where(t.memos.c.target == target.value, t.memos.c.target_name == old)
        .values(target_name=new)
    )


def _coding_query() -> Any:
    return (
        select(
            t.codings.c.id,
            t.codings.c.uuid,
            t.codings.c.start,
            t.codings.c.end,
            t.codings.c.origin,
            t.codings.c.created_at,
            t.transcripts.c.name.label("transcript"),
            t.codes.c.name.label("code"),
            t.coders.c.name.label("coder"),
            func.substr(
                t.transcripts.c.text, t.codings.c.start + 1, t.codings.c.end - t.codings.c.start
            ).label("text"),
        )
        .join(t.transcripts, t.codings.c.transcript_id == t.transcripts.c.id)
        .join(t.codes, t.codings.c.code_id == t.codes.c.id)
        .join(t.coders, t.codings.c.coder_id == t.coders.c.id)
    )


def _row_to_coding(r: Any) -> Coding:
    return Coding(
        id=r.id,
        transcript=r.transcript,
        span=Span(r.start, r.end),
        code=r.code,
        coder=r.coder,
        created_at=aware(r.created_at),
        origin=Origin(r.origin),
        text=r.text,
        uuid=r.uuid,
    )


def coding_by_id(conn: Connection, coding_id: int) -> Coding:
    row = conn.execute(_coding_query().where(t.codings.c.id == coding_id)).first()
    if row is None:
        raise NotFoundError(f"no coding with id {coding_id}", "list codings with: qualcode codings PROJECT")
    return _row_to_coding(row)


def coding_payload(c: Coding) -> dict[str, Any]:
    """A coding as the event log records it (undo and the audit trail read this shape)."""
    return {
        "id": c.id,
        "transcript": c.transcript,
        "start": c.span.start,
        "end": c.span.end,
        "code": c.code,
        "coder": c.coder,
        "origin": c.origin.value,
    }


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def _move_codings(
    conn: Connection, source_id: int, target_id: int, only: list[int] | None
) -> tuple[list[int], list[dict[str, Any]]]:
    """Re-point codings from one code to another; drop those the target already has (same span, coder)."""
    query = select(t.codings).where(t.codings.c.code_id == source_id)
    if only is not None:
        query = query.where(t.codings.c.id.in_(only))
    moved: list[int] = []
    dropped: list[dict[str, Any]] = []
    for row in list(conn.execute(query)):
        twin = conn.execute(
            select(t.codings.c.id).where(
                t.codings.c.code_id == target_id,
                t.codings.c.transcript_id == row.transcript_id,
                t.codings.c.coder_id == row.coder_id,
                t.codings.c.start == row.start,
                t.codings.c.end == row.end,
            )
        ).first()
        if twin is None:
            conn.execute(update(t.codings).where(t.codings.c.id == row.id).values(code_id=target_id))
            moved.append(row.id)
        else:
            dropped.append(_jsonable(dict(row._mapping)))
            conn.execute(delete(t.codings).where(t.codings.c.id == row.id))
    return moved, dropped
