"""The qualcode workbench: a Textual app over one project file, for one coder at a time."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from qualcode.errors import QualcodeError, UnknownCodeError
from qualcode.model import Codebook, Event, Span
from qualcode.project import Project
from qualcode.tui.first_suggestions import FirstSuggestions
from qualcode.tui.keys import APP_BINDINGS, load_keymap
from qualcode.tui.modals.dialogs import ErrorDialog
from qualcode.tui.modals.memo_editor import MemoDraft
from qualcode.tui.suggestion_service import SuggestionService
from qualcode.tui.widgets.codebook_panel import follow_renames, number_keys

POLL_SECONDS = 1.5  # how often to look for changes made by another process
NUMBERS_META = "tui.number_keys"
MAX_PLACES = 1000  # transcripts whose last place is kept per coder (the oldest are forgotten first)


def _what_it_touched(event: Event) -> str:
    """The codes an undone or redone action was about, from its logged payload ("" if it names none)."""
    payload = event.payload
    if event.action == "code.rename":
        return f"{payload.get('old')} → {payload.get('new')}"
    names = {c["code"] for c in payload.get("codings") or () if isinstance(c, dict) and "code" in c}
    if not names and isinstance(payload.get("code"), str):
        names = {payload["code"]}
    return ", ".join(sorted(names))


class QualcodeApp(App[None]):
    """Open a project and code it; every change is stored before the screen shows it."""

    CSS_PATH = "app.tcss"
    TITLE = "qualcode"
    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        project_path: Path,
        coder: str,
        *,
        transcript: str | None = None,
        first_suggestions: FirstSuggestions | None = None,
    ) -> None:
        super().__init__()
        self.project_path = project_path
        self.coder = coder
        self.start_transcript = transcript
        self.project = Project.open(project_path)
        self.seen_event = self.project.last_event_id()
        self._pending_meta: dict[str, str] = {}
        self._places: dict[str, dict[str, int]] = {}  # per coder: transcript -> segment last at
        # (coder, transcript): when the first of them was seen, and the spans seen since the last write.
        self._pending_reading: dict[tuple[str, str], tuple[datetime, list[Span]]] = {}
        self._suggestion_services: list[SuggestionService] = []
        self._first_suggestions = first_suggestions  # for the first coder's first list only
        self._services_lock = threading.Lock()  # workers ask for the service; quitting closes them all
        self._closing = False
        self._numbers: dict[str, str] | None = None  # keys 1-9 -> code names, once read
        self._numbered: Codebook | None = None  # the codebook they were last matched to
        self.inline_suggestions = False  # "s" in the workbench; stays on from one transcript to the next
        self.sub_title = f"{project_path.name} · {coder}"

    def on_mount(self) -> None:
        try:
            self.set_keymap(load_keymap())
        except QualcodeError as exc:
            self.show_error(exc)
        self.number_keys(self.project.codebook())  # a rename before any coding screen is followed too
        self.set_interval(POLL_SECONDS, self._poll)
        self._open_first_screen()

    def _open_first_screen(self) -> None:
        """The coding screen where this coder left off (or the one asked for), else the project screen.

        The project screen is only built when it is needed: on a large project its figures take a while,
        and the coding screen should paint at once.
        """
        from qualcode.tui.screens.coding import CodingScreen
        from qualcode.tui.screens.project import ProjectScreen

        names = self.project.repo.transcript_names()
        target, segment = self.start_transcript, 0
        left = self._saved_position()
        # where the coder left off; a transcript asked for by name where they left it
        if left is not None and target is None:
            target, segment = left
        elif target is not None:
            segment = self.place_in(target)
        if target is not None and target not in names:
            self.notify(f"No transcript named {target!r}; pick one from the list", severity="warning")
            target = None
        if target is None and len(names) == 1:
            target = names[0]
        self.push_screen(CodingScreen(target, segment) if target is not None else ProjectScreen())

    def _saved_position(self) -> tuple[str, int] | None:
        """The transcript and segment this coder left off at; None if none (or unreadable) is saved."""
        position = self._saved_state()
        if not isinstance(position.get("transcript"), str):
            return None
        return position["transcript"], _segment_number(position.get("segment", 0))

    def _saved_state(self) -> dict[str, Any]:
        saved = self.project.repo.get_meta(f"tui.position.{self.coder}")
        try:
            position = json.loads(saved) if saved else None
        except ValueError:  # UI state only: a damaged one is forgotten, not an error
            return {}
        return position if isinstance(position, dict) else {}

    def number_keys(self, codebook: Codebook) -> dict[str, str]:
        """The keys 1-9 and the code each applies, kept with the project for every coder: a key stays with
        its code (following a rename) when codes are added, moved, merged or deleted."""
        if self._numbers is None:
            saved = self.project.repo.get_meta(NUMBERS_META)
            try:
                found = json.loads(saved) if saved else {}
            except ValueError:  # UI state only: a damaged one is made afresh
                found = {}
            self._numbers = (
                {str(k): v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}
            )
        kept = self._numbers
        if self._numbered is not None:
            kept = follow_renames(kept, self._numbered, codebook)
        self._numbers, self._numbered = number_keys(codebook, kept), codebook
        self.remember(NUMBERS_META, json.dumps(self._numbers))
        return dict(self._numbers)

    def places(self) -> dict[str, int]:
        """Per transcript, the segment this coder was last at in it (read once per coder, then kept)."""
        kept = self._places.get(self.coder)
        if kept is None:
            state = self._saved_state()
            found = state.get("places")
            kept = {
                name: _segment_number(segment)
                for name, segment in (found.items() if isinstance(found, dict) else ())
                if isinstance(name, str)
            }
            if isinstance(state.get("transcript"), str):  # saved before places were kept per transcript
                kept.setdefault(state["transcript"], _segment_number(state.get("segment", 0)))
            self._places[self.coder] = kept
        return kept

    def place_in(self, transcript: str) -> int:
        """Where this coder was last in ``transcript`` (0, its top, if never there)."""
        return self.places().get(transcript, 0)

    def remember_place(self, transcript: str, segment: int) -> None:
        """The cursor is here: saved with the UI state, so each transcript reopens where it was left."""
        places = self.places()
        places.pop(transcript, None)
        places[transcript] = segment  # the latest last, so the oldest go first past MAX_PLACES
        while len(places) > MAX_PLACES:
            del places[next(iter(places))]
        value = {"transcript": transcript, "segment": segment, "places": places}
        self.remember(f"tui.position.{self.coder}", json.dumps(value))

    # -- shared services for screens --------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notice, never read as markup: it carries names and words from the project ("[laughs]", a
        code called "[Other]"), which Textual would parse and, at a "[/...]", fail on."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def show_error(self, exc: BaseException) -> None:
        """Show a problem in a dialog that says what to do; the app keeps running."""
        if isinstance(exc, UnknownCodeError):
            # A code renamed or removed in another process since this screen last read the codebook:
            # the command-line hint would not help here; reading the codebook again does.
            self.push_screen(
                ErrorDialog(
                    f"{exc.message}: it was renamed or removed elsewhere",
                    "nothing was stored; the codebook shown is now the current one",
                )
            )
            self.seen_event = self.project.last_event_id()
            self._reload_screens()
        elif isinstance(exc, QualcodeError):
            self.push_screen(ErrorDialog(exc.message, exc.hint))
        else:
            self.push_screen(
                ErrorDialog(f"{type(exc).__name__}: {exc}", "report this; your work so far is saved")
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place that turns a failed background job into an error dialog."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.show_error(event.worker.error)

    @property
    def suggestion_service(self) -> SuggestionService:
        """The current coder's suggestions (a new model when the coder is switched)."""
        with self._services_lock:
            services = self._suggestion_services
            if not services or services[-1].coder != self.coder:
                first, self._first_suggestions = self._first_suggestions, None
                if first is not None and first.coder != self.coder:
                    first.close()
                    first = None
                services.append(SuggestionService(self.project_path, self.coder, first))
                if self._closing:  # asked for by a worker as the workbench quits: it does nothing
                    services[-1].close()
            return services[-1]

    def note_own_change(self) -> None:
        """Record that the latest events are ours, so polling does not report them as another's.

        Only if they all are: a change another process made since the last poll (a code deleted) must
        still reach the screens, or its keys would act on what is gone until the next change elsewhere.
        """
        since = self.project.changes_after(self.seen_event)
        if all(coder == self.coder for _, coder, _ in since):
            self.seen_event = since[-1][0] if since else self.seen_event

    def save_memo(self, draft: MemoDraft | None) -> None:
        """Store a memo written in the memo editor (None: the editor was cancelled)."""
        if draft is None:
            return
        try:
            self.project.add_memo(
                draft.text, coder=self.coder, target=draft.target, target_name=draft.target_name
            )
        except QualcodeError as exc:
            self.show_error(exc)
            return
        self.note_own_change()
        self.notify("Memo saved")
        if callable(reload := getattr(self.screen, "reload", None)):
            reload()

    def travel(self, *, undo: bool, say: Callable[[str], None] | None = None) -> Event | None:
        """Undo (or redo) this coder's latest change and say so (with ``say``, else a notification); returns
        the event, None if nothing was done."""
        step, done, nothing = (self.project.undo, "Undid", "Nothing to undo") if undo else (
            self.project.redo, "Redid", "Nothing to redo")  # fmt: skip
        try:
            event = step(self.coder)
        except QualcodeError as exc:
            self.show_error(exc)
            return None
        if event is None:
            self.notify(nothing, severity="warning", timeout=2)
            return None
        self.note_own_change()
        what = _what_it_touched(event)
        said = f"{done} {event.action.replace('.', ' ')}" + (f": {what}" if what else "")
        if say is not None:
            say(said)
        else:
            self.notify(said, timeout=2)
        return event

    def remember(self, key: str, value: str) -> None:
        """Keep a small piece of UI state (cursor position); written every few seconds, not per key."""
        self._pending_meta[key] = value

    def note_read(self, transcript: str, span: Span) -> None:
        """The coder has this span on screen; the suggestions learn "no code" only from what was read."""
        self._pending_reading.setdefault((self.coder, transcript), (datetime.now(UTC), []))[1].append(span)

    def flush_reading(self) -> None:
        """Store what the coder has had on screen (with the UI state, and before every retrain)."""
        pending, self._pending_reading = self._pending_reading, {}
        for (coder, transcript), (since, spans) in pending.items():
            # Not the coder's work, only what the model may learn from: a project that cannot be written
            # says so when a coding is stored, not on every cursor move.
            with suppress(QualcodeError):
                self.project.mark_read(coder, transcript, spans, since=since)

    def _flush_meta(self) -> None:
        self.flush_reading()
        pending, self._pending_meta = self._pending_meta, {}
        try:
            for key, value in pending.items():
                if self.project.repo.get_meta(key) != value:
                    self.project.repo.set_meta(key, value)
        except QualcodeError:
            # UI state (the cursor's position), not the coder's work: when the project is busy (another
            # program holds its lock) it waits for the next flush, and the workbench carries on.
            for key, value in pending.items():
                self._pending_meta.setdefault(key, value)

    def _poll(self) -> None:
        self._flush_meta()
        latest = self.project.last_event_id()
        if latest != self.seen_event:
            self.seen_event = latest
            self.number_keys(self.project.codebook())
            self._reload_screens()
            self.notify("Updated with changes made elsewhere", timeout=2)

    def codebook_changed_here(self) -> None:
        """The codebook editor changed the codebook: the coding screen under it keys codes by name, and the
        poll skips this workbench's own changes, so it is told now (a renamed code's key said "renamed
        elsewhere" and stored nothing; an added code was missing from its list and picker)."""
        from qualcode.tui.screens.coding import CodingScreen

        self.number_keys(self.project.codebook())  # follow a rename now, with or without a coding screen
        for screen in self.screen_stack:
            if isinstance(screen, CodingScreen):
                screen.reload_codes()

    def _reload_screens(self) -> None:
        """Re-read the project in the top screen that shows its data, under any dialog, and in a coding
        screen under the codebook editor or another full screen: its keys act on codes, which may be
        gone. (The project screen reloads when it is opened again.)"""
        from qualcode.tui.screens.coding import CodingScreen

        top = True
        for screen in reversed(self.screen_stack):
            reload = getattr(screen, "reload_codes", None) or getattr(screen, "reload", None)
            if callable(reload) and (top or isinstance(screen, CodingScreen)):
                reload()
                top = False

    async def action_quit(self) -> None:
        self._flush_meta()
        self.exit()

    def on_unmount(self) -> None:
        self._flush_meta()
        with self._services_lock:
            self._closing = True
            services, first = list(self._suggestion_services), self._first_suggestions
            self._first_suggestions = None
        # The other connections to the project close first, so that this one is the last and folds the
        # write-ahead log back into the project file (a copy of the file alone then has all the work).
        for service in services:
            service.close()
        if first is not None:  # never asked: no coding screen was opened
            first.close()
        self.project.close()

    # -- navigation -------------------------------------------------------------------------------

    def open_transcript(self, name: str, segment: int | None = None) -> None:
        """Show ``name`` at ``segment``, by default where this coder was last in it."""
        from qualcode.tui.screens.coding import CodingScreen

        if segment is None:
            segment = self.place_in(name)

        existing = next((s for s in self.screen_stack if isinstance(s, CodingScreen)), None)
        if existing is not None:
            while self.screen is not existing:
                self.pop_screen()
            existing.jump_to(name, 0)
            existing.selection.go(segment)
            existing.refresh_marks()
        else:
            self.push_screen(CodingScreen(name, segment))

    def action_open_project_screen(self) -> None:
        from qualcode.tui.screens.project import ProjectScreen

        existing = next((s for s in self.screen_stack if isinstance(s, ProjectScreen)), None)
        if existing is None:
            self.push_screen(ProjectScreen())
            return
        while self.screen is not existing:
            self.pop_screen()
        existing.reload()

    def action_open_retrieval(self) -> None:
        from qualcode.tui.screens.retrieval import RetrievalScreen

        if not isinstance(self.screen, RetrievalScreen):
            self.push_screen(RetrievalScreen())

    def action_open_codebook_editor(self) -> None:
        from qualcode.tui.screens.codebook import CodebookScreen

        if not isinstance(self.screen, CodebookScreen):
            self.push_screen(CodebookScreen())

    def action_open_memos(self) -> None:
        from qualcode.tui.screens.memos import MemosScreen

        if not isinstance(self.screen, MemosScreen):
            self.push_screen(MemosScreen())

    def action_open_analysis(self) -> None:
        from qualcode.tui.screens.analysis import AnalysisScreen

        if not isinstance(self.screen, AnalysisScreen):
            self.push_screen(AnalysisScreen())

    def action_help(self) -> None:
        from qualcode.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the current screen is in the command palette too."""
        yield from super().get_system_commands(screen)
        for binding in [*screen.BINDINGS, *self.BINDINGS]:
            if isinstance(binding, Binding) and binding.description:
                action = binding.action
                target = screen if binding in screen.BINDINGS else self
                yield SystemCommand(
                    binding.description,
                    f"{binding.key}  ({binding.id or action})",
                    lambda target=target, action=action: self.call_later(target.run_action, action),
                )


def _segment_number(value: object) -> int:
    """A saved segment number, or 0 (the top) for anything else: it is UI state, never an error."""
    if not isinstance(value, int | float | str):
        return 0
    try:
        return max(int(value), 0)
    except (ValueError, OverflowError):
        return 0
