"""Accept every suggestion of one code above a score, after seeing exactly which ones they are."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from qualcode.model import Suggestion

DEFAULT_THRESHOLD = 0.8
PREVIEW_CHARS = 70


def above(suggestions: list[Suggestion], code: str, threshold: float) -> list[Suggestion]:
    """The suggestions of ``code`` scored at least ``threshold``, in the order of the text."""
    chosen = [s for s in suggestions if s.code == code and s.score >= threshold]
    return sorted(chosen, key=lambda s: (s.span.start, s.span.end))


class AcceptAllDialog(ModalScreen[list[Suggestion] | None]):
    """Pick a code and a minimum score, see the suggestions that pass, accept them as one action."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        transcript: str,
        suggestions: list[Suggestion],
        code: str | None = None,
    ) -> None:
        super().__init__()
        self.transcript = transcript
        self.suggestions = suggestions
        counts: dict[str, int] = {}
        for found in suggestions:
            counts[found.code] = counts.get(found.code, 0) + 1
        self.codes = sorted(counts, key=lambda c: (-counts[c], c))
        self.counts = counts
        self.code = code if code in counts else self.codes[0]
        self.threshold = DEFAULT_THRESHOLD
        self.chosen: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog accept-all"):
            yield Label(f"Accept all suggestions of one code in {self.transcript}", classes="dialog-title")
            with Horizontal(classes="search-row"):
                yield Select(
                    [(f"{c} ({self.counts[c]})", c) for c in self.codes],
                    value=self.code,
                    allow_blank=False,
                    id="accept-code",
                )
                yield Input(str(self.threshold), placeholder="minimum score, 0-1", id="accept-threshold")
            yield Label("", id="accept-summary")
            yield OptionList(id="accept-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Accept", variant="primary", id="accept")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#accept-threshold", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.code = event.value
            self._refresh()

    def on_input_changed(self, event: Input.Changed) -> None:
        try:
            value = float(event.value)
        except ValueError:
            value = -1.0
        self.threshold = value
        self._refresh()

    def _refresh(self) -> None:
        summary = self.query_one("#accept-summary", Label)
        preview = self.query_one("#accept-preview", OptionList)
        preview.clear_options()
        if not 0.0 <= self.threshold <= 1.0:
            self.chosen = []
            summary.update(Text("The minimum score is a number from 0 to 1, like 0.8", style="bold red"))
            return
        self.chosen = above(self.suggestions, self.code, self.threshold)
        summary.update(
            f"{len(self.chosen)} suggestions of {self.code} scored {self.threshold:.2f} or more "
            "will become your codings (one action: u undoes them all)"
        )
        options = []
        for found in self.chosen:
            words = " ".join(found.text.split())
            if len(words) > PREVIEW_CHARS:
                words = words[: PREVIEW_CHARS - 1] + "…"
            turn = f"turn {found.turn + 1}" if found.turn is not None else ""
            line = Text.assemble((f"{found.score:.2f} ", "bold"), (f"{turn:>9}  ", "dim"), words)
            options.append(Option(line))
        preview.add_options(options)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._accept()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "accept":
            self._accept()
        else:
            self.dismiss(None)

    def _accept(self) -> None:
        if not self.chosen:
            self.notify("Nothing to accept at this score", severity="warning", timeout=2)
            return
        self.dismiss(list(self.chosen))
