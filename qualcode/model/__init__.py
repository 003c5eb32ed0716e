"""Pure domain objects: no I/O, nothing of ours but ``errors``."""

from qualcode.model.codebook import Code, Codebook, Problem
from qualcode.model.coding import Case, Coding, CodingFilter, Event, Memo, MemoTarget, Origin
from qualcode.model.span import Span, checked_span
from qualcode.model.suggestion import (
    Decision,
    Suggestion,
    SuggestionDecision,
    SuggestionSource,
    UncertainSegment,
)
from qualcode.model.transcript import (
    ParsedTranscript,
    Segment,
    Transcript,
    TranscriptSummary,
    Turn,
    spoken_words,
)

__all__ = [
    "Case",
    "Code",
    "Codebook",
    "Coding",
    "CodingFilter",
    "Decision",
    "Event",
    "Memo",
    "MemoTarget",
    "Origin",
    "ParsedTranscript",
    "Problem",
    "Segment",
    "Span",
    "Suggestion",
    "SuggestionDecision",
    "SuggestionSource",
    "Transcript",
    "TranscriptSummary",
    "Turn",
    "UncertainSegment",
    "checked_span",
    "spoken_words",
]  # fmt: skip
