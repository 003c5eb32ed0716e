"""The transcript as speaker turns, drawn line by line: only the visible lines are ever rendered.

Each visual line knows the character range of the transcript it shows, so codings, the current segment
and the selection (all spans) are painted by intersecting ranges; nothing holds a widget per segment.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.model import Coding, Segment, Span, Suggestion, Turn

GUTTER = 3  # cells for the coloured marks of the codes on a line
INDENT = 2  # body lines sit under the speaker's name
CONTEXT = 4  # lines kept in view before and after the current segment, so the coder reads on
_WORD = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True, slots=True)
class VisualLine:
    """One screen line: a speaker heading (``turn`` set, empty range) or a piece of text."""

    start: int
    end: int
    turn: int | None = None  # set on a speaker heading line
    heading: str = ""


def wrap_range(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text[start:end]`` into ranges of at most ``width`` cells.

    Line breaks in the text always break; a word longer than the width is split.
    """
    out: list[tuple[int, int]] = []
    width = max(4, width)
    line_start = start
    for physical in re.finditer(r"[^\n]*", text[start:end]):
        if (
            physical.start() > 0
            and physical.start() == physical.end()
            and text[start + physical.start() - 1] != "\n"
        ):
            continue
        p_start, p_end = start + physical.start(), start + physical.end()
        if p_start == p_end:
            out.append((p_start, p_end))
            continue
        line_start, used = p_start, 0
        for word in _WORD.finditer(text, p_start, p_end):
            w_start, w_end = word.start(), word.end()
            visible = cell_len(text[w_start:w_end].rstrip())
            if used and used + visible > width:
                out.append((line_start, w_start))
                line_start, used = w_start, 0
            while visible > width:  # a very long word: cut it
                cut = w_start + width
                out.append((line_start, cut))
                line_start = w_start = cut
                visible = cell_len(text[w_start:w_end].rstrip())
            used += cell_len(text[w_start:w_end])
        out.append((line_start, p_end))
    return out


