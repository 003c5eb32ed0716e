"""The one headless API that the CLI, the workbench and notebooks use.

>>> from qualcode import Project
>>> project = Project.init("study.qualcode")                       # doctest: +SKIP
>>> project.import_transcripts(["transcripts/P01.txt"])            # doctest: +SKIP
>>> project.code("P01", "Being othered", coder="ana", quote="like an outsider")  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.errors import (
    CodebookError,
    ConflictError,
    InputError,
    NotFoundError,
    QualcodeError,
    UnknownCodeError,
)
from qualcode.formats import codebook_yaml, parse_transcript, tables
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
    spoken_words,
)
from qualcode.model.speakers import (
    Speaker,
    SpeakerRole,
    SpeakerRule,
    decide_speakers,
    label_key,
    parse_assignment,
    parse_role,
)
from qualcode.store.engine import create_project_store, open_project_store
from qualcode.store.repository import NewCoding, NewTranscript, Repository

# Meta key of what a coder has had on screen in the workbench: {content hash: [[start, end], ...]}.
READING_KEY = "suggest.read.{coder}"

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # an interview is far smaller; a bigger file is almost surely a mistake
IMPORT_BATCH = 16  # files segmented together: spaCy streams faster, memory stays bounded


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Progress of a batch import: ``done`` of ``total`` files, working on ``current``."""

    done: int
    total: int
    current: str


@dataclass(frozen=True, slots=True)
class FileResult:
    """What became of one file in a batch import."""

    path: Path
    status: str  # "imported", "skipped" (same content already there) or "refused"
    message: str
    name: str | None = None
    turns: int = 0
    segments: int = 0
    words: int = 0
    warnings: tuple[str, ...] = ()  # lines the importer was unsure of, and what it did with them


