"""The coding screen: the transcript, the codebook beside it, and every coding key.

Every change goes through the Project API and is committed before the screen shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.worker import get_current_worker

from qualcode.errors import QualcodeError
from qualcode.model import (
    Codebook,
    Coding,
    CodingFilter,
    Event,
    MemoTarget,
    Span,
    Suggestion,
    Transcript,
    UncertainSegment,
)
from qualcode.project import SearchHit
from qualcode.suggest.learn import MIN_CALIBRATION_POSITIVES
from qualcode.tui.keys import CODING_BINDINGS, VISUAL_KEYS
from qualcode.tui.modals.accept_all import AcceptAllDialog
from qualcode.tui.modals.code_picker import CodePicker
from qualcode.tui.modals.memo_editor import MemoEditor, coding_label
from qualcode.tui.modals.search import SearchDialog
from qualcode.tui.selection import Selection
from qualcode.tui.suggestion_service import INLINE_SCORE, MIN_SCORE, Progress, SuggestionBatch
from qualcode.tui.widgets.codebook_panel import (
    CodeDetail,
    CodeList,
    SegmentCodings,
    code_colours,
)
from qualcode.tui.widgets.suggestion_panel import SuggestionPanel, suggestions_on
from qualcode.tui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    from textual.timer import Timer

    from qualcode.tui.app import QualcodeApp

RETRAIN_DELAY = 0.4  # seconds of quiet after the coder's own change before the model retrains
STORED_NOTE_SECONDS = 4.0  # how long the status line says what a key stored


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
        self.numbers: dict[str, str] = {}  # 1-9 -> code name, which may since have gone
        self.focus_code: str | None = None
        self.coder_shown = ""
        # Suggestions for this transcript, from the latest model; worked out in a thread worker.
        self.suggested: list[Suggestion] = []
        # Whether this transcript's suggestions have arrived (an empty list is then an answer).
        self.suggestions_shown = False
        self.weak: list[Suggestion] = []  # best guesses below MIN_SCORE where nothing scores more
        self.suggestion_status = "Suggestions: loading spaCy…"
        self.suggestion_index = 0  # which suggestion on the selection y and N act on
        self._suggestion_span: Span | None = None
        self.uncertain: UncertainSegment | None = None
        # Places "next uncertain" showed and the coder moved on from; forgotten once they code or decide.
        self._uncertain_passed: set[tuple[str, Span]] = set()
        self._suggest_busy = False
        self._suggest_again = False
        self._suggest_started = False  # not before the first paint: loading spaCy would slow it
        self._retrain_timer: Timer | None = None
        # What the last code key, accept or reject stored, said in the status line: a notification there
        # would cover the suggestions panel, which the coder reads next.
        self.stored_note = ""
        self._stored_note_timer: Timer | None = None

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    @property
    def inline(self) -> bool:
        """Suggestions underlined in the text: the coder's choice, kept on the app across transcripts."""
        return self.qapp.inline_suggestions

    def compose(self) -> ComposeResult:
        yield Label("", id="status")
        with Horizontal(id="coding-body"):
            yield TranscriptView(id="transcript")
            with Vertical(id="sidebar"):
                yield Label("Codebook  (your codings here)", classes="panel-title")
                yield CodeList(id="codes")
                yield CodeDetail(id="code-detail")
                yield Label("On this selection", classes="panel-title")
                yield SegmentCodings(id="segment-codings")
                yield Label("Suggestions  (y accept, N reject)", classes="panel-title")
                yield SuggestionPanel(id="suggestions")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CodeList).can_focus = False
        self.load()
        self.query_one(TranscriptView).focus()
        self.call_after_refresh(self._start_suggestions)

    def _start_suggestions(self) -> None:
        self._suggest_started = True
        self.request_suggestions()

    # -- loading ----------------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)read the transcript, its segments, the codebook and this coder's codings."""
        project = self.qapp.project
        self.coder_shown = self.qapp.coder  # switching coder on the project screen reloads this screen
        self.record = project.transcript(self.transcript_name)
        segments = project.segments(self.transcript_name)
        cursor = self.selection.cursor if self.selection.segments else self.start_segment
        self.selection = Selection(self.record.text, segments, self.record.turns)
        self.selection.go(cursor)
        view = self.query_one(TranscriptView)
        view.load(self.record.text, self.record.turns, segments)
        self.reload_codes()

    def reload_codes(self) -> None:
        """Re-read the codebook and codings (after a change here or in another process)."""
        self.codebook = self.qapp.project.codebook()
        self.colours = code_colours(self.codebook)
        self.numbers = self.qapp.number_keys(self.codebook)
        self.keys = {**self.numbers, **{c.hotkey: c.name for c in self.codebook if c.hotkey}}
        self.reload_codings()
        self.request_suggestions()

    def reload_codings(self) -> None:
        """Re-read this transcript's codings (one query) and redraw what shows them."""
        found = self.qapp.project.codings(CodingFilter(transcripts=(self.transcript_name,)))
        self.all_codings = found
        self.codings = [c for c in found if c.coder == self.qapp.coder]
        counts: dict[str, int] = {}
        for coding in self.codings:
            counts[coding.code] = counts.get(coding.code, 0) + 1
        self.query_one(CodeList).show(self.codebook, counts, self.colours, self.numbers)
        self.query_one(TranscriptView).set_codings(self.codings, self.colours)
        self.refresh_marks()

    def refresh_marks(self) -> None:
        """Redraw the cursor and selection, the status line and the side panels."""
        view = self.query_one(TranscriptView)
        current = self.selection.current
        span = self.selection.span
        selection = span if (self.selection.visual is not None or self.selection.anchor is not None) else None
        view.set_marks(current.span if current else None, selection)
        reading = self._reading_span()
        if reading is not None:
            self.qapp.note_read(self.transcript_name, reading)
        here = self._all_codings_here(span) if span else []
        self.query_one(SegmentCodings).show(here, self.colours, self.qapp.coder)
        mine_here = [c for c in here if c.coder == self.qapp.coder]
        if mine_here:
            self.focus_code = mine_here[0].code
        self.query_one(CodeDetail).show(self.codebook.get(self.focus_code) if self.focus_code else None)
        self.refresh_suggestions()
        self._update_status()
        self._remember_position()

    def _all_codings_here(self, span: Span) -> list[Coding]:
        # Other coders' codings on the selection are listed in the side panel but not painted in the
        # text, so independent coding stays independent.
        return [c for c in self.all_codings if c.span.overlaps(span)]

    def _update_status(self) -> None:
        sel = self.selection
        total = len(sel.segments)
        note = self.stored_note
        # While a note says what was stored (a few seconds), the speaker, the coder and the mode's key hint
        # make room for it, so that a long code name fits 80 columns.
        keys = "" if note else " (h/l w/b H/L W/B, esc)"
        mode = f"SELECT TEXT{keys}" if sel.visual else ("EXTEND" if sel.anchor is not None else "")
        speaker = ""
        if self.record and sel.current and not note:
            turn = (
                self.record.turns[sel.current.turn_index]
                if sel.current.turn_index < len(self.record.turns)
                else None
            )
            speaker = f"  {turn.speaker}" if turn else ""
        status = Text.assemble(
            (f" {self.transcript_name} ", "bold reverse"),
            f"{speaker}  segment {sel.cursor + 1 if total else 0}/{total}",
            "" if note else f"  coder: {self.qapp.coder}",
            (f"  {mode}" if mode else "", "bold"),
            (f"  ✓ {note}" if note else "", "bold"),
            no_wrap=True,
            overflow="ellipsis",
        )
        self.query_one("#status", Label).update(status)

    def say_stored(self, note: str) -> None:
        """Confirm in the status line, for a few seconds, what was just stored."""
        self.stored_note = note
        if self._stored_note_timer is not None:
            self._stored_note_timer.stop()
        self._stored_note_timer = self.set_timer(STORED_NOTE_SECONDS, self._forget_stored_note)
        self._update_status()

    def _forget_stored_note(self) -> None:
        self.stored_note = ""
        self._update_status()

    def _reading_span(self) -> Span | None:
        """The selected segments up to where the next one starts, so segments read in a row make one range."""
        sel = self.selection
        if not sel.segments or self.record is None:
            return None
        low, high = sel.rows
        end = sel.segments[high + 1].span.start if high + 1 < len(sel.segments) else len(self.record.text)
        return Span(sel.segments[low].span.start, end)

    def _remember_position(self) -> None:
        self.qapp.remember_place(self.transcript_name, self.selection.cursor)

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
        refining = event.key in VISUAL_KEYS
        code = self.keys.get(event.character or "") if event.character else None
        if event.key.startswith("ctrl+"):
            code = None
        if not refining and code is None:
            return
        # A refining key the coder's key map gave one of this screen's bindings ("segment.next" = "l")
        # is decided in order too: run now, a "v l" typed in one read would move on and then refine as
        # well. Only this screen's own: where a widget's binding comes first (the transcript's own
        # scroll on "right"), the key goes on to the app, which falls through to the next binding.
        bound = self.active_bindings.get(event.key) if refining and code is None else None
        if bound is not None and (bound.node is not self or not bound.enabled):
            bound = None
        if code is not None or self.selection.visual is not None or bound is not None:
            event.stop()  # outside a text selection the arrows keep their usual meaning
        # Moves and "v" are bindings, run when their key reaches the app; handled here, a key typed right
        # after one (both in one read: "j3", "vw") would overtake it. Queued on the app, it runs after
        # every key before it, and only then is it known whether it refines a text selection or, as a
        # hotkey ("w" can be both), codes.
        key = event.character if code is not None else None
        self.app.call_later(self._key_in_order, event.key if refining else None, code, bound, key)

    async def _key_in_order(
        self, refine: str | None, code: str | None, bound: ActiveBinding | None, key: str | None = None
    ) -> None:
        if not self.is_attached or self.app.screen is not self:  # a key before it left this screen
            return
        if refine is not None and self.selection.visual is not None:
            edge, step = VISUAL_KEYS[refine]
            self.selection.refine(edge, step)
            self.refresh_marks()
        elif code is not None:
            if key in self.numbers and self.codebook.get(code) is None:
                # The number stays with its code: after a delete or merge it is not handed to the next
                # code in the list, which the coder would then apply by the old habit.
                self.notify(f"key {key} has no code: its code {code!r} was deleted", severity="warning")
                return
            self.apply_code(code)
        elif bound is not None:
            await self.app.run_action(bound.binding.action, self)

    @on(TranscriptView.SegmentClicked)
    def _clicked(self, message: TranscriptView.SegmentClicked) -> None:
        if message.extend:
            self.selection.extend(message.index - self.selection.cursor)
        else:
            self.selection.move(message.index - self.selection.cursor)
        self.refresh_marks()

    @on(TranscriptView.SpanDragged)
    def _dragged(self, message: TranscriptView.SpanDragged) -> None:
        self.selection.select_text(message.span)
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
            added, changed = self.qapp.project.toggle_coding(
                self.transcript_name, span, code, coder=self.qapp.coder
            )
            coding = changed[0]  # one per turn the selection covers, all of this code
        except QualcodeError as exc:
            self.qapp.show_error(exc)
            return
        self.focus_code = coding.code
        self.qapp.note_own_change()
        # A selection across turns is one coding per speaker's turn: say so, the screen shows one selection.
        pieces = f" in {len(changed)} turns (one coding per speaker's turn)" if len(changed) > 1 else ""
        self.say_stored(f"{'Coded' if added else 'Removed'} {coding.code}{pieces}")
        if added:  # the coder's answer here, as an accept would be
            self._drop_answered(span, coding.code)
        if self.selection.visual is not None or self.selection.anchor is not None:
            self.selection.collapse()
        self.reload_codings()
        self.retrain_soon()

    def action_pick_code(self) -> None:
        def chosen(code: str | None) -> None:
            if code:
                self.apply_code(code)

        self.app.push_screen(CodePicker(list(self.codebook)), chosen)

    def action_undo(self) -> None:
        self._after_travel(self.qapp.travel(undo=True, say=self.say_stored))

    def action_redo(self) -> None:
        self._after_travel(self.qapp.travel(undo=False, say=self.say_stored))

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
        # The coder's codings on the selection, the exact ones first: after coding several segments the
        # selection is back to one of them, and the coding over it must still be offered.
        mine = sorted(
            (
                c
                for c in self.codings
                if span is not None and c.span.start < span.end and span.start < c.span.end
            ),
            key=lambda c: (c.span != span, c.span.start),
        )
        targets: list[tuple[str, MemoTarget, str | None]] = []
        for coding in mine:
            where = "this coding" if coding.span == span else "the coding over this"
            targets.append((f"{where}: {coding_label(coding)}", MemoTarget.CODING, str(coding.id)))
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
        if transcript != self.transcript_name or self.coder_shown != self.qapp.coder:
            if transcript != self.transcript_name:
                self.selection = Selection("", [])
            self.transcript_name = transcript
            self.suggested, self.weak, self.uncertain = [], [], None
            self.suggestions_shown = False
            self.load()
        self.selection.go_to_offset(offset)
        self.refresh_marks()

    # -- suggestions ------------------------------------------------------------------------------

    def request_suggestions(self) -> None:
        """Refresh this transcript's suggestions in a worker, retraining first if the coder's work changed.

        One worker at a time: a request while one runs is remembered and served when it ends.
        """
        if not self._suggest_started:
            return
        if self._suggest_busy:
            self._suggest_again = True
            return
        self._suggest_busy, self._suggest_again = True, False
        self._suggest(self.transcript_name)

    def retrain_soon(self) -> None:
        """After the coder's own change: retrain once things are quiet, so a burst of keys retrains once."""
        self._uncertain_passed.clear()  # the model changes: where it is unsure is asked afresh
        if self._retrain_timer is not None:
            self._retrain_timer.stop()
        self._retrain_timer = self.set_timer(RETRAIN_DELAY, self._retrain_now)

    def _retrain_now(self) -> None:
        self._retrain_timer = None
        self.qapp.flush_reading()  # the retrain reads it from the project file (off the key press: a timer)
        self.request_suggestions()

    @work(thread=True, exit_on_error=False, group="suggest")
    def _suggest(self, transcript: str) -> None:
        service = self.qapp.suggestion_service
        # Quitting cancels the worker; the process waits for it, so it stops at the next step.
        worker = get_current_worker()

        def superseded() -> bool:
            return worker.is_cancelled or self._suggest_again

        try:
            # First what the model knows now (the codebook alone before any training), then retrain.
            batch = service.batch(transcript)
            if worker.is_cancelled:
                return
            self._from_thread(self._show_batch, batch)
            if service.stale():
                report = partial(self._from_thread, self._show_progress)
                service.retrain(report, cancelled=lambda: worker.is_cancelled)
                if worker.is_cancelled:
                    return
                self._from_thread(self._show_batch, service.batch(transcript))
            # A quick retrain keeps an older calibration; refit it now, unless more work has come in, so
            # the panel's scores become those of `qualcode suggest` (a model trained afresh). Also in a
            # round with nothing to retrain: the one that retrained may have been overtaken before this.
            if service.calibration_reused() and not superseded():
                service.retrain(lambda _progress: None, cancelled=superseded, refit=True)
                if not superseded():
                    self._from_thread(self._show_batch, service.batch(transcript))
        except Exception as exc:  # coding goes on without suggestions; say why once, keep it in the panel
            self._from_thread(self._suggest_failed, exc)
        finally:
            self._from_thread(self._suggest_finished)

    def _from_thread(self, callback: Callable[..., object], *args: object) -> None:
        """Hand a result to the UI thread, unless the workbench has closed meanwhile."""
        with suppress(RuntimeError):
            self.app.call_from_thread(callback, *args)

    @property
    def suggestions_idle(self) -> bool:
        """No suggestion work running or waiting (tests and benchmarks wait for this)."""
        return (
            self._suggest_started
            and not self._suggest_busy
            and not self._suggest_again
            and self._retrain_timer is None
        )

    def _suggest_finished(self) -> None:
        self._suggest_busy = False
        if self._suggest_again and self.is_attached:
            self.request_suggestions()

    def _suggest_failed(self, exc: Exception) -> None:
        message = exc.message if isinstance(exc, QualcodeError) else f"{type(exc).__name__}: {exc}"
        first = not self.suggestion_status.startswith("Suggestions failed")
        self.suggestion_status = f"Suggestions failed: {message}"
        if self.is_attached:
            self.refresh_suggestions()
            if first:
                self.qapp.show_error(exc)

    def _show_batch(self, batch: SuggestionBatch) -> None:
        # Not a list for another transcript, nor one a worker made for the coder before a switch.
        if batch.transcript != self.transcript_name or batch.coder != self.qapp.coder or not self.is_attached:
            return
        self.suggested, self.weak = list(batch.suggestions), list(batch.weak)
        self.suggestions_shown = True
        if not batch.learned:
            self.suggestion_status = "From the codebook's keywords and examples; learning from your codings…"
        elif batch.modelled:
            self.suggestion_status = f"Model learned from {batch.labelled:,} segments"
        elif batch.labelled:
            # The classifiers are left out until their scores can be calibrated (see train_model).
            needed = MIN_CALIBRATION_POSITIVES
            start = (
                f"Model starts when codes used on two or more segments cover {needed} segments "
                f"({batch.calibration_codings} so far)"
                if batch.calibration_codings < needed
                else "Model starts once its scores can be checked on your codings"
            )
            self.suggestion_status = f"{start}; until then keywords, examples and your codings"
        else:
            self.suggestion_status = "From the codebook's keywords and examples; code to teach the model"
        if batch.note:
            self.suggestion_status += f"\n{batch.note}"
        if self.inline:
            self.query_one(TranscriptView).set_suggestions(self._inline())
        self.refresh_suggestions()

    def _show_progress(self, progress: Progress) -> None:
        if not self.is_attached:
            return
        what = "reading your transcripts" if progress.stage == "reading" else "learning"
        if progress.stage != "done":
            self.suggestion_status = f"Updating the model: {what} ({progress.done}/{progress.total})…"
            self.refresh_suggestions()

    def _inline(self) -> list[Suggestion]:
        return [s for s in self.suggested if s.score >= INLINE_SCORE]

    def _suggestions_here(self) -> list[Suggestion]:
        """What y and N act on here: the suggestions, or where there are none the weak guesses."""
        return self._strong_here() or self._weak_here()

    def _strong_here(self) -> list[Suggestion]:
        pool = list(self.suggested)
        if self.uncertain is not None and self.uncertain.transcript == self.transcript_name:
            pool.extend(self.uncertain.suggestions)
        return suggestions_on(pool, self.selection.span)

    def _weak_here(self) -> list[Suggestion]:
        """The weak guesses on the selection, but none where the coder has coded (they have answered it)."""
        span = self.selection.span
        if span is None:
            return []
        mine = [c.span for c in self.codings if c.span.overlaps(span)]
        return suggestions_on([s for s in self.weak if not any(s.span.overlaps(m) for m in mine)], span)

    def refresh_suggestions(self) -> None:
        """Redraw the suggestions panel for the selection."""
        span = self.selection.span
        if span != self._suggestion_span:
            self._suggestion_span, self.suggestion_index = span, 0
        strong = self._strong_here()
        here = strong or self._weak_here()
        self.suggestion_index = min(self.suggestion_index, max(0, len(here) - 1))
        unsure = (
            self.uncertain is not None
            and span is not None
            and self.uncertain.transcript == self.transcript_name
            and self.uncertain.span.overlaps(span)
        )
        weak = bool(here) and not strong
        several = span is not None and sum(seg.span.overlaps(span) for seg in self.selection.segments) > 1
        self.query_one(SuggestionPanel).show(
            here,
            self.suggestion_index,
            self.colours,
            self.suggestion_status,
            uncertain=unsure,
            weak_below=MIN_SCORE if weak else None,
            several=several,
        )

    def _highlighted_suggestion(self) -> Suggestion | None:
        here = self._suggestions_here()
        if not here:
            self.notify("No suggestion on this selection", severity="warning", timeout=2)
            return None
        return here[min(self.suggestion_index, len(here) - 1)]

    def _drop_answered(self, span: Span, code: str) -> None:
        """The coder has answered ``code`` on ``span`` (decided or coded it): it is not offered there any
        more, and a place "next uncertain" went to there is answered, until the retrain's fresh list."""

        def answered(found: Suggestion) -> bool:
            return found.code == code and found.span.overlaps(span)

        self.suggested = [s for s in self.suggested if not answered(s)]
        self.weak = [s for s in self.weak if not answered(s)]
        if self.uncertain is not None and self.uncertain.span.overlaps(span):
            self.uncertain = None
        if self.inline:
            self.query_one(TranscriptView).set_suggestions(self._inline())

    def action_accept_suggestion(self) -> None:
        found = self._decide(accept=True)
        if found is not None:
            self.focus_code = found.code
            self.say_stored(f"Accepted {found.code}")
            self.reload_codings()

    def action_reject_suggestion(self) -> None:
        found = self._decide(accept=False)
        if found is not None:
            self.say_stored(f"Rejected here: {found.code}")  # "here" first: a long code name may be cut
            self.refresh_marks()

    def _decide(self, *, accept: bool) -> Suggestion | None:
        """Store the coder's accept or reject of the highlighted suggestion; None if nothing was stored."""
        found = self._highlighted_suggestion()
        if found is None:
            return None
        project, coder = self.qapp.project, self.qapp.coder
        try:
            if accept:
                project.accept_suggestion(found, coder)
            else:
                project.reject_suggestion(found, coder)
        except QualcodeError as exc:
            self.qapp.show_error(exc)
            return None
        self.qapp.note_own_change()
        self._drop_answered(found.span, found.code)
        self.retrain_soon()
        return found

    def action_cycle_suggestion(self, step: int) -> None:
        here = self._suggestions_here()
        if here:
            self.suggestion_index = (self.suggestion_index + step) % len(here)
            self.refresh_suggestions()

    def action_toggle_inline(self) -> None:
        self.qapp.inline_suggestions = not self.inline
        self.query_one(TranscriptView).set_suggestions(self._inline() if self.inline else [])
        shown = f"Suggestions scored {INLINE_SCORE:.1f} or more are underlined in the text"
        self.notify(shown if self.inline else "Suggestions are no longer shown in the text", timeout=2)

    def action_accept_all(self) -> None:
        codes = [c.name for c in self.codebook if not c.group]
        if not codes:
            self.notify("The codebook has no codes to accept suggestions of", severity="warning", timeout=2)
            return
        if self.suggestion_status.startswith("Suggestions failed"):
            self.notify(self.suggestion_status, severity="warning", timeout=3)
            return
        if not self.suggestions_shown:
            self.notify(
                "This transcript's suggestions are still being worked out", severity="warning", timeout=2
            )
            return
        # With none left here the dialog still opens: its scope reaches every transcript.
        highlighted = self._suggestions_here()
        first = highlighted[min(self.suggestion_index, len(highlighted) - 1)].code if highlighted else None

        def accept(chosen: list[Suggestion] | None) -> None:
            if not chosen:
                return
            try:
                self.qapp.project.accept_suggestions(chosen, self.qapp.coder)
            except QualcodeError as exc:
                self.qapp.show_error(exc)
                return
            self.qapp.note_own_change()
            for done in chosen:
                self._drop_answered(done.span, done.code)
            places = len({s.transcript for s in chosen})
            where = f" in {places} transcripts" if places > 1 else ""
            self.notify(f"Accepted {len(chosen)} suggestions of {chosen[0].code}{where} (u undoes them all)")
            self.reload_codings()
            self.retrain_soon()

        dialog = AcceptAllDialog(
            self.transcript_name,
            self.suggested,
            codes,
            first or self.focus_code,
            everywhere=self.qapp.suggestion_service.everywhere,
            floor=MIN_SCORE,
        )
        self.app.push_screen(dialog, accept)

    def action_next_uncertain(self) -> None:
        self.notify("Looking for where the model is least sure…", timeout=1.5)
        if self.uncertain is not None:  # pressed again without deciding there: on to the next place
            self._uncertain_passed.add((self.uncertain.transcript, self.uncertain.span))
        self._find_uncertain(self.transcript_name, frozenset(self._uncertain_passed))

    @work(thread=True, exclusive=True, exit_on_error=False, group="uncertain")
    def _find_uncertain(self, transcript: str, passed: frozenset[tuple[str, Span]]) -> None:
        found = self.qapp.suggestion_service.next_uncertain(transcript, passed)
        self._from_thread(self._go_uncertain, found)

    def _go_uncertain(self, found: UncertainSegment | None) -> None:
        if not self.is_attached:
            return
        if found is None:
            self.notify("Nothing left that the model is unsure about", severity="information")
            return
        self.uncertain = found
        self.jump_to(found.transcript, found.span.start)
