"""The project screen: transcripts with their attributes and coding progress, who speaks in the highlighted
one (participant or research team, which `r` corrects), and the codebook's counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, ProgressBar

from qualcode.errors import QualcodeError
from qualcode.tui.modals.dialogs import PromptDialog
from qualcode.tui.widgets.codebook_panel import code_colours

if TYPE_CHECKING:
    from qualcode.model.speakers import Speaker
    from qualcode.tui.app import QualcodeApp


class ProjectScreen(Screen[None]):
    """Pick a transcript to code; import more; switch coder."""

    BINDINGS = [
        Binding("enter", "open", "Code it", id="project.open"),
        Binding("i", "import_files", "Import files", id="project.import"),
        Binding("w", "switch_coder", "Switch coder", id="project.coder"),
        Binding("r", "speaker_role", "Who is this speaker", id="project.speaker"),
    ]

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Label("", id="project-title")
        with Horizontal(id="project-body"):
            with Vertical(id="transcripts-pane"):
                yield Label("Transcripts (Enter to code)", classes="panel-title")
                yield DataTable(id="transcripts", cursor_type="row", zebra_stripes=True)
                yield ProgressBar(id="import-progress", show_eta=False)
                yield Label("Speakers: participant or research team (r to set)", classes="panel-title")
                yield DataTable(id="speakers", cursor_type="row", zebra_stripes=True)
            with Vertical(id="codebook-pane"):
                yield Label("Codebook", classes="panel-title")
                yield DataTable(id="code-counts", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.reload()
        self.query_one("#transcripts", DataTable).focus()

    def reload(self) -> None:
        project = self.qapp.project
        self.query_one("#project-title", Label).update(
            Text.assemble((f" {self.qapp.project_path.name} ", "bold reverse"), f"  coder: {self.qapp.coder}")
        )
        table = self.query_one("#transcripts", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        attrs = {case.name: case.attributes for case in project.cases()}
        present = {k for values in attrs.values() for k in values}
        preferred = [k for k in ("role", "site", "employment_model") if k in present]
        keys = (preferred + sorted(present - set(preferred)))[:3]
        # Segments coded, per coder: this coder first, then up to three colleagues.
        others = project.repo.coders_with_codings()
        coders = [self.qapp.coder, *[c for c in others if c != self.qapp.coder][:3]]
        coverage = {coder: project.coverage(coder) for coder in coders}
        table.add_columns(
            "Transcript", *[k.replace("_", " ").title() for k in keys], "Words",
            *[f"Coded: {'you' if c == self.qapp.coder else c}" for c in coders], "Codings",
        )  # fmt: skip
        for summary in project.transcripts():
            shares = []
            for coder in coders:
                done, total = coverage[coder].get(summary.name, (0, 0))
                shares.append(f"{100 * done / total:3.0f}%" if total else "—")
            values = attrs.get(summary.case or "", {})
            table.add_row(
                Text(summary.name), *[Text(values.get(k, "")) for k in keys], f"{summary.words:,}", *shares,
                str(summary.codings), key=summary.name,
            )  # fmt: skip
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self._show_speakers()
        codes = self.query_one("#code-counts", DataTable)
        codes.clear(columns=True)
        codes.add_columns("Code", "Codings")
        codebook = project.codebook()
        colours = code_colours(codebook)
        counts = project.repo.coding_counts()
        for code in codebook:
            depth = len(codebook.path(code.name)) - 1
            name = Text("  " * depth + code.name, style="bold" if code.group else "")
            if not code.group:
                name = Text.assemble(("■ ", colours[code.name]), name)
            codes.add_row(name, "" if code.group else str(counts.get(code.name, 0)))

    def _current_transcript(self) -> str | None:
        table = self.query_one("#transcripts", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _show_speakers(self) -> None:
        """Who speaks in the highlighted transcript, and why each was taken for who they are."""
        table = self.query_one("#speakers", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        name = self._current_transcript()
        found = self.qapp.project.speakers([name]) if name is not None else []
        # Widths from the content: the table is refilled on every move and would keep the headers' widths.
        table.add_column("Speaker", width=max([7, *(len(s.label) for s in found)]))
        table.add_column("Is", width=max([2, *(len(_is(s)) for s in found)]))
        table.add_column("Case", width=max([4, *(len(s.case or "") for s in found)]))
        table.add_column("Turns", width=5)
        table.add_column("Why", width=max([3, *(len(_why(s)) for s in found)]))
        for s in found:
            table.add_row(
                Text(s.label), Text(_is(s)), Text(s.case or ""), str(s.turns), Text(_why(s)), key=s.label
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "transcripts":
            self._show_speakers()

    def action_speaker_role(self) -> None:
        transcript = self._current_transcript()
        table = self.query_one("#speakers", DataTable)
        if transcript is None or not table.row_count:
            self.notify("No speaker to set: this transcript has no labelled speakers.")
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        label = row_key.value or ""

        def apply(answer: str | None) -> None:
            if not answer:
                return
            here = answer.strip().casefold().endswith(" here")
            value = answer.strip()[: -len(" here")] if here else answer.strip()
            try:
                changed = self.qapp.project.set_speakers(
                    [f"{label}={value}"], transcript=transcript if here else None, coder=self.qapp.coder
                )
            except QualcodeError as exc:
                self.qapp.show_error(exc)
                return
            self.qapp.note_own_change()
            self._show_speakers()
            where = f"in {transcript}" if here else f"in {len({s.transcript for s in changed})} transcript(s)"
            self.notify(f"{label} is now {value} {where} (u undoes it)", markup=False)

        self.app.push_screen(
            PromptDialog(
                f"Who is {label}? interviewer, facilitator, note-taker, participant, or case:NAME; "
                "add ' here' for this transcript only",
                "",
            ),
            apply,
        )

    def action_open(self) -> None:
        table = self.query_one("#transcripts", DataTable)
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            if row_key.value:
                self.qapp.open_transcript(row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "transcripts" and event.row_key.value:
            self.qapp.open_transcript(event.row_key.value)

    def action_switch_coder(self) -> None:
        def switch(name: str | None) -> None:
            if name:
                self.qapp.coder = name
                self.qapp.sub_title = f"{self.qapp.project_path.name} · {name}"
                self.reload()

        self.app.push_screen(PromptDialog("Code as which coder?", self.qapp.coder), switch)

    def action_import_files(self) -> None:
        def start(pattern: str | None) -> None:
            if pattern:
                self._import(pattern)

        self.app.push_screen(
            PromptDialog("Import which files? (paths or a pattern, e.g. ~/interviews/*.docx)"), start
        )

    @work(thread=True, exit_on_error=False, group="import")
    def _import(self, pattern: str) -> None:
        """Import in a thread worker; progress and the outcome come back to the screen."""
        import glob
        import os

        from qualcode.project import FileResult, ImportProgress, Project

        paths = [p for part in pattern.split() for p in sorted(glob.glob(os.path.expanduser(part)))]
        if not paths:
            raise QualcodeError(f"no files match {pattern!r}", "check the path; patterns like *.txt are fine")
        bar = self.query_one("#import-progress", ProgressBar)
        self.app.call_from_thread(setattr, bar, "display", True)
        results: list[FileResult] = []
        # A thread gets its own connection to the project file: SQLite connections stay in their thread.
        with Project.open(self.qapp.project_path) as project:
            for event in project.iter_import(paths, coder=self.qapp.coder):
                if isinstance(event, ImportProgress):
                    self.app.call_from_thread(bar.update, total=event.total, progress=event.done)
                else:
                    results.append(event)
        self.app.call_from_thread(self._imported, results)

    def _imported(self, results: list[object]) -> None:
        from qualcode.project import FileResult

        self.query_one("#import-progress").display = False
        files = [r for r in results if isinstance(r, FileResult)]
        imported = sum(r.status == "imported" for r in files)
        refused = [r for r in files if r.status == "refused"]
        self.qapp.note_own_change()
        self.reload()
        message = (
            f"{imported} imported, {len(files) - imported - len(refused)} skipped, {len(refused)} refused"
        )
        if refused:
            details = "\n".join(f"{r.path.name}: {r.message}" for r in refused[:10])
            self.qapp.show_error(
                QualcodeError(f"{message}\n{details}", "fix or convert those files and import again")
            )
        else:
            self.notify(message)
        unsure = [w for r in files for w in r.warnings]
        if unsure:
            # The lines the importer kept as words though they looked like speaker lines: the coder checks them.
            shown = "\n".join(unsure[:5]) + (f"\n… and {len(unsure) - 5} more" if len(unsure) > 5 else "")
            self.notify(
                f"Lines the importer was unsure of:\n{shown}", severity="warning", timeout=15, markup=False
            )


def _is(speaker: Speaker) -> str:
    return f"team: {speaker.role.value}" if speaker.is_team else "participant"


def _why(speaker: Speaker) -> str:
    return ("you: " if speaker.by_user else "") + speaker.reason
