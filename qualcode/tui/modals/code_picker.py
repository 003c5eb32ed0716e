"""Pick a code by typing part of its name (fuzzy), for codebooks of hundreds of codes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from qualcode.model import Code


class CodePicker(ModalScreen[str | None]):
    """Fuzzy search over the codebook; dismisses with the chosen code's name, or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
    ]

    def __init__(
        self, codes: list[Code], title: str = "Apply which code?", allow_groups: bool = False
    ) -> None:
        super().__init__()
        self.codes = [c for c in codes if allow_groups or not c.group]
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Input(placeholder="type to filter, Enter to choose", id="filter")
            yield OptionList(id="choices")

    def on_mount(self) -> None:
        self._refill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    def _refill(self, query: str) -> None:
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        matcher = Matcher(query) if query else None
        scored = []
        for code in self.codes:
            score = matcher.match(code.name) if matcher else 1.0
            if score > 0:
                key = f"[{code.hotkey}] " if code.hotkey else "    "
                label = matcher.highlight(code.name) if matcher else Content(code.name)
                scored.append((score, Option(Content(key) + label, id=code.name)))
        scored.sort(key=lambda pair: -pair[0])
        choices.add_options([option for _, option in scored])
        if scored:
            choices.highlighted = 0

    def action_cursor(self, step: int) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.option_count:
            choices.highlighted = ((choices.highlighted or 0) + step) % choices.option_count

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.highlighted is not None and choices.option_count:
            self.dismiss(choices.get_option_at_index(choices.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
