"""Write a memo on the project, the transcript, a code or a coding."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select, TextArea

from qualcode.model import Coding, Memo, MemoTarget

OPENING_CHARS = 28  # how much of a coding's words names it in a memo list: "They thought I was there for…"


def opening_words(text: str, limit: int = OPENING_CHARS) -> str:
    """The first words of ``text`` up to ``limit`` characters, quoted, with "…" if it goes on."""
    words = text.split()
    taken: list[str] = []
    for word in words:
        if taken and len(" ".join([*taken, word])) > limit:
            break
        taken.append(word if taken or len(word) <= limit else word[:limit])
    opening = " ".join(taken)
    more = opening != " ".join(words)
    return f"“{opening}{'…' if more else ''}”"


def coding_label(coding: Coding) -> str:
    """A coding as a memo's subject: its code, its transcript and the words it codes."""
    return f"{coding.code} · {coding.transcript} · {opening_words(coding.text)}"


def memo_subject(memo: Memo, codings: dict[str, Coding]) -> str:
    """What ``memo`` is about, in words: "the project", "transcript P03", "code Boundaries", or for a
    coding its code, transcript and first words (``codings`` by id, as the memo names them)."""
    if memo.target is MemoTarget.PROJECT:
        return "the project"
    if memo.target is MemoTarget.CODING:
        # A memo flagged removed may name an id that another coding took before ids were stable.
        coding = None if memo.target_removed else codings.get(memo.target_name or "")
        return coding_label(coding) if coding is not None else f"a coding since removed (#{memo.target_name})"
    return f"{memo.target.value} {memo.target_name or ''}".strip()


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
