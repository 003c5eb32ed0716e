"""Accept every suggestion of one code above a score, after seeing exactly which ones they are."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from qualcode.model import Suggestion
from qualcode.tui.widgets.suggestion_panel import shown_score

DEFAULT_THRESHOLD = 0.8
PREVIEW_CHARS = 70


def above(suggestions: list[Suggestion], code: str, threshold: float) -> list[Suggestion]:
    """The suggestions of ``code`` scored at least ``threshold``, in the order of the text."""
    chosen = [s for s in suggestions if s.code == code and s.score >= threshold]
    return sorted(chosen, key=lambda s: (s.transcript, s.span.start, s.span.end))


class AcceptAllDialog(ModalScreen[list[Suggestion] | None]):
    """Pick a code, a minimum score and where; see the suggestions that pass; accept them as one action.

    Args:
        transcript: The transcript on screen (the default scope).
        suggestions: Its suggestions.
        codes: Every codable code, in codebook order.
        code: The code to start with.
        everywhere: Works out the suggestions of every transcript, asking its argument whether to
            stop early (run in a thread worker here).
        floor: The lowest score the suggestions were listed from: a lower minimum would promise
            suggestions the dialog never saw, so it is refused.
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        transcript: str,
        suggestions: list[Suggestion],
        codes: list[str],
        code: str | None = None,
        everywhere: Callable[[Callable[[], bool]], list[Suggestion]] | None = None,
        floor: float = 0.0,
    ) -> None:
        super().__init__()
        self.transcript = transcript
        self.here = suggestions
        self.suggestions = suggestions
        self.codes = codes
        self.code = code if code in codes else (suggestions[0].code if suggestions else codes[0])
        self.threshold = DEFAULT_THRESHOLD
        self.everywhere = everywhere
        self.floor = floor
        self.scope = "here"
        self.loading = False
        self.chosen: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog accept-all"):
            yield Label("Accept all suggestions of one code", classes="dialog-title")
            with Horizontal(classes="search-row"):
                yield Select(
                    [(c, c) for c in self.codes], value=self.code, allow_blank=False, id="accept-code"
                )
                yield Input(
                    str(self.threshold), placeholder=f"minimum score, {self.floor:g}-1", id="accept-threshold"
                )
            scopes = [(f"in {self.transcript}", "here")]
            if self.everywhere is not None:
                scopes.append(("in every transcript", "all"))
            yield Select(scopes, value="here", allow_blank=False, id="accept-scope")
            yield Label("", id="accept-summary")
            yield OptionList(id="accept-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Accept", variant="primary", id="accept")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#accept-threshold", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if not isinstance(event.value, str):
            return
        if event.select.id == "accept-scope":
            self.scope = event.value
            if self.scope == "all" and self.everywhere is not None and self.suggestions is self.here:
                self.loading = True
                self._load_everywhere(self.everywhere)
            elif self.scope == "here":
                self.suggestions = self.here
        else:
            self.code = event.value
        self._refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="accept-all")
    def _load_everywhere(self, everywhere: Callable[[Callable[[], bool]], list[Suggestion]]) -> None:
        worker = get_current_worker()
        found = everywhere(lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list[Suggestion]) -> None:
        self.loading = False
        if self.scope == "all":
            self.suggestions = found
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
        self.chosen = []
        if not self.floor <= self.threshold <= 1.0:
            low = f"{self.floor:g}, the lowest score suggestions are listed from," if self.floor else "0"
            summary.update(Text(f"The minimum score is a number from {low} to 1, like 0.8", style="bold red"))
            return
        if self.loading:
            summary.update("Reading every transcript…")
            return
        self.chosen = above(self.suggestions, self.code, self.threshold)
        where = f"in {self.transcript}" if self.scope == "here" else "in every transcript"
        summary.update(
            f"{len(self.chosen)} suggestion{'' if len(self.chosen) == 1 else 's'} of {self.code} scored {self.threshold:.2f} or more {where} "
            "will become your codings (one action: u undoes them all)"
        )
        options = []
        for found in self.chosen:
            words = " ".join(found.text.split())
            if len(words) > PREVIEW_CHARS:
                words = words[: PREVIEW_CHARS - 1] + "…"
            turn = f"turn {found.turn + 1}" if found.turn is not None else ""
            place = f"{found.transcript} {turn}" if self.scope == "all" else turn
            line = Text.assemble((f"{shown_score(found.score)} ", "bold"), (f"{place:>9}  ", "dim"), words)
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
        if self.loading:
            self.notify("Still reading every transcript", severity="warning", timeout=2)
            return
        if not self.chosen:
            self.notify("Nothing to accept at this score", severity="warning", timeout=2)
            return
        self.dismiss(list(self.chosen))
