"""Transcripts, their speaker turns and segments (sentences within turns)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from qualcode.model.span import Span


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's contiguous talk; ``span`` covers the words, not the speaker label."""

    index: int
    speaker: str
    span: Span
    time: float | None = None  # seconds from the start of the recording, where the source has it


@dataclass(frozen=True, slots=True)
class Segment:
    """The default coding unit: a sentence inside a turn."""

    index: int
    turn_index: int
    span: Span


@dataclass(frozen=True, slots=True)
class ParsedTranscript:
    """What an importer makes of a file, before it is segmented and stored.

    ``text`` is normalised (UTF-8, LF line ends); turn spans point into it.
    """

    text: str
    turns: tuple[Turn, ...]
    source_format: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Transcript:
    """One imported interview as the project holds it."""

    id: int
    name: str
    text: str
    source_name: str
    source_format: str
    content_hash: str
    imported_at: datetime
    case: str | None = None
    turns: tuple[Turn, ...] = field(default=(), repr=False)
    # The transcript's identity across projects (merging, REFI-QDA GUIDs); "" where it was never stored.
    uuid: str = field(default="", compare=False, repr=False)

    @property
    def word_count(self) -> int:
        """Words spoken: those inside the turns, not speaker labels, timestamps or an export's header."""
        return spoken_words(self.text, [turn.span for turn in self.turns])

    def turn_at(self, offset: int) -> Turn | None:
        """The turn containing the character at ``offset``, if any."""
        for turn in self.turns:
            if turn.span.start <= offset < turn.span.end:
                return turn
        return None


def spoken_words(text: str, turn_spans: Iterable[Span]) -> int:
    """How many words of ``text`` lie inside the turns; the whole text's words when it has no turns.

    Labels, timestamps and a header block are not speech, so a word total (and a share of it) counts
    only what was said.
    """
    spans = list(turn_spans)
    if not spans:
        return len(text.split())
    return sum(len(text[span.start : span.end].split()) for span in spans)


@dataclass(frozen=True, slots=True)
class TranscriptSummary:
    """A transcript's vital figures, without its text."""

    name: str
    source_name: str
    source_format: str
    case: str | None
    characters: int
    words: int
    turns: int
    segments: int
    codings: int
