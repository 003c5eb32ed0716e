"""Where the coder is in a transcript and what is selected: plain state, tested without a screen."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from qualcode.model import Coding, Segment, Span, Turn

_WORD_START = re.compile(r"(?<!\S)\S")


@dataclass
class Selection:
    """The cursor (a segment), the anchor of a multi-segment selection, and a character selection.

    ``span`` is what a code key applies to: the character selection in visual mode, else the segments
    from the anchor to the cursor. A character selection is refined only within the speech of its turns
    (``Turn.span``): the speaker labels and timestamps between turns are not drawn as text, so a
    selection running into them would store words the screen never showed as selected.
    """

    text: str
    segments: list[Segment]
    turns: tuple[Turn, ...] = ()
    cursor: int = 0
    anchor: int | None = None
    visual: Span | None = None
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [s.span.start for s in self.segments]

    @property
    def current(self) -> Segment | None:
        return self.segments[self.cursor] if self.segments else None

    @property
    def rows(self) -> tuple[int, int]:
        """The first and last selected segment (the cursor's alone without an anchor)."""
        low, high = sorted((self.cursor, self.cursor if self.anchor is None else self.anchor))
        return low, high

    @property
    def span(self) -> Span | None:
        if self.visual is not None:
            return self.visual
        if not self.segments:
            return None
        low, high = self.rows
        return Span(self.segments[low].span.start, self.segments[high].span.end)

    def move(self, delta: int) -> None:
        self.visual = None
        self.anchor = None
        self.go(self.cursor + delta)

    def go(self, index: int) -> None:
        if self.segments:
            self.cursor = max(0, min(index, len(self.segments) - 1))

    def go_to_offset(self, offset: int) -> None:
        """Put the cursor on the segment holding ``offset`` (or the nearest before it)."""
        self.visual = None
        self.anchor = None
        self.go(max(0, bisect.bisect_right(self._starts, offset) - 1))

    def move_turn(self, delta: int) -> None:
        """To the first segment of the next (or previous) turn."""
        if not self.segments:
            return
        turn = self.segments[self.cursor].turn_index
        index = self.cursor
        if delta > 0:
            while index < len(self.segments) - 1 and self.segments[index].turn_index == turn:
                index += 1
        else:
            while index > 0 and self.segments[index].turn_index == turn:
                index -= 1
            target = self.segments[index].turn_index
            while index > 0 and self.segments[index - 1].turn_index == target:
                index -= 1
        self.move(index - self.cursor)

    def extend(self, delta: int) -> None:
        self.visual = None
        if self.anchor is None:
            self.anchor = self.cursor
        self.go(self.cursor + delta)

    def start_visual(self) -> None:
        """Select characters: start from the first word of the current segment."""
        segment = self.current
        if segment is None:
            return
        text = segment.span.of(self.text)
        first_word = re.match(r"\S+", text)
        end = segment.span.start + (first_word.end() if first_word else len(text))
        self.visual = Span(segment.span.start, max(end, segment.span.start + 1))
        self.anchor = None

    def select_text(self, span: Span) -> None:
        """Select the characters of ``span`` (a drag), its ends moved off the labels and line breaks
        between turns onto the nearest speech, which is all the screen shows as selected there."""
        start, end = span.start, span.end
        if self.turns:
            before = self._turn_at(start)
            if start >= before.span.end:  # after a turn's last word: from the next turn's first
                later = [t.span.start for t in self.turns if t.span.start > start]
                start = later[0] if later else start
            last = self._turn_at(end - 1)
            if end - 1 >= last.span.end:  # past a turn's last word: to that word's end
                end = last.span.end
        if end <= start:
            start, end = span.start, span.end
        self.go_to_offset(start)
        self.visual = Span(start, end)

    def refine(self, edge: str, step: int) -> None:
        """Move one edge of the character selection by a character or a word; it never becomes empty."""
        if self.visual is None:
            return
        start, end = self.visual.start, self.visual.end
        floor, limit = self._speech_bounds(self.visual)
        if edge == "end":
            end = end + step
        elif edge == "start":
            start = start + step
        elif edge == "end_word":
            end = self._word_edge(end, step, ends=True)
        elif edge == "start_word":
            start = self._word_edge(start, step, ends=False)
        end = max(start + 1, min(limit, end)) if edge.startswith("end") else end
        start = min(end - 1, max(floor, start)) if edge.startswith("start") else start
        self.visual = Span(start, end)

    def _speech_bounds(self, span: Span) -> tuple[int, int]:
        """Where a character selection may reach: from the start of the turn its start is in to the end
        of the turn its end is in (the whole text when the transcript has no turns)."""
        if not self.turns:
            return 0, len(self.text)
        first = self._turn_at(span.start)
        last = self._turn_at(max(span.start, span.end - 1))
        return min(first.span.start, span.start), max(last.span.end, span.end)

    def _turn_at(self, offset: int) -> Turn:
        """The turn holding ``offset``, else the nearest one before it (the first if none is before)."""
        starts = [t.span.start for t in self.turns]
        return self.turns[max(0, bisect.bisect_right(starts, offset) - 1)]

    def _word_edge(self, offset: int, step: int, *, ends: bool) -> int:
        if ends:
            bounds = [m.end() for m in re.finditer(r"\S+", self.text)]
        else:
            bounds = [m.start() for m in _WORD_START.finditer(self.text)]
        if step > 0:
            later = [b for b in bounds if b > offset]
            return later[0] if later else len(self.text)
        earlier = [b for b in bounds if b < offset]
        return earlier[-1] if earlier else 0

    def collapse(self) -> None:
        self.visual = None
        self.anchor = None

    def next_uncoded(self, codings: list[Coding], coder: str) -> bool:
        """Move to the next segment after the cursor that this coder has not coded; False if none."""
        mine = sorted((c.span for c in codings if c.coder == coder), key=lambda s: s.start)
        for index in range(self.cursor + 1, len(self.segments)):
            span = self.segments[index].span
            if not any(s.overlaps(span) for s in mine):
                self.move(index - self.cursor)
                return True
        return False
