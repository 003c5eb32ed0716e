"""Memos: browse every memo of the project, write new ones, edit one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from qualcode.errors import QualcodeError
from qualcode.model import Coding, Memo, MemoTarget
from qualcode.tui.modals.memo_editor import MemoDraft, MemoEditor, memo_subject

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp


class MemosScreen(Screen[None]):
    """A table of memos and the text of the highlighted one."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="memos.back"),
        Binding("n", "new", "New memo", id="memos.new"),
        Binding("enter", "edit", "Edit", id="memos.edit"),
    ]

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def __init__(self) -> None:
        super().__init__()
        self.memos: list[Memo] = []
        self.codings: dict[str, Coding] = {}  # the codings memos are on, by id as a memo names them

    def compose(self) -> ComposeResult:
        yield Label(" Memos ", classes="panel-title")
        # The table takes the screen's width, so what each memo is about reads in its row; the highlighted
        # memo is shown whole below it.
        with Vertical():
            yield DataTable(id="memo-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="memo-detail-pane"):
                yield Static("", id="memo-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#memo-table", DataTable)
        table.add_columns("Updated", "Author", "On", "Memo")
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one("#memo-table", DataTable)
        row = table.cursor_row
        table.clear()
        self.memos = self.qapp.project.memos()
        on_codings = {m.target_name for m in self.memos if m.target is MemoTarget.CODING}
        self.codings = (
            {str(c.id): c for c in self.qapp.project.codings() if str(c.id) in on_codings}
            if on_codings
            else {}
        )
        for memo in self.memos:
            on = memo_subject(memo, self.codings)
            first = memo.text.strip().splitlines()[0] if memo.text.strip() else ""
            # The project's words are shown as written: as markup, "[/i]" in a memo raised MarkupError.
            table.add_row(
                memo.updated_at.astimezone().strftime("%d %b %H:%M"),
                Text(memo.author),
                Text(on),
                Text(first[:60]),
            )
        if self.memos:
            table.move_cursor(row=min(row, len(self.memos) - 1))
        self._show_current()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_current()

    def _current(self) -> Memo | None:
        row = self.query_one("#memo-table", DataTable).cursor_row
        return self.memos[row] if self.memos and 0 <= row < len(self.memos) else None

    def _show_current(self) -> None:
        memo = self._current()
        if memo is None:
            self.query_one("#memo-text", Static).update("No memos yet: press n to write one")
            return
        # What it is about first, and for a coding the words coded in full: the table has room for few.
        about = Text(memo_subject(memo, self.codings) + "\n", style="bold")
        coding = self.codings.get(memo.target_name or "") if memo.target is MemoTarget.CODING else None
        if coding is not None:
            about.append(" ".join(coding.text.split()) + "\n", style="italic")
        self.query_one("#memo-text", Static).update(Text.assemble(about, "\n", memo.text))

    def action_new(self) -> None:
        project = self.qapp.project
        targets: list[tuple[str, MemoTarget, str | None]] = [("the project", MemoTarget.PROJECT, None)]
        targets += [(f"transcript {n}", MemoTarget.TRANSCRIPT, n) for n in project.repo.transcript_names()]
        targets += [(f"code {c.name}", MemoTarget.CODE, c.name) for c in project.codebook()]
        self.app.push_screen(MemoEditor(targets), self.qapp.save_memo)

    def action_edit(self) -> None:
        memo = self._current()
        if memo is None:
            return
        label = memo_subject(memo, self.codings)

        def save(draft: MemoDraft | None) -> None:
            if draft is None:
                return
            try:
                self.qapp.project.update_memo(memo.id, draft.text, coder=self.qapp.coder)
            except QualcodeError as exc:
                self.qapp.show_error(exc)
                return
            self.qapp.note_own_change()
            self.reload()

        self.app.push_screen(MemoEditor([(label, memo.target, memo.target_name)], memo.text), save)

    def action_back(self) -> None:
        self.app.pop_screen()
