"""Search across all transcripts, in words or as a regular expression, and jump to a match."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError
from qualcode.project import Project, SearchHit


class SearchDialog(ModalScreen[SearchHit | None]):
    """Type, press Enter to search; pick a match to jump to it."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, project: Project, query: str = "") -> None:
        super().__init__()
        self.project = project
        self.query_text = query
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog search"):
            yield Label("Search all transcripts (Enter to search, then pick a match)", classes="dialog-title")
            with Horizontal(classes="search-row"):
                yield Input(value=self.query_text, placeholder="words, or a regular expression", id="query")
                yield Checkbox("regex", id="regex")
            yield Label("", id="count")
            yield OptionList(id="hits")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        regex = self.query_one("#regex", Checkbox).value
        hits_list = self.query_one("#hits", OptionList)
        hits_list.clear_options()
        try:
            self.hits = self.project.search(event.value, regex=regex, limit=500)
        except QualcodeError as exc:
            self.query_one("#count", Label).update(Text(f"{exc.message} — {exc.hint}"))
            return
        self.query_one("#count", Label).update(
            f"{len(self.hits)} matches" + (" (first 500)" if len(self.hits) >= 500 else "")
        )
        hits_list.add_options(
            # Verbatim, not markup: "[laughs]" vanished from the matches, "[/i]" raised MarkupError.
            [Option(Text(f"{hit.transcript}: …{hit.context}…"), id=str(i)) for i, hit in enumerate(self.hits)]
        )
        if self.hits:
            hits_list.highlighted = 0
            hits_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[int(event.option.id or 0)])
