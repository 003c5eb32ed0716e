"""Suggestions for the selection: code, calibrated score, where the evidence comes from, and why."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcode.model import Span, Suggestion

PANEL_ROWS = 4  # suggestions listed at once for one selection; tab moves through the rest


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
    """The suggestions on the selection; the highlighted one is what y accepts and N rejects."""

    def show(
        self,
        here: list[Suggestion],
        highlighted: int,
        colours: dict[str, str],
        status: str,
        uncertain: bool = False,
    ) -> None:
        text = Text()
        if uncertain:
            text.append("The model is unsure here: your answer teaches it most\n", style="bold")
        if not here:
            text.append("No suggestions here", style="dim")
        first = max(0, highlighted - PANEL_ROWS + 1)  # keep the highlighted one in view
        if first:
            text.append(f"  {first} more above (shift+tab)\n", style="dim")
        for index, found in enumerate(here[first : first + PANEL_ROWS], start=first):
            mark = "▶ " if index == highlighted else "  "
            text.append(mark, style="bold")
            text.append("■ ", style=colours.get(found.code, "#888888"))
            text.append(found.code, style="bold" if index == highlighted else "")
            text.append(f"  {found.score:.2f} {found.source.value}\n", style="dim")
            text.append(f"    {found.reason}\n", style="italic dim" if index != highlighted else "italic")
        below = len(here) - first - PANEL_ROWS
        if below > 0:
            text.append(f"  {below} more below (tab)\n", style="dim")
        if status:
            text.append(f"\n{status}", style="dim")
        self.update(text)
