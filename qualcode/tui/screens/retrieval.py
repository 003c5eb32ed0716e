"""Retrieval: every quote coded with a code, filtered by coder and attribute, attributed, with a jump to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError
from qualcode.model import Coding, CodingFilter
from qualcode.project import SearchHit
from qualcode.tui.modals.search import SearchDialog
from qualcode.tui.widgets.codebook_panel import code_colours

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp

ALL = "(all coders)"


def attribution(attributes: dict[str, str], case: str | None) -> str:
    """How a quote is attributed in a paper: "Peer worker, Site B"; the case id when role/site are unknown."""
    parts = [attributes[k] for k in ("role", "site") if attributes.get(k)]
    return ", ".join(parts) or (case or "unattributed")


class RetrievalScreen(Screen[None]):
    """Quotes by code; Enter jumps to the quote in its transcript."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="retrieval.back"),
        Binding("enter", "jump", "Go to quote", id="retrieval.jump", show=False),
        Binding("slash", "search", "Search text", id="retrieval.search"),
    ]

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Coding] = []
        self._attributions: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label(" Quotes by code ", classes="panel-title")
        with Horizontal():
            yield OptionList(id="retrieval-codes")
            with Vertical():
                with Horizontal(classes="filters"):
                    yield Select([(ALL, ALL)], value=ALL, allow_blank=False, id="coder-filter")
                    yield Input(placeholder="attribute filter, e.g. role=Peer worker", id="attribute-filter")
                yield Label("", id="quote-count")
                yield DataTable(id="quotes", cursor_type="row", zebra_stripes=True)
                # The table's quote column is cut at the screen's edge: the highlighted quote, whole.
                with VerticalScroll(id="quote-detail-pane"):
                    yield Static("", id="quote-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        project = self.qapp.project
        codebook = project.codebook()
        colours = code_colours(codebook)
        counts = project.repo.coding_counts()
        codes = self.query_one("#retrieval-codes", OptionList)
        codes.add_options(
            [
                Option(
                    Text.assemble(("■ ", colours[c.name]), c.name, (f" {counts.get(c.name, 0)}", "dim")),
                    id=c.name,
                )
                for c in codebook
                if not c.group
            ]
        )
        coders = sorted({c.coder for c in project.codings()})
        self.query_one("#coder-filter", Select).set_options([(ALL, ALL), *[(c, c) for c in coders]])
        table = self.query_one("#quotes", DataTable)
        table.add_columns("Attribution", "Transcript", "Coder", "Quote")
        if codes.option_count:
            codes.highlighted = 0
        self.refill()
        codes.focus()

    @on(OptionList.OptionHighlighted, "#retrieval-codes")
    @on(Select.Changed, "#coder-filter")
    @on(Input.Submitted, "#attribute-filter")
    def refill(self) -> None:
        codes = self.query_one("#retrieval-codes", OptionList)
        option = codes.highlighted_option
        table = self.query_one("#quotes", DataTable)
        table.clear()
        self.rows, self._attributions = [], []
        self._show_quote()
        if option is None or option.id is None:
            return
        coder = self.query_one("#coder-filter", Select).value
        where = self.query_one("#attribute-filter", Input).value.strip()
        pairs: tuple[tuple[str, str], ...] = ()
        if where:
            if "=" not in where:
                self.query_one("#quote-count", Label).update(
                    "Write the filter as name=value, e.g. role=Clinician"
                )
                return
            key, value = where.split("=", 1)
            pairs = ((key.strip().lower(), value.strip()),)
        project = self.qapp.project
        flt = CodingFilter(codes=(option.id,), coders=() if coder == ALL else (str(coder),), attributes=pairs)
        self.rows = project.codings(flt)
        cases = {c.name: c.attributes for c in project.cases()}
        case_of = {t.name: t.case for t in project.transcripts()}
        for coding in self.rows:
            case = case_of.get(coding.transcript)
            self._attributions.append(attribution(cases.get(case or "", {}), case))
            # Verbatim, not markup: "[laughs]" vanished from quotes and "[/i]" raised MarkupError.
            table.add_row(
                Text(self._attributions[-1]), Text(coding.transcript), Text(coding.coder),
                Text(" ".join(coding.text.split())),
            )  # fmt: skip
        self.query_one("#quote-count", Label).update(Text(f"{len(self.rows)} quotes coded {option.id}"))
        self._show_quote()

    @on(DataTable.RowHighlighted, "#quotes")
    def _show_quote(self) -> None:
        """The highlighted quote in full under the table, with who said it."""
        row = self.query_one("#quotes", DataTable).cursor_row
        detail = self.query_one("#quote-detail", Static)
        if not self.rows or not 0 <= row < len(self.rows):
            detail.update("")
            return
        coding = self.rows[row]
        detail.update(
            Text.assemble(
                (f"{self._attributions[row]} · {coding.transcript} · {coding.coder}\n", "bold"),
                " ".join(coding.text.split()),
            )
        )
        self.query_one("#quote-detail-pane", VerticalScroll).scroll_home(animate=False)

    def action_jump(self) -> None:
        table = self.query_one("#quotes", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            coding = self.rows[table.cursor_row]
            self._go(coding.transcript, coding.span.start)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_jump()

    def _go(self, transcript: str, offset: int) -> None:
        from qualcode.tui.screens.coding import CodingScreen

        try:
            self.app.pop_screen()
            screen = self.app.screen
            if isinstance(screen, CodingScreen):
                screen.jump_to(transcript, offset)
            else:
                self.qapp.open_transcript(transcript)
                coding_screen = self.app.screen
                if isinstance(coding_screen, CodingScreen):
                    coding_screen.call_after_refresh(coding_screen.jump_to, transcript, offset)
        except QualcodeError as exc:
            self.qapp.show_error(exc)

    def action_search(self) -> None:
        def jump(hit: SearchHit | None) -> None:
            if hit is not None:
                self._go(hit.transcript, hit.span.start)

        self.app.push_screen(SearchDialog(self.qapp.project), jump)

    def action_back(self) -> None:
        self.app.pop_screen()

    def reload(self) -> None:
        self.refill()
