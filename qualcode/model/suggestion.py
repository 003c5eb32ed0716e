"""Suggestions: what the engine proposes, what a coder decided about it, and where it is least sure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from qualcode.model.span import Span


class SuggestionSource(StrEnum):
    """Which evidence a suggestion's score comes from."""

    RULE = "rule"  # a keyword, phrase or Matcher pattern of the codebook
    EXAMPLE = "example"  # similarity to a codebook example or to the coder's own codings
    MODEL = "model"  # the model learned from this coder's codings and decisions


class Decision(StrEnum):
    """What a coder did with a suggestion."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed coding: span + code + calibrated score + source + a reason a person can read.

    It is never a coding until a person accepts it.

    Attributes:
        transcript: Name of the transcript.
        span: Where, in the transcript's text (a segment, or a whole turn when the coder codes turns).
        code: The code proposed.
        score: Calibrated probability that the coder would apply the code here (0..1).
        source: The evidence the score comes from.
        reason: Why, in words ("matched 'outsider'; close to your coding in P3, turn 40").
        segment: Index of the (first) segment the span covers.
        turn: Index of the turn the span lies in.
        text: The words of the span.
    """

    transcript: str
    span: Span
    code: str
    score: float
    source: SuggestionSource
    reason: str
    segment: int | None = None
    turn: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class SuggestionDecision:
    """A coder's accept or reject of a suggestion, remembered so a rejection is never suggested again."""

    id: int
    transcript: str
    span: Span
    code: str
    coder: str
    decision: Decision
    decided_at: datetime
    score: float | None = None
    source: SuggestionSource | None = None
    bulk: bool = False  # accepted by "accept all", from a preview, not segment by segment


@dataclass(frozen=True, slots=True)
class UncertainSegment:
    """A place where the model is least certain, and what it would suggest there.

    Attributes:
        transcript: Name of the transcript.
        span: The segment (or turn) in the transcript's text.
        uncertainty: 0 (sure) .. 1 (a coin toss), weighted by how typical the segment is.
        suggestions: The model's best guesses there, highest first (may be below the usual threshold).
        segment: Index of the (first) segment.
        turn: Index of the turn.
        text: The words of the span.
    """

    transcript: str
    span: Span
    uncertainty: float
    suggestions: tuple[Suggestion, ...]
    segment: int | None = None
    turn: int | None = None
    text: str = ""
