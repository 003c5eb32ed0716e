"""The coding screen: the transcript, the codebook beside it, and every coding key.

Every change goes through the Project API and is committed before the screen shows it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList

from qualcode.errors import QualcodeError
from qualcode.model import Codebook, Coding, CodingFilter, Event, MemoTarget, Span, Transcript
from qualcode.project import SearchHit
from qualcode.tui.keys import CODING_BINDINGS, VISUAL_KEYS
from qualcode.tui.modals.code_picker import CodePicker
from qualcode.tui.modals.memo_editor import MemoEditor
from qualcode.tui.modals.search import SearchDialog
from qualcode.tui.selection import Selection
from qualcode.tui.widgets.codebook_panel import (
    CodeDetail,
    CodeList,
    SegmentCodings,
    code_colours,
    number_keys,
)
from qualcode.tui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp


class CodingScreen(Screen[None]):
    """Code one transcript by keyboard (or mouse)."""

    BINDINGS = CODING_BINDINGS

    def __init__(self, transcript: str, segment: int = 0) -> None:
        super().__init__()
        self.transcript_name = transcript
        self.start_segment = segment
        self.record: Transcript | None = None
        self.selection = Selection("", [])
        self.codebook = Codebook(())
        self.codings: list[Coding] = []  # this coder's codings on this transcript
        self.all_codings: list[Coding] = []  # everyone's, for the side panel
        self.colours: dict[str, str] = {}
        self.keys: dict[str, str] = {}  # key -> code name (1-9 and hotkeys)
        self.focus_code: str | None = None

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Label("", id="status")
        with Horizontal(id="coding-body"):
            yield TranscriptView(id="transcript")
            with Vertical(id="sidebar"):
                yield Label("Codebook", classes="panel-title")
                yield CodeList(id="codes")
                yield CodeDetail(id="code-detail")
                yield Label("On this selection", classes="panel-title")
                yield SegmentCodings(id="segment-codings")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CodeList).can_focus = False
        self.load()
        self.query_one(TranscriptView).focus()

    # -- loading ----------------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)read the transcript, its segments, the codebook and this coder's codings."""
        project = self.qapp.project
        self.record = project.transcript(self.transcript_name)
        segments = project.segments(self.transcript_name)
        cursor = self.selection.cursor if self.selection.segments else self.start_segment
        self.selection = Selection(self.record.text, segments)
        self.selection.go(cursor)
        view = self.query_one(TranscriptView)
        view.load(self.record.text, self.record.turns, segments)
        self.reload_codes()

    def reload_codes(self) -> None:
        """Re-read the codebook and codings (after a change here or in another process)."""
        self.codebook = self.qapp.project.codebook()
        self.colours = code_colours(self.codebook)
        self.keys = {**number_keys(self.codebook), **{c.hotkey: c.name for c in self.codebook if c.hotkey}}
        self.reload_codings()

    def reload_codings(self) -> None:
        """Re-read this transcript's codings (one query) and redraw what shows them."""
        found = self.qapp.project.codings(CodingFilter(transcripts=(self.transcript_name,)))
        self.all_codings = found
        self.codings = [c for c in found if c.coder == self.qapp.coder]
        counts: dict[str, int] = {}
        for coding in self.codings:
            counts[coding.code] = counts.get(coding.code, 0) + 1
        self.query_one(CodeList).show(self.codebook, counts, self.colours)
        self.query_one(TranscriptView).set_codings(self.codings, self.colours)
        self.refresh_marks()

    def refresh_marks(self) -> None:
        """Redraw the cursor and selection, the status line and the side panels."""
        view = self.query_one(TranscriptView)
        current = self.selection.current
        span = self.selection.span
        selection = span if (self.selection.visual is not None or self.selection.anchor is not None) else None
        view.set_marks(current.span if current else None, selection)
        here = self._all_codings_here(span) if span else []
        self.query_one(SegmentCodings).show(here, self.colours)
        mine_here = [c for c in here if c.coder == self.qapp.coder]
        if mine_here:
            self.focus_code = mine_here[0].code
        self.query_one(CodeDetail).show(self.codebook.get(self.focus_code) if self.focus_code else None)
        self._update_status()
        self._remember_position()

    def _all_codings_here(self, span: Span) -> list[Coding]:
        # Other coders' codings on the selection are listed in the side panel but not painted in the
        # text, so independent coding stays independent.
        return [c for c in self.all_codings if c.span.overlaps(span)]

    def _update_status(self) -> None:
        sel = self.selection
        total = len(sel.segments)
        mode = (
            "SELECT TEXT (h/l w/b H/L W/B, esc)"
            if sel.visual
            else ("EXTEND" if sel.anchor is not None else "")
        )
        speaker = ""
        if self.record and sel.current:
            turn = (
                self.record.turns[sel.current.turn_index]
                if sel.current.turn_index < len(self.record.turns)
                else None
            )
            speaker = turn.speaker if turn else ""
        status = Text.assemble(
            (f" {self.transcript_name} ", "bold reverse"),
            f"  {speaker}  segment {sel.cursor + 1 if total else 0}/{total}",
            f"  coder: {self.qapp.coder}",
            (f"  {mode}", "bold"),
        )
        self.query_one("#status", Label).update(status)

    def _remember_position(self) -> None:
        key = f"tui.position.{self.qapp.coder}"
        value = json.dumps({"transcript": self.transcript_name, "segment": self.selection.cursor})
        self.qapp.remember(key, value)

    # -- moving -----------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.selection.move(delta)
        self.refresh_marks()

    def action_move_turn(self, delta: int) -> None:
        self.selection.move_turn(delta)
        self.refresh_marks()

    def action_extend(self, delta: int) -> None:
        self.selection.extend(delta)
        self.refresh_marks()

    def action_visual(self) -> None:
        if self.selection.visual is None:
            self.selection.start_visual()
        else:
            self.selection.collapse()
        self.refresh_marks()

    def action_collapse(self) -> None:
        self.selection.collapse()
        self.refresh_marks()

    def action_next_uncoded(self) -> None:
        if not self.selection.next_uncoded(self.codings, self.qapp.coder):
            self.notify("No uncoded segment after this one", severity="information")
        self.refresh_marks()

    def on_key(self, event: events.Key) -> None:
        """Code keys (1-9 and the codebook's hotkeys), and refining keys in text selection."""
        if self.selection.visual is not None and event.key in VISUAL_KEYS:
            edge, step = VISUAL_KEYS[event.key]
            self.selection.refine(edge, step)
            self.refresh_marks()
            event.stop()
            return
        code = self.keys.get(event.character or "") if event.character else None
        if code is not None and not event.key.startswith("ctrl+"):
            event.stop()
            self.apply_code(code)

    @on(TranscriptView.SegmentClicked)
    def _clicked(self, message: TranscriptView.SegmentClicked) -> None:
        if message.extend:
            self.selection.extend(message.index - self.selection.cursor)
        else:
            self.selection.move(message.index - self.selection.cursor)
        self.refresh_marks()

    @on(TranscriptView.SpanDragged)
    def _dragged(self, message: TranscriptView.SpanDragged) -> None:
        self.selection.go_to_offset(message.span.start)
        self.selection.visual = message.span
        self.refresh_marks()

    @on(OptionList.OptionSelected, "#codes")
    def _code_clicked(self, message: OptionList.OptionSelected) -> None:
        if message.option.id:
            self.apply_code(message.option.id)
        self.query_one(TranscriptView).focus()

    # -- coding -----------------------------------------------------------------------------------

    def apply_code(self, code: str) -> None:
        """Toggle ``code`` on the selection for this coder; the screen changes once it is stored."""
        span = self.selection.span
        if span is None:
            return
        try:
            added, coding = self.qapp.project.toggle_coding(
                self.transcript_name, span, code, coder=self.qapp.coder
            )
        except QualcodeError as exc:
            self.qapp.show_error(exc)
            return
        self.focus_code = coding.code
        self.qapp.note_own_change()
        self.notify(f"{'Coded' if added else 'Removed'} {coding.code}", timeout=1.5)
        if self.selection.visual is not None or self.selection.anchor is not None:
            self.selection.collapse()
        self.reload_codings()

    def action_pick_code(self) -> None:
        def chosen(code: str | None) -> None:
            if code:
                self.apply_code(code)

        self.app.push_screen(CodePicker(list(self.codebook)), chosen)

    def action_undo(self) -> None:
        self._after_travel(self.qapp.travel(undo=True))

    def action_redo(self) -> None:
        self._after_travel(self.qapp.travel(undo=False))

    def _after_travel(self, event: Event | None) -> None:
        """Show the result of an undo or redo, with the cursor on the coding it touched if it is here."""
        if event is None:
            return
        rows = event.payload.get("rows", {}).get("codings", {})
        touched = rows.get("before") or rows.get("after") or []
        self.reload_codes()
        if touched and self.record and touched[0].get("transcript_id") == self.record.id:
            self.selection.go_to_offset(int(touched[0]["start"]))
            self.refresh_marks()

    # -- memos and search -------------------------------------------------------------------------

    def action_memo(self) -> None:
        span = self.selection.span
        mine = [c for c in self.codings if span is not None and c.span == span]
        targets: list[tuple[str, MemoTarget, str | None]] = []
        for coding in mine:
            targets.append((f"this coding: {coding.code}", MemoTarget.CODING, str(coding.id)))
        targets.append((f"transcript {self.transcript_name}", MemoTarget.TRANSCRIPT, self.transcript_name))
        if self.focus_code:
            targets.append((f"code {self.focus_code}", MemoTarget.CODE, self.focus_code))
        targets.append(("the project", MemoTarget.PROJECT, None))

        self.app.push_screen(MemoEditor(targets), self.qapp.save_memo)

    def action_search(self) -> None:
        def jump(hit: SearchHit | None) -> None:
            if hit is not None:
                self.jump_to(hit.transcript, hit.span.start)

        self.app.push_screen(SearchDialog(self.qapp.project), jump)

    def jump_to(self, transcript: str, offset: int) -> None:
        """Show ``transcript`` with the cursor on the segment at ``offset``."""
        if transcript != self.transcript_name:
            self.transcript_name = transcript
            self.selection = Selection("", [])
            self.load()
        self.selection.go_to_offset(offset)
        self.refresh_marks()
