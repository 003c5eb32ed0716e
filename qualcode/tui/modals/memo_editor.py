"""Write a memo on the project, the transcript, a code or a coding."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select, TextArea

from qualcode.model import MemoTarget


@dataclass(frozen=True)
class MemoDraft:
    """What the editor returns: the text and what it is attached to."""

    text: str
    target: MemoTarget
    target_name: str | None


class MemoEditor(ModalScreen[MemoDraft | None]):
    """A text area and a choice of what the memo is about; ctrl+s saves, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo", priority=True),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, targets: list[tuple[str, MemoTarget, str | None]], text: str = "") -> None:
        super().__init__()
        self.targets = targets  # (label, target, name), the first is the default
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo-editor"):
            yield Label("Memo  (ctrl+s saves, escape cancels)", classes="dialog-title")
            yield Select(
                [(label, i) for i, (label, _t, _n) in enumerate(self.targets)],
                value=0,
                allow_blank=False,
                id="target",
            )
            yield TextArea(self.text, id="memo-text")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("The memo is empty: write something, or press escape", severity="warning")
            return
        choice = self.query_one("#target", Select).value
        index = choice if isinstance(choice, int) else 0
        _label, target, name = self.targets[index]
        self.dismiss(MemoDraft(text, target, name))
