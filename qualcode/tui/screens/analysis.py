"""The analysis screen: code frequencies, overall or by role, site, coder or any attribute, with a chart.

The project's material is loaded once in a thread worker (it can be large); changing the breakdown or the
measure then only recomputes the table from what is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, LoadingIndicator, Select, Static

if TYPE_CHECKING:
    from qualcode.analysis import Corpus
    from qualcode.tui.app import QualcodeApp

MEASURES = ("codings", "segments", "words", "transcripts", "cases", "cases_share")


class AnalysisScreen(Screen[None]):
    """Frequencies of every code, with a breakdown and a bar chart or heatmap drawn in the terminal."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="analysis.back"),
        Binding("f5", "reload", "Reload", id="analysis.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.corpus: Corpus | None = None

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Label(" Code frequencies ", classes="panel-title")
        with Horizontal(classes="filters"):
            yield Select([("by code", "")], value="", allow_blank=False, id="by")
            yield Select(
                [(m.replace("_", " "), m) for m in MEASURES], value="codings", allow_blank=False, id="measure"
            )
        yield LoadingIndicator(id="analysis-loading")
        with Horizontal(id="analysis-body"):
            yield DataTable(id="frequencies", zebra_stripes=True)
            with VerticalScroll(id="analysis-chart"):
                yield Static("", id="chart", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def action_reload(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="analysis")
    def load(self) -> None:
        """Read everything the analyses need, off the UI thread, through a connection of its own."""
        from qualcode.project import Project

        with Project.open(self.qapp.project_path) as project:
            corpus = project.analysis_corpus()
        self.app.call_from_thread(self._loaded, corpus)

    def _loaded(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.query_one("#analysis-loading").display = False
        dimensions = ["coder", "transcript", *corpus.attribute_names]
        by = self.query_one("#by", Select)
        current = by.value
        by.set_options([("by code", ""), *[(f"by {d.replace('_', ' ')}", d) for d in dimensions]])
        by.value = current if current in ("", *dimensions) else ""
        self.refill()

    @on(Select.Changed)
    def refill(self) -> None:
        if self.corpus is None:
            return
        from qualcode.analysis import bar_chart, frequencies, matrix_chart
        from qualcode.analysis.frequencies import widen

        by = str(self.query_one("#by", Select).value or "") or None
        measure = str(self.query_one("#measure", Select).value)
        table = frequencies(self.corpus, by)
        percent = measure == "cases_share"
        grid = self.query_one("#frequencies", DataTable)
        grid.clear(columns=True)
        width = max(30, self.query_one("#analysis-chart").size.width - 2)
        if by is None:
            grid.add_columns("Code", *[m.replace("_", " ") for m in MEASURES])
            for row in table.itertuples(index=False):
                grid.add_row(_indent(row), *[_cell(getattr(row, m), m) for m in MEASURES])
            codable = table[table["codings"] >= 0]
            chart = bar_chart(codable, value=measure, percent=percent, title=f"{_title(measure)} by code")
        else:
            wide = widen(table, by, measure)
            columns = [c for c in wide.columns if c != "code"]
            grid.add_columns("Code", *columns)
            for row in wide.itertuples(index=False):
                values = dict(zip(wide.columns, row, strict=True))
                grid.add_row(Text(str(values["code"])), *[_cell(values[c], measure) for c in columns])
            chart = matrix_chart(
                wide, kind="heatmap" if len(columns) > 4 else "grouped", title=f"{_title(measure)} by {by}",
                value_label=measure.replace("_", " "), percent=percent,
            )  # fmt: skip
        self.query_one("#chart", Static).update(chart.text(width))

    def action_back(self) -> None:
        self.app.pop_screen()


def _title(measure: str) -> str:
    return "Share of cases" if measure == "cases_share" else measure.capitalize()


def _indent(row: Any) -> Text:
    return Text("  " * int(getattr(row, "level", 0) or 0) + str(row.code))  # a name, not markup


def _cell(value: Any, measure: str) -> str:
    if value != value:  # NaN: no value for that cell
        return ""
    return f"{float(value):.0%}" if measure == "cases_share" else f"{int(value):,}"