class TranscriptView(ScrollView, can_focus=True):
    """A scrolling view of one transcript with codings, the current segment and the selection painted in."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript-view--speaker",
        "transcript-view--cursor",
        "transcript-view--selection",
        "transcript-view--outside",
    }

    class SegmentClicked(Message):
        """The user clicked on a segment (``extend`` when shift was held)."""

        def __init__(self, index: int, extend: bool) -> None:
            super().__init__()
            self.index = index
            self.extend = extend

    class SpanDragged(Message):
        """The user dragged across the text to select a span."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.turns: tuple[Turn, ...] = ()
        self.segments: list[Segment] = []
        self._segment_starts: list[int] = []
        self.codings: list[Coding] = []
        self.colours: dict[str, str] = {}
        self.suggested: list[Suggestion] = []  # painted only in the inline suggestions mode
        self.cursor: Span | None = None
        self.selection: Span | None = None
        self._lines: list[VisualLine] = []
        self._line_starts: list[int] = []
        self._layout_width = -1
        self._drag_from: int | None = None

    # -- data -------------------------------------------------------------------------------------

    def load(self, text: str, turns: tuple[Turn, ...], segments: list[Segment]) -> None:
        """Show another transcript."""
        self.text, self.turns, self.segments = text, turns, segments
        self._segment_starts = [s.span.start for s in segments]
        self._layout_width = -1
        self.scroll_to(0, 0, animate=False)
        self._relayout()

    def set_codings(self, codings: list[Coding], colours: dict[str, str]) -> None:
        self.codings = sorted(codings, key=lambda c: (c.span.start, c.span.end, c.code))
        self.colours = colours
        self.refresh()

    def set_suggestions(self, suggestions: list[Suggestion]) -> None:
        """Underline these suggestions in their code's colour (an empty list turns the marks off)."""
        self.suggested = sorted(suggestions, key=lambda s: (s.span.start, s.span.end, -s.score))
        self.refresh()

    def set_marks(self, cursor: Span | None, selection: Span | None) -> None:
        self.cursor, self.selection = cursor, selection
        self.refresh()
        if cursor is not None:
            self.scroll_span_into_view(cursor)

    # -- layout -----------------------------------------------------------------------------------

    def _relayout(self) -> None:
        width = max(10, self.scrollable_content_region.width - GUTTER - INDENT - 1)
        if width == self._layout_width:
            return
        self._layout_width = width
        lines: list[VisualLine] = []
        # A header before the first turn (title, notes), up to the line where that turn's label stands.
        first = self.turns[0].span.start if self.turns else len(self.text)
        header_end = len(self.text[: max(0, self.text.rfind("\n", 0, first))].rstrip())
        if header_end > 0:
            lines.extend(VisualLine(a, b) for a, b in wrap_range(self.text, 0, header_end, width))
            lines.append(VisualLine(header_end, header_end))
        for turn in self.turns:
            stamp = f"  {_clock(turn.time)}" if turn.time is not None else ""
            lines.append(
                VisualLine(turn.span.start, turn.span.start, turn.index, (turn.speaker or "—") + stamp)
            )
            lines.extend(
                VisualLine(a, b) for a, b in wrap_range(self.text, turn.span.start, turn.span.end, width)
            )
            lines.append(VisualLine(turn.span.end, turn.span.end))
        self._lines = lines
        self._line_starts = [line.start for line in lines]
        self.virtual_size = Size(width + GUTTER + INDENT, len(lines))
        self.refresh()
        if self.cursor is not None:
            # The lines moved (the first layout comes with the real width, after the cursor was set, say
            # to a position restored far down): keep the cursor's segment on screen, once the new size
            # lets the view scroll that far.
            self.call_after_refresh(self._keep_cursor_in_view)

    def _keep_cursor_in_view(self) -> None:
        if self.cursor is not None:  # the cursor as it is by then, not as it was at the relayout
            self.scroll_span_into_view(self.cursor)

    def on_resize(self, _event: events.Resize) -> None:
        self._relayout()

    def line_of_offset(self, offset: int) -> int:
        """The visual line showing the character at ``offset``."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        # An empty separator line starts where the text before it ends: step back onto that text.
        while (
            index > 0
            and self._lines[index].start == self._lines[index].end
            and self._lines[index].turn is None
        ):
            index -= 1
        return max(0, min(index, len(self._lines) - 1))

    def scroll_span_into_view(self, span: Span) -> None:
        """Scroll so the span (with its speaker's name above it) is in view with some lines of context
        after and before it; a span out of view (a jump: search, next uncoded, a restored place) comes
        to the middle."""
        if not self._lines:
            return
        top = self.line_of_offset(span.start)
        bottom = self.line_of_offset(max(span.start, span.end - 1))
        heading = top - 1 if top > 0 and self._lines[top - 1].turn is not None else top
        height = self.scrollable_content_region.height
        if height <= 0:  # not laid out yet: the relayout brings the cursor into view
            self.scroll_to_region(Region(0, heading, 1, bottom - heading + 1), animate=False, immediate=True)
            return
        y = round(self.scroll_offset.y)
        size = bottom - heading + 1
        room = max(0, height - size)
        margin = min(CONTEXT, room // 2)
        if size >= height:
            target = heading
        elif bottom < y or heading >= y + height:
            target = heading - room // 2
        elif bottom + margin >= y + height:
            target = bottom + margin - height + 1
        elif heading - margin < y:
            target = heading - margin
        else:
            return
        self.scroll_to(y=max(0, target), animate=False, immediate=True)

    # -- drawing ----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        if line.turn is not None:
            style = self.get_component_rich_style("transcript-view--speaker")
            text = Text(" " * GUTTER + line.heading, style=style)
        else:
            text = self._body_text(line)
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_style(base)

    def _body_text(self, line: VisualLine) -> Text:
        piece = self.text[line.start : line.end].rstrip("\n")
        outside = not any(t.span.start <= line.start < t.span.end for t in self.turns) and bool(self.turns)
        body = Text(piece, style=self.get_component_rich_style("transcript-view--outside") if outside else "")
        on_line = [
            c
            for c in self._codings_between(line.start, line.end)
            if c.span.overlaps(Span(line.start, max(line.end, line.start + 1)))
        ]
        background = self.styles.background if self.styles.background.a else Color(0, 0, 0)
        for coding in on_line:
            colour = Color.parse(self.colours.get(coding.code, "#888888"))
            tint = background.blend(colour, 0.45)
            body.stylize(
                Style(bgcolor=tint.rich_color),
                max(0, coding.span.start - line.start),
                coding.span.end - line.start,
            )
        for found in self.suggested:
            if found.span.start < line.end and line.start < found.span.end:
                colour = Color.parse(self.colours.get(found.code, "#888888"))
                body.stylize(
                    Style(underline=True, color=colour.rich_color),
                    max(0, found.span.start - line.start),
                    found.span.end - line.start,
                )
        for span, name in ((self.cursor, "cursor"), (self.selection, "selection")):
            if span is not None and span.start < line.end and line.start < span.end:
                body.stylize(
                    self.get_component_rich_style(f"transcript-view--{name}"),
                    max(0, span.start - line.start),
                    span.end - line.start,
                )
        gutter = Text()
        codes = list(dict.fromkeys(c.code for c in on_line))
        for code in codes[: GUTTER - 1]:
            gutter.append("▌", Style(color=Color.parse(self.colours.get(code, "#888888")).rich_color))
        if len(codes) > GUTTER - 1:
            gutter.append("+")
        gutter.append(" " * (GUTTER - gutter.cell_len))
        return Text.assemble(gutter, " " * INDENT, body)

    def _codings_between(self, start: int, end: int) -> list[Coding]:
        # Codings are few per transcript (hundreds); a linear filter per visible line is cheap.
        return [c for c in self.codings if c.span.start < max(end, start + 1) and start < c.span.end]

    # -- mouse ------------------------------------------------------------------------------------

    def _offset_at(self, event: events.MouseEvent) -> int | None:
        index = self.scroll_offset.y + event.y
        if not 0 <= index < len(self._lines):
            return None
        line = self._lines[index]
        if line.turn is not None:
            return line.start
        column = self.scroll_offset.x + event.x - GUTTER - INDENT
        offset = line.start
        used = 0
        while offset < line.end and used + cell_len(self.text[offset]) <= max(0, column):
            used += cell_len(self.text[offset])
            offset += 1
        return min(offset, max(line.start, line.end - 1))

    def segment_at(self, offset: int) -> int | None:
        index = bisect.bisect_right(self._segment_starts, offset) - 1
        if index >= 0 and self.segments[index].span.start <= offset < self.segments[index].span.end:
            return index
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._drag_from = self._offset_at(event)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        start, self._drag_from = self._drag_from, None
        end = self._offset_at(event)
        if start is None or end is None:
            return
        if abs(end - start) > 1:
            low, high = sorted((start, end))
            self.post_message(self.SpanDragged(Span(low, high + 1)))
            return
        segment = self.segment_at(end)
        if segment is not None:
            self.post_message(self.SegmentClicked(segment, event.shift))


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
