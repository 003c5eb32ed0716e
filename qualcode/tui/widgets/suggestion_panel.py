"""Suggestions for the selection: code, calibrated score, where the evidence comes from, and why."""

from __future__ import annotations

import math

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.widgets import Static

from qualcode.model import Span, Suggestion

PANEL_ROWS = 4  # suggestions listed at once for one selection; tab moves through the rest
OPENING_WORDS = 4  # of a segment, to say which one a suggestion is for when the selection has several


def shown_score(score: float) -> str:
    """A score to two places, cut rather than rounded: a guess under 0.2 (0.1996) must not show as 0.20
    beside "under 0.20", and the two places begin the four that ``qualcode suggest`` prints."""
    return f"{math.floor(score * 100 + 1e-6) / 100:.2f}"  # (+1e-6: 0.29 * 100 is 28.999...)


def opening(text: str, segment: int | None) -> str:
    """The first words of a segment, to name it: '“I felt like an…”' (its number if it has no text)."""
    words = text.split()
    if not words:
        return f"segment {segment + 1}" if segment is not None else "its segment"
    cut = " ".join(words[:OPENING_WORDS])
    return f"“{cut}…”" if len(words) > OPENING_WORDS else f"“{cut}”"


def suggestions_on(suggestions: list[Suggestion], span: Span | None) -> list[Suggestion]:
    """The suggestions on a selection, best first, one per code (its best span)."""
    if span is None:
        return []
    best: dict[str, Suggestion] = {}
    for found in suggestions:
        if found.span.overlaps(span):
            kept = best.get(found.code)
            if kept is None or found.score > kept.score:
                best[found.code] = found
    return sorted(best.values(), key=lambda s: (-s.score, s.code))


class SuggestionPanel(Static):
    """The suggestions on the selection; the highlighted one is what y accepts and N rejects.

    The model's state comes first (one line), then per suggestion the code on one line (cut to the
    panel's width) and its score, source and reason below it.
    """

    plain = ""

    def show(
        self,
        here: list[Suggestion],
        highlighted: int,
        colours: dict[str, str],
        status: str,
        uncertain: bool = False,
        weak_below: float | None = None,
        several: bool = False,
    ) -> None:
        """Show ``here``; ``weak_below``: they are only guesses, all scored under this; ``several``: the
        selection has several segments, so each suggestion says which it is for (y accepts it there)."""
        lines: list[Text | Padding] = []
        if status:
            lines.append(Text(status, style="dim"))
        if uncertain:
            lines.append(Text("The model is unsure here: your answer teaches it most", style="bold"))
        if not here:
            lines.append(Text("No suggestions here", style="dim"))
        elif weak_below is not None:
            lines.append(Text(f"Only weak guesses (under {weak_below:.2f})", style="dim"))
        first = max(0, highlighted - PANEL_ROWS + 1)  # keep the highlighted one in view
        if first:
            lines.append(Text(f"  {first} more above (shift+tab)", style="dim"))
        for index, found in enumerate(here[first : first + PANEL_ROWS], start=first):
            chosen = index == highlighted
            lines.append(
                Text.assemble(
                    ("▶ " if chosen else "  ", "bold"),
                    ("■ ", colours.get(found.code, "#888888")),
                    (found.code, "bold" if chosen else ""),
                    no_wrap=True,
                    overflow="ellipsis",
                )
            )
            why = Text.assemble(
                (f"{shown_score(found.score)} {found.source.value}", "bold" if chosen else "dim"),
                (f" · on {opening(found.text, found.segment)}" if several else "", "" if chosen else "dim"),
                (f" · {found.reason}", "italic" if chosen else "italic dim"),
            )
            lines.append(Padding(why, (0, 0, 0, 4)))  # a reason that wraps stays under its code
        below = len(here) - first - PANEL_ROWS
        if below > 0:
            lines.append(Text(f"  {below} more below (tab)", style="dim"))
        self.plain = "\n".join(  # what it says, without styles
            f"    {line.renderable}" if isinstance(line, Padding) else line.plain for line in lines
        )
        self.update(Group(*lines))
