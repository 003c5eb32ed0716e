"""Spans: half-open ranges of Unicode code points, the canonical unit of every position."""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.errors import SpanError


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` in a transcript's text.

    Raises:
        SpanError: if the range is empty or negative.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise SpanError(
                f"span [{self.start}, {self.end}) is empty or negative",
                "a span needs 0 <= start < end, counted in characters",
            )

    def __len__(self) -> int:
        return self.end - self.start

    def within(self, length: int) -> bool:
        """Whether the span fits in a text of ``length`` characters."""
        return self.end <= length

    def overlaps(self, other: Span) -> bool:
        """Whether the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        """Whether ``other`` lies wholly inside this span."""
        return self.start <= other.start and other.end <= self.end

    def of(self, text: str) -> str:
        """The characters of ``text`` that this span covers."""
        return text[self.start : self.end]


def checked_span(start: int, end: int, text_length: int, where: str) -> Span:
    """Make a span and check it lies inside a text.

    Args:
        start: First character.
        end: One past the last character.
        text_length: Length of the text the span points into.
        where: What the span belongs to, for the error message.

    Raises:
        SpanError: if the span is empty or runs past the text.
    """
    span = Span(start, end)
    if not span.within(text_length):
        raise SpanError(
            f"{where}: span [{start}, {end}) runs past the end of the text ({text_length} characters)",
            "check the start and end offsets",
        )
    return span