@dataclass(frozen=True, slots=True)
class AttributeReport:
    """What an attributes CSV did: cases touched, transcripts linked, rows that matched nothing."""

    cases: list[str]
    linked: dict[str, str]
    unmatched: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CodingsReport:
    """What ``import_codings`` stored."""

    added: int
    already_present: int
    created_codes: list[str]
    cut: int = 0  # rows whose span reached past a turn's words (labels, timestamps) and was cut to them
    split: int = 0  # rows whose span crossed turns, stored as one coding per turn


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A match of a search: where it is, and the line around it for display."""

    transcript: str
    span: Span
    context: str


def _context(text: str, match: re.Match[str], width: int = 60) -> str:
    start = max(0, match.start() - width)
    end = min(len(text), match.end() + width)
    return " ".join(text[start:end].split())


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def locate_quote(text: str, quote: str, occurrence: int | None, where: str) -> Span:
    """The span of ``quote`` in ``text``; white space may differ (line breaks, double spaces).

    Args:
        text: The transcript text.
        quote: The words to find.
        occurrence: Which match (1-based) when the quote appears more than once.
        where: For messages (file and line, or transcript).

    Raises:
        InputError: if the quote is not there, or is there several times and no occurrence says which.
    """
    words = quote.split()
    if not words:
        raise InputError(f"{where}: the quote is empty", "give the words to code")
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    matches = list(pattern.finditer(text))
    if not matches:
        raise InputError(
            f"{where}: quote not found in the transcript: {_preview(quote)}",
            "copy the words exactly from the transcript, or give --start/--end",
        )
    if occurrence is None:
        if len(matches) > 1:
            raise InputError(
                f"{where}: the quote appears {len(matches)} times: {_preview(quote)}",
                "say which one with an occurrence number (1 for the first)",
            )
        occurrence = 1
    if not 1 <= occurrence <= len(matches):
        raise InputError(
            f"{where}: occurrence {occurrence} asked for, but the quote appears {len(matches)} times",
            "use an occurrence number from 1 to the count",
        )
    found = matches[occurrence - 1]
    return Span(found.start(), found.end())


NOT_SPEECH = "that text is a speaker label or timestamp, not speech: select the words"


def cut_to_speech(transcript: Transcript, span: Span, where: str) -> list[Span]:
    """``span`` cut to the turns' words: one piece per turn it reaches, empty and blank pieces skipped.

    Labels and timestamps between turns are never coded, and each piece is one speaker's, so a coding
    can be attributed to its speaker's case truthfully. A transcript without turns keeps the span whole.

    Raises:
        InputError: if no piece is left (the span holds only a label, a timestamp or white space).
    """
    if not transcript.turns:
        return [span]
    pieces: list[Span] = []
    for turn in transcript.turns:
        start, end = max(span.start, turn.span.start), min(span.end, turn.span.end)
        if start < end and transcript.text[start:end].strip():
            pieces.append(Span(start, end))
    if not pieces:
        raise InputError(f"{where}: {NOT_SPEECH}", "a coding holds the words of one speaker")
    return pieces


def _preview(quote: str) -> str:
    # Enough to recognise the quote in an error without spilling a whole passage into a terminal log.
    words = quote.split()
    return repr(" ".join(words[:8]) + (" ..." if len(words) > 8 else ""))


class Project:
    """One study: transcripts, cases, codebook, codings, memos and the log of every change."""

    def __init__(self, path: Path, repository: Repository) -> None:
        self.path = path
        self.repo = repository

    # -- opening ----------------------------------------------------------------------------------

    @classmethod
    def init(cls, path: str | Path) -> Project:
        """Create a new, empty project file."""
        path = Path(path)
        engine = create_project_store(path)
        project = cls(path, Repository(engine))
        from qualcode import __version__

        project.repo.set_meta("created_with", f"qualcode {__version__}")
        return project

    @classmethod
    def open(cls, path: str | Path, *, reading: bool = False) -> Project:
        """Open an existing project file (upgrading an older schema in place).

        Args:
            reading: Only reading is intended: a project that cannot be written (on read-only storage)
                is then opened read-only instead of refused, and a write through it is refused.
        """
        path = Path(path)
        return cls(path, Repository(open_project_store(path, reading=reading)))

    def close(self) -> None:
        self.repo.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- transcripts ------------------------------------------------------------------------------

    def iter_import(
        self,
        paths: Sequence[str | Path],
        *,
        format: str = "auto",
        coder: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        pipeline: str | None = None,
    ) -> Iterator[ImportProgress | FileResult]:
        """Import transcript files, yielding progress and one result per file.

        Each file is stored in its own transaction: a file that fails leaves nothing behind, and the
        files before it stay imported.
        """
        from qualcode.suggest.pipeline import BLANK, load_pipeline, segment_many

        files = [Path(p) for p in paths]
        nlp = None
        done = 0
        for batch_start in range(0, len(files), IMPORT_BATCH):
            batch = files[batch_start : batch_start + IMPORT_BATCH]
            # Each file's outcome, in the order given: a result already, or what to segment and store.
            outcomes: list[FileResult | tuple[Path, ParsedTranscript, str]] = []
            for path in batch:
                yield ImportProgress(done, len(files), path.name)
                try:
                    outcomes.append((path, *self._read_transcript(path, format, max_bytes)))
                except QualcodeError as exc:
                    outcomes.append(FileResult(path, "refused", exc.one_line()))
            # A file whose content is stored already is skipped before it is segmented: one look-up a batch.
            twins = self.repo.transcript_names_for_hashes(
                o[2] for o in outcomes if not isinstance(o, FileResult)
            )
            for n, outcome in enumerate(outcomes):
                if not isinstance(outcome, FileResult) and outcome[2] in twins:
                    twin = twins[outcome[2]]
                    message = f"same content as transcript {twin!r}, already imported"
                    outcomes[n] = FileResult(outcome[0], "skipped", message, twin)
            to_store = [o for o in outcomes if not isinstance(o, FileResult)]
            stored: dict[Path, FileResult] = {}
            if to_store:
                if nlp is None:
                    name = pipeline or self.repo.get_meta("pipeline") or BLANK
                    # load_pipeline() and load_pipeline(BLANK) are two entries in its cache: asking for the
                    # default the way the rest of qualcode does reuses the pipeline already loaded.
                    nlp = load_pipeline() if name == BLANK else load_pipeline(name)
                yield ImportProgress(done, len(files), "segmenting")
                segmented = segment_many([p for _, p, _ in to_store], nlp)
                stored = self._store_batch(to_store, segmented, coder)
            for outcome in outcomes:
                done += 1
                yield outcome if isinstance(outcome, FileResult) else stored[outcome[0]]
        yield ImportProgress(done, len(files), "")

    def import_transcripts(self, paths: Sequence[str | Path], **options: Any) -> list[FileResult]:
        """Import transcript files; see :meth:`iter_import` for the options."""
        return [r for r in self.iter_import(paths, **options) if isinstance(r, FileResult)]

    def _read_transcript(self, path: Path, format: str, max_bytes: int) -> tuple[ParsedTranscript, str]:
        if not path.is_file():
            raise InputError(f"{path}: no such file", "check the path")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: {size / 1e6:.1f} MB is larger than the {max_bytes / 1e6:.0f} MB limit for one transcript",
                "split the file into interviews, or raise the limit with --max-mb",
            )
        parsed = parse_transcript(path, path.read_bytes(), format)
        return parsed, content_hash(parsed.text)

    def _store_batch(
        self,
        items: list[tuple[Path, ParsedTranscript, str]],
        segmented: list[list[tuple[int, int, int]]],
        coder: str | None,
    ) -> dict[Path, FileResult]:
        """Store a batch in one commit; each file is stored whole or refused alone."""
        new = [
            NewTranscript(path.stem, parsed, digest, path.name, segments)
            for (path, parsed, digest), segments in zip(items, segmented, strict=True)
        ]
        outcomes = self.repo.add_transcripts(new, coder)
        results: dict[Path, FileResult] = {}
        for (path, parsed, _), item, refusal in zip(items, new, outcomes, strict=True):
            if refusal is not None:
                status = "skipped" if "same content" in refusal.message else "refused"
                results[path] = FileResult(path, status, refusal.one_line(), item.name)
            else:
                turns, segments = len(parsed.turns), len(item.segments)
                results[path] = FileResult(
                    path, "imported", f"{turns} turns, {segments} segments", item.name,
                    turns, segments, spoken_words(parsed.text, (t.span for t in parsed.turns)), parsed.warnings,
                )  # fmt: skip
        return results

    def transcripts(self, names: Collection[str] | None = None) -> list[TranscriptSummary]:
        """Summaries of every transcript (or only of those named), by name."""
        return self.repo.transcript_summaries(names)

    def transcript(self, name: str) -> Transcript:
        return self.repo.transcript(name)

    def segments(self, name: str) -> list[Segment]:
        return self.repo.segments(name)

    def coverage(self, coder: str) -> dict[str, tuple[int, int]]:
        """Per transcript: (segments this coder has coded, all segments)."""
        return self.repo.coverage(coder)

    def search(
        self, query: str, *, regex: bool = False, case_sensitive: bool = False, limit: int = 1000
    ) -> list[SearchHit]:
        """Find words (or a regular expression) across all transcripts.

        Raises:
            InputError: for an empty query or an invalid regular expression.
        """
        if not query.strip():
            raise InputError("the search is empty", "type words to find")
        flags = 0 if case_sensitive else re.IGNORECASE
        try:
            pattern = re.compile(query if regex else r"\s+".join(re.escape(w) for w in query.split()), flags)
        except re.error as exc:
            raise InputError(
                f"not a valid regular expression: {exc}", "check the brackets and escapes"
            ) from exc
        hits: list[SearchHit] = []
        for name, text in sorted(self.repo.texts().items()):
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    hits.append(SearchHit(name, Span(match.start(), match.end()), _context(text, match)))
                    if len(hits) >= limit:
                        return hits
        return hits

    def rename_transcript(self, old: str, new: str, coder: str | None = None) -> None:
        if not new.strip():
            raise InputError("the new name is empty", "give a name")
        self.repo.rename_transcript(old, new.strip(), coder)

    # -- cases and attributes ---------------------------------------------------------------------

    def load_attributes(self, csv_path: str | Path, coder: str | None = None) -> AttributeReport:
        """Attach participant attributes (role, site, ...) from a CSV.

        A ``participant`` (or ``case``/``id``) column names the case; a ``transcript`` (or ``file``)
        column names the transcript it belongs to. Without a transcript column, a participant id that
        equals a transcript name links that transcript. A ``speaker`` column gives the label the
        participant has in the transcript; with a ``speaker_role`` column, a row can instead name a member
        of the research team (``interviewer``, ``facilitator``, ``note-taker``: no participant, no
        attributes; in the row's transcript, or every transcript when it names none). Every other column
        is an attribute.
        """
        path = Path(csv_path)
        case_keys = ("participant", "case", "id", "participant_id")
        transcript_keys = ("transcript", "file", "document", "source")
        header, rows = tables.read_csv(path, required=(case_keys + transcript_keys,))
        case_col = next((k for k in case_keys if k in header), None)
        transcript_col = next((k for k in transcript_keys if k in header), None)
        known = set(self.repo.transcript_names())
        speaker_cols = ("speaker", "speaker_role")
        attribute_cols = [h for h in header if h and h not in (case_col, transcript_col, *speaker_cols)]
        values: dict[str, dict[str, str]] = {}
        links: dict[str, str] = {}
        unmatched: list[str] = []
        rules: list[SpeakerRule] = []
        speaking: dict[str, int] = {}  # participant rows with a speaker, per transcript
        speakers: list[Speaker] | None = None  # read at the first row that names a speaker
        for row in rows:
            case = row.get(case_col) if case_col else ""
            transcript = row.get(transcript_col) if transcript_col else ""
            if transcript and transcript not in known:
                stem = Path(transcript).stem
                transcript = stem if stem in known else transcript
            speaker, role_text = row.get("speaker"), row.get("speaker_role")
            where = f"{path}:{row.line}"
            role = parse_role(role_text, where) if role_text else SpeakerRole.PARTICIPANT
            if speaker:
                if speakers is None:
                    speakers = self.speakers()
                rules.append(_csv_speaker_rule(speaker, role, transcript, case, where, known, speakers))
                if role.is_team:
                    continue
            elif role_text:
                raise InputError(f"{where}: a speaker_role but no speaker", "name the speaker in its column")
            case = case or transcript
            if not case:
                raise InputError(f"{where}: no participant or transcript on this row", "fill it in")
            values[case] = {col: row.get(col) for col in attribute_cols if row.get(col)}
            target = transcript or case
            if speaker:
                # Several participants may share a transcript (a focus group): the transcript is linked to a
                # case only by the one participant row it has, and each speaker to theirs by the rule.
                speaking[target] = speaking.get(target, 0) + 1
            if target in known:
                links[target] = case
            else:
                unmatched.append(
                    f"{path}:{row.line}: {target!r} matches no transcript (attributes kept for case)"
                )
        links = {t: c for t, c in links.items() if speaking.get(t, 0) <= 1}
        from qualcode.store import speakers as speaker_store

        # The file's speaker rules go in the same transaction: the file is applied whole or not at all.
        then = functools.partial(speaker_store.write_rules, new=rules, source=path.name) if rules else None
        self.repo.set_attributes(values, links, coder, path.name, then)
        return AttributeReport(sorted(values), links, unmatched)

    def cases(self) -> list[Case]:
        return self.repo.cases()

    # -- speakers ---------------------------------------------------------------------------------

    def speakers(self, transcripts: Collection[str] | None = None) -> list[Speaker]:
        """Every speaker of every transcript (or of those named): participant and case, or research team.

        Decided from the user's rules, then detected (see :mod:`qualcode.model.speakers`).
        """
        from qualcode.store import speakers as store

        appearances, cases = store.appearances(self.repo)
        if transcripts is not None:
            self._known_transcripts(list(transcripts))
        decided = decide_speakers(appearances, cases, store.rules(self.repo))
        if transcripts is None:
            return decided
        wanted = set(transcripts)
        return [s for s in decided if s.transcript in wanted]

    def set_speakers(
        self, assignments: Sequence[str], *, transcript: str | None = None, coder: str | None = None
    ) -> list[Speaker]:
        """Say who speakers are: ``"Name=interviewer"``, ``"Name=participant"``, ``"Name=case:P07"``.

        Args:
            assignments: One per speaker label.
            transcript: Only in this transcript; None: in every transcript where the label speaks.

        Returns:
            The speakers these rules now decide.

        Raises:
            InputError: for a malformed assignment, or a label that speaks in none of the transcripts meant.
        """
        from qualcode.store import speakers as store

        present = self.speakers([transcript] if transcript is not None else None)  # checks the name too
        keys = {label_key(s.label) for s in present}
        cases = {c.name for c in self.cases()} | set(self.repo.transcript_names())
        rules = []
        for text in assignments:
            label, role, case = parse_assignment(text)
            if case is not None and case not in cases:
                raise InputError(
                    f"--set {text!r}: no case named {case!r}",
                    "add the case with its attributes first (qualcode attributes PROJECT FILE.csv); "
                    "cases: qualcode cases PROJECT",
                )
            if label_key(label) not in keys:
                where = f"transcript {transcript!r}" if transcript is not None else "any transcript"
                known = sorted({s.label for s in present}, key=str.casefold)
                raise InputError(
                    f"--set {text!r}: no speaker {label!r} in {where}",
                    "speakers there: " + (", ".join(known[:12]) or "none"),
                )
            rules.append(SpeakerRule(label, role, transcript, case))
        store.set_rules(self.repo, rules, coder, "speakers --set")
        changed = {label_key(r.label) for r in rules}
        return [s for s in self.speakers() if label_key(s.label) in changed and s.by_user]

    # -- codebook ---------------------------------------------------------------------------------

    @staticmethod
    def read_codebook(path: str | Path, *, check_patterns: bool = True) -> Codebook:
        """Read and check a YAML codebook file.

        Raises:
            CodebookError: listing every problem with its line.
        """
        path = Path(path)
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise CodebookError(f"{path}: cannot be read ({exc.strerror})", "check the path") from exc
        from qualcode.formats.decoding import decode_text

        codebook, problems = codebook_yaml.load_codebook(decode_text(text, str(path)), str(path))
        if check_patterns and not problems:
            from qualcode.suggest.patterns import pattern_problems

            problems = pattern_problems(codebook)
        if problems:
            rendered = [p.render(str(path)) for p in problems]
            raise CodebookError(
                f"{path}: {len(problems)} problem(s) in the codebook; first: {rendered[0]}",
                "fix each listed line and validate again",
                rendered,
            )
        return codebook

    def import_codebook(self, path: str | Path, coder: str | None = None) -> tuple[list[str], list[str]]:
        """Load a YAML codebook into the project: new codes are added, existing ones (by name) updated."""
        codebook = self.read_codebook(path)
        merged = self._check_merged(codebook)
        if merged:
            raise CodebookError(
                f"{path}: clashes with the project's codebook", "fix the listed codes", merged
            )
        return self.repo.import_codebook(codebook, coder, Path(path).name)

    def _check_merged(self, incoming: Codebook) -> list[str]:
        names = {c.name.casefold() for c in incoming}
        kept = [c for c in self.repo.codebook() if c.name.casefold() not in names]
        kept_hotkeys = {c.hotkey: c.name for c in kept if c.hotkey}
        return [
            f"hotkey {c.hotkey!r} of {c.name!r} is already used by {kept_hotkeys[c.hotkey]!r}"
            for c in incoming
            if c.hotkey in kept_hotkeys
        ]

    def export_codebook(self, path: str | Path | None = None) -> str:
        """The project's codebook as YAML; written to ``path`` when given."""
        text = codebook_yaml.dump_codebook(self.codebook())
        if path is not None:
            write_text_atomically(Path(path), text)
        return text

    def codebook(self) -> Codebook:
        return self.repo.codebook()

    def add_code(
        self,
        name: str,
        *,
        parent: str | None = None,
        group: bool = False,
        coder: str | None = None,
        **fields: Any,
    ) -> None:
        code = Code(name=name.strip(), parent=parent, group=group, **fields)
        problems = Codebook((*self.codebook().codes, code)).problems()
        if problems:
            raise ConflictError(problems[0].message, "choose another name, hotkey or colour")
        self.repo.add_code(code, coder)

    def update_code(self, name: str, coder: str | None = None, **changes: Any) -> None:
        self.repo.update_code(name, coder, **changes)

    def rename_code(self, old: str, new: str, coder: str | None = None) -> None:
        if not new.strip():
            raise InputError("the new name is empty", "give a name")
        self.repo.rename_code(old, new.strip(), coder)

    def move_code(self, name: str, new_parent: str | None, coder: str | None = None) -> None:
        self.repo.move_code(name, new_parent, coder)

    def merge_codes(self, source: str, target: str, coder: str | None = None) -> tuple[int, int]:
        """Merge ``source`` into ``target``; returns (codings moved, twins dropped)."""
        return self.repo.merge_codes(source, target, coder)

    def split_code(self, name: str, new: str, coding_ids: Iterable[int], coder: str | None = None) -> int:
        return self.repo.split_code(name, new.strip(), coding_ids, coder)

    def delete_code(self, name: str, coder: str | None = None, *, with_codings: bool = False) -> int:
        return self.repo.delete_code(name, coder, with_codings=with_codings)

    # -- codings ----------------------------------------------------------------------------------

    def resolve_span(
        self,
        transcript: str | Transcript,
        *,
        start: int | None = None,
        end: int | None = None,
        quote: str | None = None,
        occurrence: int | None = None,
    ) -> Span:
        """A span from offsets or from a quote of the transcript's text (by name, or already loaded)."""
        doc = self.transcript(transcript) if isinstance(transcript, str) else transcript
        text, transcript = doc.text, doc.name
        if quote is not None:
            return locate_quote(text, quote, occurrence, f"transcript {transcript!r}")
        if start is None or end is None:
            raise InputError(
                "give a quote, or both start and end", "e.g. --quote 'words' or --start 10 --end 42"
            )
        span = Span(start, end)
        if span.end > len(text):
            raise InputError(
                f"transcript {transcript!r}: span [{start}, {end}) runs past its end ({len(text)})",
                "check the offsets",
            )
        return span

    def speech_spans(self, transcript: str | Transcript, span: Span) -> list[Span]:
        """``span`` cut to the speech it covers: one piece per turn, each inside that turn's words.

        A span within one turn's words comes back as is. Speaker labels, timestamps and the white space
        between turns are never part of a piece, so each piece is one speaker's words and can be
        attributed to that speaker truthfully. A transcript without turns keeps the span whole.

        Raises:
            InputError: if the span covers no speech at all (only a label, a timestamp, white space).
        """
        doc = self.transcript(transcript) if isinstance(transcript, str) else transcript
        return cut_to_speech(doc, span, f"transcript {doc.name!r}")

    def code(
        self, transcript: str, code: str, *, coder: str, origin: Origin = Origin.MANUAL, **where: Any
    ) -> list[Coding]:
        """Apply a code to a span (given as start/end or quote/occurrence); stored durably on return.

        A span across turns is stored as one coding per turn (see ``speech_spans``), all in one change
        (one undo step).

        Returns:
            The codings stored, in text order.
        """
        doc = self.transcript(transcript)
        pieces = self.speech_spans(doc, self.resolve_span(doc, **where))
        stored, _ = self.repo.add_codings(
            [NewCoding(transcript, piece, code, coder, origin) for piece in pieces], coder, create_codes=False
        )
        return stored

    def uncode(self, transcript: str, code: str, *, coder: str, **where: Any) -> list[Coding]:
        """Remove this coder's coding of the span: the one on exactly that span, or else its pieces.

        Raises:
            NotFoundError: if that coder has no such coding there (nor all of its pieces).
        """
        doc = self.transcript(transcript)
        span = self.resolve_span(doc, **where)
        removed = self.repo.remove_coding(transcript, span, code, coder)
        if removed is not None:  # also a coding stored whole before spans were cut to speech
            return [removed]
        pieces = self.speech_spans(doc, span)
        mine = self.repo.codings(CodingFilter(transcripts=(transcript,), codes=(code,), coders=(coder,)))
        found = [c for piece in pieces for c in mine if c.span == piece]
        if found and len(found) == len(pieces):
            return self.repo.remove_codings(found, coder)
        raise NotFoundError(
            f"{coder!r} has no coding {code!r} at [{span.start}, {span.end}) in {transcript!r}",
            "list codings with: qualcode codings PROJECT --transcript NAME",
        )

    def toggle_coding(
        self, transcript: str, span: Span, code: str, *, coder: str, origin: Origin = Origin.MANUAL
    ) -> tuple[bool, list[Coding]]:
        """Remove this coder's coding of ``code`` on ``span`` if there is one, else add it.

        The span is cut to speech first (``speech_spans``): over several turns, if the coder already has
        every piece they are all removed, otherwise the missing pieces are added; either in one change.

        Returns:
            Whether codings were added (False: removed), and those codings. Stored durably on return.
        """
        doc = self.transcript(transcript)
        # A read first: most key presses add, and a write transaction that finds nothing still locks.
        mine = self.repo.codings(CodingFilter(transcripts=(transcript,), codes=(code,), coders=(coder,)))
        # A coding on exactly the span (one stored whole before spans were cut to speech) can come off.
        pieces = [span] if any(c.span == span for c in mine) else self.speech_spans(doc, span)
        present = [c for piece in pieces for c in mine if c.span == piece]
        if len(present) == len(pieces):
            removed = self.repo.remove_codings(present, coder)
            if removed:
                return False, removed
            present = []  # another process removed them meanwhile: the key adds them back
        have = {c.span for c in present}
        missing = [piece for piece in pieces if piece not in have]
        for piece in missing:
            wider = next((c for c in mine if c.span.contains(piece)), None)
            if wider is not None:
                # Adding would store a second coding inside the first, and the key could then never take
                # the code off this text (it would toggle only the inner one).
                raise ConflictError(
                    f"{wider.code!r} is already on this text, as part of your coding at "
                    f"{wider.span.start}-{wider.span.end}",
                    "nothing was changed; to remove it, select that whole coding",
                )
        stored, _ = self.repo.add_codings(
            [NewCoding(transcript, piece, code, coder, origin) for piece in missing],
            coder,
            create_codes=False,
        )
        return True, stored

    def codings(self, flt: CodingFilter | None = None, **criteria: Any) -> list[Coding]:
        """Codings filtered by transcripts, codes, coders, origins and attributes (all optional)."""
        if flt is None:
            flt = CodingFilter(**{k: tuple(v) for k, v in criteria.items()})
        if not flt.attributes:
            return self.repo.codings(flt)
        # An attribute belongs to whoever said the words: the interviewer's question in a peer worker's
        # interview is not a peer worker's, and a focus group holds several cases. The corpus knows who.
        spoken = set(self.analysis_corpus(CodingFilter(attributes=flt.attributes)).codings["id"].tolist())
        return [c for c in self.repo.codings(replace(flt, attributes=())) if c.id in spoken]

    def import_codings(self, csv_path: str | Path, *, coder: str | None = None) -> CodingsReport:
        """Import codings from CSV, all or nothing.

        Columns: ``transcript``; ``start`` and ``end``, or ``quote`` (with ``occurrence`` when a quote
        appears more than once); ``code``; ``coder`` (or the ``coder`` argument). Unknown codes are created.

        Raises:
            InputError: listing every row that cannot be placed, with its line; nothing is stored then.
        """
        path = Path(csv_path)
        header, rows = tables.read_csv(path, required=(("transcript",), ("code",), ("start", "quote")))
        if "coder" not in header and not coder:
            raise InputError(f"{path}:1: no 'coder' column", "add one, or give the coder with --coder")
        texts: dict[str, Transcript | None] = {}
        items: list[NewCoding] = []
        problems: list[str] = []
        cut = split = 0
        for row in rows:
            where = f"{path}:{row.line}"
            try:
                given, pieces = self._coding_from_row(row, where, texts, coder)
            except QualcodeError as exc:
                problems.append(exc.message)
                continue
            items.extend(pieces)
            if len(pieces) > 1:
                split += 1
            elif pieces[0].span != given:
                cut += 1
        if problems:
            raise InputError(
                f"{path}: {len(problems)} of {len(rows)} rows cannot be placed; nothing was imported",
                "fix the listed rows and import again",
                problems,
            )
        before = {(c.transcript, c.span, c.code, c.coder) for c in self.repo.codings()}
        stored, created = self.repo.add_codings(
            items, coder, create_codes=True, action="codings.import", source=path.name
        )
        added = sum(1 for c in {(c.transcript, c.span, c.code, c.coder) for c in stored} if c not in before)
        return CodingsReport(added, len(items) - added, created, cut, split)

    def _coding_from_row(
        self, row: tables.Row, where: str, texts: dict[str, Transcript | None], coder: str | None
    ) -> tuple[Span, list[NewCoding]]:
        """The row's span as given, and its codings: that span cut to speech (``cut_to_speech``)."""
        transcript = row.get("transcript")
        if transcript not in texts:
            try:
                texts[transcript] = self.transcript(transcript)
            except NotFoundError:
                texts[transcript] = None
        doc = texts[transcript]
        if doc is None:
            raise InputError(f"{where}: no transcript named {transcript!r}", "import it first")
        text = doc.text
        code, who = row.get("code"), row.get("coder") or coder
        if not code or not who:
            raise InputError(f"{where}: the code or the coder is empty", "fill them in")
        if row.get("quote"):
            occurrence = _int_or_none(row.get("occurrence"), where, "occurrence")
            span = locate_quote(text, row.get("quote"), occurrence, where)
        else:
            start, end = (
                _int_or_none(row.get("start"), where, "start"),
                _int_or_none(row.get("end"), where, "end"),
            )
            if start is None or end is None or not 0 <= start < end <= len(text):
                raise InputError(
                    f"{where}: start/end [{start}, {end}) is not a span inside {transcript!r} "
                    f"({len(text)} characters)",
                    "fix the offsets",
                )
            span = Span(start, end)
        origin = (
            Origin(row.get("origin")) if row.get("origin") in {o.value for o in Origin} else Origin.IMPORTED
        )
        return span, [
            NewCoding(transcript, piece, code, who, origin) for piece in cut_to_speech(doc, span, where)
        ]

    # -- memos, log, figures ----------------------------------------------------------------------

    def add_memo(
        self,
        text: str,
        *,
        coder: str,
        target: MemoTarget = MemoTarget.PROJECT,
        target_name: str | None = None,
    ) -> Memo:
        if not text.strip():
            raise InputError("the memo is empty", "write something")
        return self.repo.add_memo(target, target_name, text, coder)

    def memos(self) -> list[Memo]:
        return self.repo.memos()

    def update_memo(self, memo_id: int, text: str, *, coder: str) -> None:
        if not text.strip():
            raise InputError("the memo is empty", "write something, or undo to get the old text back")
        self.repo.update_memo(memo_id, text, coder)

    def events(self, limit: int | None = None) -> list[Event]:
        return self.repo.events(limit)

    def undo(self, coder: str) -> Event | None:
        """Undo this coder's latest change (coding, codebook edit, memo); returns the event undone, or None.

        Works across sessions and restarts: the stack is rebuilt from the project's event log.
        """
        return self.repo.undo(coder)

    def redo(self, coder: str) -> Event | None:
        """Redo this coder's latest undone change; returns the event redone, or None."""
        return self.repo.redo(coder)

    def changes_after(self, event_id: int) -> list[tuple[int, str | None, str]]:
        """(id, coder, action) of each change made since event ``event_id``, oldest first."""
        return self.repo.changes_after(event_id)

    def last_event_id(self) -> int:
        """Newest event id: changes when anyone (this process or another) changes the project."""
        return self.repo.last_event_id()

    def stats(self) -> dict[str, Any]:
        """Counts for a quick overview: tables, words, codings per coder and per code."""
        counts = self.repo.counts()
        codings = self.repo.codings()
        per_coder: dict[str, int] = {}
        for c in codings:
            per_coder[c.coder] = per_coder.get(c.coder, 0) + 1
        counts_by_code = {k: v for k, v in self.repo.coding_counts().items() if v}
        # Everyone who changes the project is logged by name (the system user who imported, say); a coder
        # is someone with a coding, and the others are counted apart.
        people = counts["coders"]
        counts["coders"] = len(self.repo.coders_with_codings())
        return {
            **counts,
            "people_who_changed": people,
            "words": sum(t.words for t in self.transcripts()),
            "codings_by_coder": dict(sorted(per_coder.items())),
            "codings_by_code": dict(sorted(counts_by_code.items(), key=lambda kv: (-kv[1], kv[0]))),
        }

    # -- pandas frames for notebooks --------------------------------------------------------------

    def transcripts_frame(self) -> pd.DataFrame:
        """One row per transcript with its figures and its case's attributes."""
        import pandas as pd

        attrs = {case.name: case.attributes for case in self.cases()}
        rows = [
            {
                "transcript": t.name,
                "case": t.case,
                "source": t.source_name,
                "format": t.source_format,
                "words": t.words,
                "turns": t.turns,
                "segments": t.segments,
                "codings": t.codings,
                **attrs.get(t.case or "", {}),
            }
            for t in self.transcripts()
        ]
        return pd.DataFrame(rows)

    def segments_frame(self, transcript: str | None = None) -> pd.DataFrame:
        """One row per segment: transcript, index, turn, speaker, start, end, text."""
        import pandas as pd

        rows = []
        names = [transcript] if transcript else self.repo.transcript_names()
        for name in names:
            record = self.transcript(name)
            speakers = {turn.index: turn.speaker for turn in record.turns}
            for seg in self.segments(name):
                rows.append(
                    {
                        "transcript": name,
                        "segment": seg.index,
                        "turn": seg.turn_index,
                        "speaker": speakers.get(seg.turn_index, ""),
                        "start": seg.span.start,
                        "end": seg.span.end,
                        "text": seg.span.of(record.text),
                    }
                )
        return pd.DataFrame(
            rows, columns=["transcript", "segment", "turn", "speaker", "start", "end", "text"]
        )

    def codings_frame(self, **criteria: Any) -> pd.DataFrame:
        """One row per coding: id, transcript, start, end, code, coder, origin, created_at, text."""
        import pandas as pd

        columns = ["id", "transcript", "start", "end", "code", "coder", "origin", "created_at", "text"]
        return pd.DataFrame(
            [
                [
                    c.id,
                    c.transcript,
                    c.span.start,
                    c.span.end,
                    c.code,
                    c.coder,
                    c.origin.value,
                    c.created_at,
                    c.text,
                ]
                for c in self.codings(**criteria)
            ],
            columns=columns,
        )

    # -- analysis and reports ---------------------------------------------------------------------
    # Thin wrappers over qualcode.analysis (pure functions over pandas frames). The workbench's analysis
    # screen can load analysis_corpus() once in a worker, then call qualcode.analysis on it directly.

    if TYPE_CHECKING:  # here rather than at the top, so this section stays in one piece
        from qualcode.analysis.corpus import Corpus
        from qualcode.analysis.pseudonyms import Pseudonymiser

    PSEUDONYMS_KEY = "pseudonyms"  # meta key: JSON object, real name -> replacement ("" for "[name]")

    def analysis_corpus(self, flt: CodingFilter | None = None, **criteria: Any) -> Corpus:
        """Everything an analysis reads, loaded once: codings, transcripts, segments, turns, cases.

        Args:
            flt: Narrow to transcripts, codes (a group selects the codes below it), coders, origins, and
                attributes (which narrow the transcripts, so shares of cases too).
            **criteria: The same as keyword lists, when no ``flt`` is given.
        """
        from qualcode.analysis.corpus import corpus_from_rows

        if flt is None:
            flt = CodingFilter(**{k: tuple(v) for k, v in criteria.items()})
        from qualcode.store import speakers as speaker_store

        rows = self.repo.analysis_rows()
        corpus = corpus_from_rows(
            self.codebook(), rows.transcripts, rows.turns, rows.segments, self.cases(), rows.codings,
            speaker_store.rules(self.repo),
        )  # fmt: skip
        return corpus.filtered(flt)

    def frequencies(self, by: str | None = None, *, rollup: bool = True, **criteria: Any) -> pd.DataFrame:
        """Code frequencies (codings, segments, words, transcripts, cases, share of cases); see
        :func:`qualcode.analysis.frequencies`. ``by``: transcript, case, coder or an attribute."""
        from qualcode.analysis import frequencies

        return frequencies(self.analysis_corpus(**criteria), by, rollup=rollup)

    def code_matrix(
        self, by: str = "case", measure: str = "codings", *, rollup: bool = True, **criteria: Any
    ) -> pd.DataFrame:
        """A code-by-case (or -attribute) matrix; see :func:`qualcode.analysis.code_matrix`."""
        from qualcode.analysis import code_matrix

        return code_matrix(self.analysis_corpus(**criteria), by, measure, rollup=rollup)

    def cooccurrence(self, unit: str = "segment", **criteria: Any) -> pd.DataFrame:
        """Code pairs in the same segment, turn, or overlapping; see :func:`qualcode.analysis.cooccurrence`."""
        from qualcode.analysis import cooccurrence

        return cooccurrence(self.analysis_corpus(**criteria), unit)

    def quotes(
        self,
        *,
        context: str = "none",
        template: str | None = None,
        pseudonymise: bool = False,
        **criteria: Any,
    ) -> pd.DataFrame:
        """Every coded quote with attribution; see :func:`qualcode.analysis.quotes`."""
        from qualcode.analysis import quotes

        corpus = self.analysis_corpus(**criteria)
        pseudonymiser = self.pseudonymiser(corpus) if pseudonymise else None
        frame = quotes(corpus, context=context, template=template, pseudonymiser=pseudonymiser)
        if pseudonymiser is not None:
            texts = [*frame["quote"], *frame["context"]]
            frame = self.pseudonymiser(corpus, texts=texts).frame(frame)
        return frame

    def pseudonyms(self) -> dict[str, str]:
        """The project's name list: real name -> replacement ("" means "[name]")."""
        import json

        raw = self.repo.get_meta(self.PSEUDONYMS_KEY)
        value = json.loads(raw) if raw else {}
        return {str(k): str(v or "") for k, v in value.items()} if isinstance(value, dict) else {}

    def set_pseudonyms(self, names: dict[str, str], coder: str | None = None) -> None:
        """Replace the project's name list (real name -> replacement; "" for "[name]").

        Raises:
            InputError: for an empty name.
        """
        import json

        cleaned: dict[str, str] = {}
        for name, replacement in names.items():
            if not name.strip():
                raise InputError("a name in the pseudonym list is empty", "give the name as it is written")
            cleaned[" ".join(name.split())] = replacement.strip()
        data = json.dumps(dict(sorted(cleaned.items(), key=lambda kv: kv[0].casefold())), ensure_ascii=False)
        self.repo.set_meta(self.PSEUDONYMS_KEY, data, coder)

    def pseudonymiser(self, corpus: Corpus | None = None, *, texts: Iterable[str] = ()) -> Pseudonymiser:
        """The project's pseudonymiser: its name list, speaker labels as participant ids, and, over
        ``texts``, person names found by a trained spaCy pipeline when one is installed.
        """
        from qualcode.analysis.pseudonyms import build_pseudonymiser, load_ner, person_names, trained_pipeline

        corpus = corpus if corpus is not None else self.analysis_corpus()
        pseudonymiser = build_pseudonymiser(corpus, self.pseudonyms())
        texts = [t for t in texts if t]
        if not texts:
            return pseudonymiser
        pipeline = trained_pipeline(self.repo.get_meta("pipeline"))
        nlp = load_ner(pipeline) if pipeline else None
        if nlp is None:
            note = (
                "no trained spaCy pipeline with an entity recogniser is installed, so names come from the "
                "project's list and the speaker labels only (install one, e.g. en_core_web_sm, to find others)"
            )
            return pseudonymiser.with_names((), note)
        found = person_names(texts, nlp)
        return pseudonymiser.with_names(
            found, f"{pipeline} found {len(found)} person names in the exported text"
        )

    # -- suggestions ------------------------------------------------------------------------------
    # The engine lives in qualcode.suggest; these are thin wrappers. spaCy and scikit-learn load on first use.

    if TYPE_CHECKING:
        from qualcode.model import Suggestion, SuggestionDecision, UncertainSegment
        from qualcode.suggest.engine import TrainedModel
        from qualcode.suggest.evaluate import EvaluationProgress, EvaluationReport
        from qualcode.suggest.session import RetrainProgress, Suggester

    def suggester(self, coder: str, *, granularity: str = "auto") -> Suggester:
        """The coder's suggestion model: one per coder, kept while the project is open.

        Args:
            coder: Whose codings and decisions it learns from.
            granularity: ``segment``, ``turn`` or ``auto`` (turns when the coder codes whole turns).
        """
        from qualcode.suggest.session import Suggester

        cache: dict[tuple[str, str], Suggester] = self.__dict__.setdefault("_suggesters", {})
        key = (coder, granularity)
        if key not in cache:
            pipeline = self.repo.get_meta("suggest.pipeline") or self.repo.get_meta("pipeline")
            cache[key] = Suggester(self, coder, pipeline=pipeline, granularity=granularity)
        return cache[key]

    def suggestions(
        self,
        transcript: str,
        coder: str,
        *,
        codes: Sequence[str] | None = None,
        min_score: float = 0.3,
        per_segment: int | None = 3,
        start: int | None = None,
        end: int | None = None,
        retrain: bool = False,
        wait: bool = True,
    ) -> list[Suggestion]:
        """Ranked suggestions for a transcript (or the part in ``[start, end)``), with score, source, reason.

        Never includes a code the coder rejected on that span, or one the coder already applied there.
        The model is trained on first use (``wait=False``: not trained here; until a retrain has run,
        the codebook's rules and examples answer alone). ``retrain=True`` brings the model up to date
        first; the workbench instead runs :meth:`iter_retrain_suggestions` in a worker after each change.
        """
        self._known_transcripts([transcript])
        self._known_codes(codes)
        return self._checked_suggestions(
            transcript,
            coder,
            codes=codes,
            min_score=min_score,
            per_segment=per_segment,
            start=start,
            end=end,
            retrain=retrain,
            wait=wait,
        )

    def _checked_suggestions(
        self,
        transcript: str,
        coder: str,
        *,
        per_segment: int | None = 3,
        min_score: float = 0.3,
        retrain: bool = False,
        **options: Any,
    ) -> list[Suggestion]:
        """:meth:`suggestions` once the transcript and codes are known to exist."""
        suggester = self.suggester(coder)
        if retrain and suggester.stale():
            suggester.retrain()
        return suggester.suggestions(transcript, min_score=min_score, per_unit=per_segment, **options)

    def all_suggestions(
        self, coder: str, *, transcripts: Sequence[str] | None = None, **options: Any
    ) -> list[Suggestion]:
        """Suggestions for several transcripts (all when None); options as for :meth:`suggestions`."""
        # A name given twice is listed once (`--transcript P03 --transcript P03` printed every row twice).
        names = list(dict.fromkeys(transcripts)) if transcripts else self.repo.transcript_names()
        if transcripts:
            self._known_transcripts(names)
        self._known_codes(options.get("codes"))  # checked once, not once per transcript
        return [s for name in names for s in self._checked_suggestions(name, coder, **options)]

    def has_worked(self, coder: str) -> bool:
        """Whether the coder has codings or suggestion decisions here (what the suggestions learn from)."""
        return coder in self.repo.coders_with_codings() or bool(self.suggestion_decisions(coder=coder))

    def accept_suggestion(self, suggestion: Suggestion, coder: str) -> Coding:
        """Store the suggestion as the coder's coding (origin ``suggestion``), durably, and remember it."""
        from qualcode.store.suggestions import SuggestionStore

        return SuggestionStore(self.repo).accept(suggestion, coder)

    def accept_suggestions(self, suggestions: Sequence[Suggestion], coder: str) -> list[Coding]:
        """Accept several suggestions as one action (one transaction, one log entry): all or none.

        This is "accept all" after a preview: the decisions are recorded as bulk, so the learned model
        does not count those segments, or the ones before them, as read (it learns nothing from them).
        """
        from qualcode.store.suggestions import SuggestionStore

        return SuggestionStore(self.repo).accept_many(list(suggestions), coder)

    def reject_suggestion(self, suggestion: Suggestion, coder: str) -> SuggestionDecision:
        """Remember that the coder rejected this code here; it is never suggested on that span again."""
        from qualcode.store.suggestions import SuggestionStore

        return SuggestionStore(self.repo).reject(suggestion, coder)

    def forget_suggestion_decision(
        self, transcript: str, span: Span, code: str, coder: str
    ) -> SuggestionDecision | None:
        """Undo a reject (or the record of an accept); returns the decision removed, if there was one."""
        from qualcode.store.suggestions import SuggestionStore

        return SuggestionStore(self.repo).forget(transcript, span, code, coder)

    def suggestion_decisions(
        self, coder: str | None = None, transcript: str | None = None, decision: Any = None
    ) -> list[SuggestionDecision]:
        """Remembered accepts and rejects, optionally of one coder, transcript, or kind (Decision)."""
        from qualcode.store.suggestions import SuggestionStore

        return SuggestionStore(self.repo).decisions(coder, transcript, decision)

    def mark_read(
        self, coder: str, transcript: str, spans: Sequence[Span], *, since: datetime | None = None
    ) -> None:
        """Remember that ``coder`` has had these spans of ``transcript`` on screen (the workbench's cursor).

        The suggestions learn "no code" only from segments a coder has read: before the last place they
        coded or decided in a transcript, segments they jumped over ("next uncertain", a search) do not
        count. The first time a transcript is marked, everything up to the coder's last place in it so
        far counts as read, as it did before reading was recorded: with ``since`` (when the workbench
        began noting this transcript's reading), only the places worked before then, so a place reached
        by a jump while the first note waited to be written does not count everything above it.
        The record follows the transcript's text (its content hash): a rename keeps it, a new text under
        the old name starts afresh.
        """
        content_hash = self.repo.transcript_hash(transcript)
        if content_hash is None:
            return  # deleted meanwhile: nothing to remember
        key = READING_KEY.format(coder=coder)
        seed: list[list[int]] = []
        if content_hash not in json.loads(self.repo.get_meta(key) or "{}"):  # only the first record
            decisions = self.suggestion_decisions(coder, transcript)
            previewed = {(d.span, d.code) for d in decisions if d.bulk}  # accept all: not read
            codings = self.codings(coders=(coder,), transcripts=(transcript,))
            ends = [
                c.span.end
                for c in codings
                if (c.span, c.code) not in previewed and (since is None or c.created_at < since)
            ]
            ends += [d.span.end for d in decisions if not d.bulk and (since is None or d.decided_at < since)]
            seed = [[0, max(ends)]] if ends else []

        def add(value: str | None) -> str | None:
            stored: dict[str, list[list[int]]] = json.loads(value or "{}")
            ranges = stored.get(content_hash, seed)
            merged: list[list[int]] = []
            for start, end in sorted([*ranges, *([s.start, s.end] for s in spans)]):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            if merged == stored.get(content_hash):
                return None
            stored[content_hash] = merged
            return json.dumps(stored, separators=(",", ":"))

        self.repo.update_meta(key, add)

    def read_spans(self, coder: str) -> dict[str, list[Span]]:
        """What ``coder`` has had on screen in the workbench, per transcript (see :meth:`mark_read`)."""
        stored: dict[str, list[list[int]]] = json.loads(
            self.repo.get_meta(READING_KEY.format(coder=coder)) or "{}"
        )
        names = self.repo.transcript_names_for_hashes(stored)
        return {
            names[h]: [Span(start, end) for start, end in ranges]
            for h, ranges in stored.items()
            if h in names
        }

    def uncertain_segments(
        self, coder: str, transcript: str | None = None, count: int = 10
    ) -> list[UncertainSegment]:
        """Uncoded segments where the model is least certain and an answer would teach it most."""
        if transcript is not None:
            self._known_transcripts([transcript])
        return self.suggester(coder).uncertain(transcript, count)

    def next_uncertain(self, coder: str, transcript: str | None = None) -> UncertainSegment | None:
        """The one segment to look at next for the model's sake (the workbench's "next uncertain" key)."""
        found = self.uncertain_segments(coder, transcript, 1)
        return found[0] if found else None

    def iter_retrain_suggestions(self, coder: str) -> Iterator[RetrainProgress | TrainedModel]:
        """Retrain the coder's model, yielding progress; a plain generator for a thread worker."""
        return self.suggester(coder).iter_retrain()

    def iter_evaluate_suggestions(
        self, gold_coder: str, **options: Any
    ) -> Iterator[EvaluationProgress | EvaluationReport]:
        """Simulate a coder learning from ``gold_coder``'s codings; see ``qualcode.suggest.evaluate``."""
        from qualcode.suggest.evaluate import iter_evaluate

        if gold_coder not in {c.coder for c in self.repo.codings(CodingFilter(coders=(gold_coder,)))}:
            raise NotFoundError(
                f"{gold_coder!r} has no codings in this project",
                "name a coder whose codings are the gold standard (see: qualcode stats PROJECT)",
            )
        pipeline = self.repo.get_meta("suggest.pipeline") or self.repo.get_meta("pipeline")
        return iter_evaluate(self, gold_coder, pipeline=pipeline, **options)

    def evaluate_suggestions(self, gold_coder: str, **options: Any) -> EvaluationReport:
        """The learning curve of :meth:`iter_evaluate_suggestions` on one split, without the progress."""
        if options.pop("splits", 1) != 1:
            raise ValueError("evaluate_suggestions measures one split: use evaluate_suggestions_on_splits")
        (report,) = self.evaluate_suggestions_on_splits(gold_coder, **options, splits=1)
        return report

    def evaluate_suggestions_on_splits(self, gold_coder: str, **options: Any) -> list[EvaluationReport]:
        """The learning curves of :meth:`iter_evaluate_suggestions`, one per split (``splits=``)."""
        from qualcode.suggest.evaluate import EvaluationReport

        return [
            step
            for step in self.iter_evaluate_suggestions(gold_coder, **options)
            if isinstance(step, EvaluationReport)
        ]

    def _known_codes(self, names: Sequence[str] | None) -> None:
        if not names:
            return
        codebook = self.codebook()
        for name in names:
            code = codebook.get(name)
            if code is None:
                raise UnknownCodeError(
                    f"no code named {name!r}", "list the codes with: qualcode codebook show PROJECT"
                )
            if code.group:  # nothing is ever suggested for a group: an empty list would say "no evidence"
                inside = [c.name for c in codebook if c.parent == code.name and not c.group]
                raise InputError(
                    f"{code.name!r} is a group of codes; nothing is coded or suggested with a group itself",
                    f"ask for its codes: {' '.join(f'--code {c!r}' for c in inside)}"
                    if inside
                    else "ask for a code that is not a group",
                )

    def _known_transcripts(self, names: Sequence[str]) -> None:
        known = set(self.repo.transcript_names())  # one query for them all
        for name in names:
            if name not in known:
                raise NotFoundError(
                    f"no transcript named {name!r}", "list them with: qualcode transcripts list"
                )


def _csv_speaker_rule(
    speaker: str,
    role: SpeakerRole,
    transcript: str,
    case: str,
    where: str,
    known: set[str],
    speakers: list[Speaker],
) -> SpeakerRule:
    """The rule an attributes row with a ``speaker`` column makes, checked against the transcripts.

    Raises:
        InputError: a team role beside a participant, a transcript the project lacks, or a speaker
            who does not speak there (a typo would otherwise make a rule that matches nothing, or
            one that holds in every transcript).
    """
    if role.is_team and case:
        raise InputError(
            f"{where}: {speaker!r} is both participant {case!r} and {role.value}",
            "a member of the research team is no participant: empty the participant column, or the role",
        )
    if transcript and transcript not in known:
        raise InputError(
            f"{where}: no transcript named {transcript!r} for speaker {speaker!r}",
            "use a name from: qualcode transcripts list (or leave it empty for every transcript)",
        )
    present = [s for s in speakers if not transcript or s.transcript == transcript]
    if label_key(speaker) not in {label_key(s.label) for s in present}:
        scope = f"transcript {transcript!r}" if transcript else "any transcript"
        raise InputError(
            f"{where}: no speaker {speaker!r} in {scope}", "check the name as the transcript spells it"
        )
    return SpeakerRule(speaker, role, transcript or None, None if role.is_team else (case or None))


def _int_or_none(raw: str, where: str, what: str) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise InputError(f"{where}: {what} {raw!r} is not a whole number", "fix the value") from exc


def write_text_atomically(path: Path, text: str) -> None:
    """Write a text file (UTF-8) so a crash leaves either the old file or the whole new one, never half.

    Raises:
        InputError: if the folder is missing or not writable.
    """
    from qualcode.formats.exports import write_atomically

    write_atomically(path, text.encode("utf-8"))
