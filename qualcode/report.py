"""Exports of single tables and the one-command report, assembled from the Project API.

``build_export`` and ``build_report`` make a :class:`~qualcode.formats.exports.Document`; the format
registry renders it (CSV, JSON, XLSX, Markdown, HTML, Word). When pseudonymisation is on, every text of
the document (table cells and headers, headings, quotes, chart labels) goes through the pseudonymiser
last, so no name it knows can reach a file by a path nobody thought of.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import InputError
from qualcode.formats.exports import (
    Block,
    Document,
    ExportFormat,
    Figure,
    Heading,
    Paragraph,
    Quote,
    Table,
    export_format,
    write_atomically,
)
from qualcode.model import CodingFilter, Memo

if TYPE_CHECKING:
    import pandas as pd

    from qualcode.analysis.corpus import Corpus
    from qualcode.analysis.pseudonyms import Pseudonymiser
    from qualcode.project import Project

WHATS = ("frequencies", "cooccurrence", "matrix", "quotes", "codings", "codebook", "memos")
REPORT_FORMATS = ("html", "md", "docx", "xlsx", "json")
QUOTES_PER_CODE = 3
MAX_MATRIX_CASES = 30  # a code-by-case table wider than this does not fit a page; the report says so
MAX_DIMENSION_VALUES = 12  # attributes with more values than this are not broken down in the report
TOP_PAIRS = 20
MEMO_EXCERPT = 280
MEMOS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    """What to analyse and how; every field has a sensible default.

    Attributes:
        filter: Which codings and transcripts (attributes narrow the transcripts, so shares too).
        by: Breakdown for frequencies and matrices (``transcript``, ``case``, ``coder``, an attribute).
        unit: Co-occurrence unit: ``segment``, ``turn`` or ``overlap``.
        measure: Matrix cells: ``codings``, ``segments``, ``words``, ``transcripts``, ``cases``, ``cases_share``.
        rollup: Parent codes count their children's codings too.
        context: Quote context: ``none``, ``segment`` or ``turn``.
        template: Quote attribution template; None for "{role}, {site}" (what of it the cases have).
        pseudonymise: Replace speaker names with participant ids and known names in text.
        quotes_per_code: Quotes per code in the report.
    """

    filter: CodingFilter = field(default_factory=CodingFilter)
    by: str | None = None
    unit: str = "segment"
    measure: str = "codings"
    rollup: bool = True
    context: str = "none"
    template: str | None = None
    pseudonymise: bool = False
    quotes_per_code: int = QUOTES_PER_CODE


@dataclass(frozen=True, slots=True)
class Written:
    """What an export or report wrote."""

    path: Path
    format: str
    tables: int
    rows: int
    notes: tuple[str, ...] = ()


def generated_line(now: datetime | None = None) -> str:
    from qualcode import __version__

    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    return f"Generated {stamp:%Y-%m-%d %H:%M} UTC by qualcode {__version__}"


# -- single-table exports -------------------------------------------------------------------------


def build_export(
    project: Project,
    what: str,
    options: AnalysisOptions | None = None,
    *,
    tabular: bool = True,
    now: datetime | None = None,
    corpus: Corpus | None = None,
) -> tuple[Document, tuple[str, ...]]:
    """One table of the project as a document, and notes for the user.

    Args:
        project: The open project.
        what: One of ``frequencies``, ``cooccurrence``, ``matrix``, ``quotes``, ``codings``, ``codebook``,
            ``memos``.
        options: Filters and choices.
        tabular: For a tabular format (quotes then stay a table; documents get a quote per block).
        now: The time to print as "generated" (tests fix it).
        corpus: The project's material when already loaded (e.g. by the workbench); the filter applies.

    Raises:
        InputError: for an unknown ``what`` or option value.
    """
    options = options or AnalysisOptions()
    if what not in WHATS:
        raise InputError(f"cannot export {what!r}", f"use one of: {', '.join(WHATS)}")
    corpus = _corpus(project, options, corpus)
    pseudonymiser = project.pseudonymiser(corpus) if options.pseudonymise else None
    title, blocks = _export_blocks(project, corpus, what, options, pseudonymiser, tabular)
    notes: tuple[str, ...] = ()
    if pseudonymiser is not None:
        texts = [c for b in blocks if isinstance(b, Table) for c in _texts_of(b.frame)]
        texts += [t for b in blocks if isinstance(b, Quote) for t in (b.text, b.context)]
        pseudonymiser = project.pseudonymiser(corpus, texts=texts)
        notes = pseudonymiser.notes
    document = Document(f"{title}: {_project_title(project, corpus)}", tuple(blocks), generated_line(now))
    if pseudonymiser is not None:
        document = pseudonymised(document, pseudonymiser)
    return document, notes


def _export_blocks(
    project: Project,
    corpus: Corpus,
    what: str,
    options: AnalysisOptions,
    pseudonymiser: Pseudonymiser | None,
    tabular: bool,
) -> tuple[str, list[Block]]:
    from qualcode import analysis

    if what == "frequencies":
        frame = analysis.frequencies(corpus, options.by, rollup=options.rollup)
        by = corpus.check_dimension(options.by)
        title = "Code frequencies" + (f" by {by}" if by else "")
        return title, [Table("frequencies", title, frame, _FREQUENCY_NOTE, ("cases_share",))]
    if what == "matrix":
        by = options.by or "case"
        frame = analysis.code_matrix(corpus, by, options.measure, rollup=options.rollup)
        title = f"Codes by {corpus.check_dimension(by)} ({options.measure.replace('_', ' ')})"
        percent = tuple(frame.columns[1:]) if options.measure == "cases_share" else ()
        return title, [Table("matrix", title, frame, "", tuple(str(c) for c in percent))]
    if what == "cooccurrence":
        frame = analysis.cooccurrence(corpus, options.unit)
        title = f"Code co-occurrence ({_UNIT_WORDS[options.unit]})"
        return title, [Table("cooccurrence", title, frame, _COOCCURRENCE_NOTES[options.unit])]
    if what == "quotes":
        frame = analysis.quotes(
            corpus, context=options.context, template=options.template, pseudonymiser=pseudonymiser
        )
        if tabular:
            return "Quotes", [Table("quotes", "Quotes", frame)]
        return "Quotes", _quote_blocks(frame, corpus, limit=None, level=1)
    if what == "codings":
        return "Codings", [Table("codings", "Codings", analysis.codings_table(corpus, pseudonymiser))]
    if what == "codebook":
        counts = corpus.codings["code"].value_counts().to_dict()
        frame = analysis.codebook_table(corpus.codebook, {str(k): int(v) for k, v in counts.items()})
        return "Codebook", [Table("codebook", "Codebook", frame)]
    return "Memos", [Table("memos", "Memos", analysis.memos_table(project.memos()))]


def export(
    project: Project,
    what: str,
    path: Path,
    fmt: str | None = None,
    options: AnalysisOptions | None = None,
) -> Written:
    """Write one table of the project to ``path`` (format from ``fmt`` or the file's extension)."""
    chosen = export_format(fmt, path)
    document, notes = build_export(project, what, options, tabular=chosen.tabular)
    return _write(document, chosen, path, notes)


def render_export(
    project: Project, what: str, fmt: str, options: AnalysisOptions | None = None
) -> tuple[str | bytes, tuple[str, ...]]:
    """One table of the project rendered in ``fmt``, for standard output; and notes for the user."""
    chosen = export_format(fmt, None)
    document, notes = build_export(project, what, options, tabular=chosen.tabular)
    return chosen.render(document), notes


def _write(document: Document, fmt: ExportFormat, path: Path, notes: tuple[str, ...]) -> Written:
    content = fmt.render(document)
    write_atomically(path, content.encode("utf-8") if isinstance(content, str) else content)
    rows = sum(len(t.frame) for t in document.tables)
    return Written(path, fmt.name, len(document.tables), rows, notes)


# -- the report -----------------------------------------------------------------------------------


def build_report(
    project: Project,
    options: AnalysisOptions | None = None,
    *,
    now: datetime | None = None,
    corpus: Corpus | None = None,
) -> tuple[Document, tuple[str, ...]]:
    """The whole report: overview, codebook, frequencies by role and site, charts, co-occurrence,
    codes by case, top quotes per code, coders, memo excerpts.

    Args:
        project: The open project.
        options: Filters and choices.
        now: The time to print as "generated" (tests fix it).
        corpus: The project's material when already loaded (e.g. by the workbench); the filter applies.

    Returns:
        The document and notes for the user (what pseudonymisation did, what was left out and why).
    """
    from qualcode import analysis

    options = options or AnalysisOptions()
    corpus = _corpus(project, options, corpus)
    notes: list[str] = []
    speakers_only = project.pseudonymiser(corpus) if options.pseudonymise else None
    quote_frame = analysis.quotes(
        corpus,
        context=options.context,
        template=options.template,
        pseudonymiser=speakers_only,
        per_code=options.quotes_per_code,
    )
    memos = sorted(project.memos(), key=lambda m: m.updated_at, reverse=True)[:MEMOS_SHOWN]
    pseudonymiser: Pseudonymiser | None = None
    if options.pseudonymise:
        texts = [*quote_frame["quote"], *quote_frame["context"], *(m.text for m in memos)]
        pseudonymiser = project.pseudonymiser(corpus, texts=texts)
        notes.extend(pseudonymiser.notes)
    clean: Callable[[pd.DataFrame], pd.DataFrame] = pseudonymiser.frame if pseudonymiser else (lambda f: f)

    blocks: list[Block] = []
    blocks += _overview(project, corpus, options, pseudonymiser)
    blocks += _codebook_section(corpus)
    blocks += _frequency_section(corpus, options, clean, notes)
    blocks += _cooccurrence_section(corpus, clean)
    blocks += _case_section(project, corpus, clean)
    if options.quotes_per_code > 0:
        blocks += [
            Heading("Quotes"),
            *_quote_blocks(quote_frame, corpus, limit=options.quotes_per_code, level=2),
        ]
    blocks += _coder_section(corpus, clean)
    blocks += _memo_section(memos)
    title = f"Analysis report: {_project_title(project, corpus)}"
    document = Document(title, tuple(blocks), generated_line(now))
    if pseudonymiser is not None:
        document = pseudonymised(document, pseudonymiser)
    return document, tuple(notes)


def write_report(
    project: Project,
    path: Path,
    fmt: str | None = None,
    options: AnalysisOptions | None = None,
    *,
    corpus: Corpus | None = None,
) -> Written:
    """Build the report and write it to ``path`` (HTML, Markdown or Word; also XLSX or JSON tables).

    Raises:
        InputError: for a format a report cannot be written in (CSV holds one table).
    """
    chosen = export_format(fmt, path)
    if chosen.name not in REPORT_FORMATS:
        raise InputError(
            f"a report cannot be written as {chosen.name}", f"use one of: {', '.join(REPORT_FORMATS)}"
        )
    document, notes = build_report(project, options, corpus=corpus)
    return _write(document, chosen, path, notes)


_FREQUENCY_NOTE = (
    "codings: codings of the code (and, rolled up, of the codes below it); segments: sentences they touch; "
    "words: words in the coded text, passages coded twice counted once; transcripts, cases: with at least "
    "one coding; cases_share: cases / cases_total."
)
_UNIT_WORDS = {"segment": "same segment", "turn": "same speaker turn", "overlap": "overlapping codings"}
_COOCCURRENCE_NOTES = {
    "segment": "count: segments coded with both codes; n_a, n_b: segments with each; jaccard: count / "
    "(n_a + n_b - count).",
    "turn": "count: speaker turns coded with both codes; n_a, n_b: turns with each; jaccard: count / "
    "(n_a + n_b - count).",
    "overlap": "count: pairs of codings that share text; n_a, n_b: codings of each code; jaccard: "
    "characters coded with both / characters coded with either.",
}


def _corpus(project: Project, options: AnalysisOptions, corpus: Corpus | None) -> Corpus:
    if corpus is None:
        return project.analysis_corpus(options.filter)
    return corpus.filtered(options.filter)


def _project_title(project: Project, corpus: Corpus) -> str:
    return corpus.codebook.name or project.path.stem


def _overview(
    project: Project, corpus: Corpus, options: AnalysisOptions, pseudonymiser: Pseudonymiser | None
) -> list[Block]:
    codings = corpus.codings
    coders = sorted(set(codings["coder"]))
    applied = codings["code"].nunique()
    cases = len(set(corpus.case_scope[1].tolist()))  # participants' cases: a focus group holds several
    words = int(corpus.transcripts["words"].sum())
    text = (
        f"{len(corpus.transcripts):,} transcripts ({words:,} words) from {cases:,} cases; "
        f"{len(codings):,} codings of {applied} codes by {len(coders)} "
        f"coder{'s' if len(coders) != 1 else ''}" + (f" ({', '.join(coders)})." if coders else ".")
    )
    blocks: list[Block] = [Heading("Overview"), Paragraph(text)]
    flt = options.filter
    narrowed = [f"{a} = {v}" for a, v in flt.attributes]
    if flt.transcripts:
        narrowed.append(f"transcripts {', '.join(flt.transcripts)}")
    if flt.codes:
        narrowed.append(f"codes {', '.join(flt.codes)} (and the codes below them)")
    if flt.coders:
        narrowed.append(f"codings by {', '.join(flt.coders)}")
    if narrowed:
        blocks.append(Paragraph("Only " + "; ".join(narrowed) + "."))
    if pseudonymiser is not None:
        blocks.append(
            Paragraph(
                "Names are pseudonymised: participants appear as their case ids and the research team by role, "
                "and names of people "
                f"({len(pseudonymiser.names)} known) are replaced in every quote, table and chart."
            )
        )
    from qualcode.analysis.corpus import NOT_SET

    rows = []
    scope_t, scope_case = corpus.case_scope
    for name in _report_dimensions(corpus):
        values = corpus.case_attribute(scope_case, name)  # per participant's case, in each transcript
        for value in sorted(set(values.tolist()), key=lambda v: (v == NOT_SET, v)):
            inside = values == value
            rows.append(
                {
                    "attribute": name,
                    "value": value,
                    "cases": len(set(scope_case[inside].tolist())),
                    "transcripts": len(set(scope_t[inside].tolist())),
                }
            )
    if rows:
        import pandas as pd

        blocks.append(Table("participants", "Participants", pd.DataFrame(rows)))
    return blocks


def _report_dimensions(corpus: Corpus) -> list[str]:
    """Role and site when the cases have them; else the first two attributes with few values."""
    preferred = [a for a in ("role", "site") if a in corpus.attributes.columns]
    if preferred:
        return preferred
    return [
        a for a in corpus.attributes.columns if 1 < corpus.attributes[a].nunique() <= MAX_DIMENSION_VALUES
    ][:2]


def _codable(corpus: Corpus, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of codes that can be applied (groups left out: their bars would repeat their children's)."""
    groups = {c.name for c in corpus.codebook if c.group}
    return frame[~frame["code"].isin(groups)]


def _codebook_section(corpus: Corpus) -> list[Block]:
    from qualcode import analysis

    blocks: list[Block] = [Heading("Codebook")]
    if corpus.codebook.description:
        blocks.append(Paragraph(" ".join(corpus.codebook.description.split())))
    table = analysis.codebook_table(corpus.codebook)
    table["definition"] = [
        ("(group) " if g else "") + d for g, d in zip(table["group"], table["definition"], strict=True)
    ]
    blocks.append(Table("codebook", "", table[["code", "parent", "definition"]]))
    return blocks


def _frequency_section(
    corpus: Corpus, options: AnalysisOptions, clean: Callable[[pd.DataFrame], pd.DataFrame], notes: list[str]
) -> list[Block]:
    from qualcode import analysis
    from qualcode.analysis.frequencies import widen

    freq = analysis.frequencies(corpus, rollup=options.rollup)
    shown = clean(freq.drop(columns=["level", "cases_total"]))
    colours = {c.name: c.colour for c in corpus.codebook}
    codable = _codable(corpus, shown)
    blocks: list[Block] = [
        Heading("Code frequencies"),
        Table("frequencies", "Frequencies by code", shown, _FREQUENCY_NOTE, ("cases_share",)),
    ]
    if len(codable) and codable["cases"].sum():
        chart = analysis.bar_chart(
            codable, value="cases", title="", colours=[colours.get(c) for c in _codable(corpus, freq)["code"]]
        )
        blocks.append(Figure("Cases with each code", chart, "Number of cases (participants) with the code."))
    for name in _report_dimensions(corpus):
        values = corpus.attributes[name]
        if values.nunique() > MAX_DIMENSION_VALUES:
            notes.append(f"frequencies by {name} left out of the report: {values.nunique()} values")
            continue
        by = analysis.frequencies(corpus, name, rollup=options.rollup)
        cases = widen(by, name, "cases")
        totals = by.drop_duplicates(name).set_index(name)["cases_total"]
        cases.columns = ["code", *(f"{v} (n={totals[v]})" for v in cases.columns[1:])]
        share = widen(by, name, "cases_share")
        blocks += [
            Heading(f"Frequencies by {name}", 2),
            Table(
                f"by {name}",
                f"Cases with each code, by {name}",
                clean(cases),
                f"Cells: cases with at least one coding of the code; n: cases with that {name}.",
            ),
        ]
        codable_share = _codable(corpus, clean(share))
        if len(codable_share) and codable_share.iloc[:, 1:].to_numpy().sum():
            chart = analysis.matrix_chart(
                codable_share, kind="grouped", title="", value_label="share of cases", percent=True
            )
            blocks.append(
                Figure(
                    f"Share of cases with each code, by {name}",
                    chart,
                    "Shares, so groups of any size compare.",
                )
            )
    return blocks


def _cooccurrence_section(corpus: Corpus, clean: Callable[[pd.DataFrame], pd.DataFrame]) -> list[Block]:
    from qualcode import analysis

    blocks: list[Block] = [
        Heading("Co-occurrence"),
        Paragraph(
            "Codes applied to the same segment (sentence). Jaccard = segments with both / segments with either."
        ),
    ]
    matrix = analysis.cooccurrence_matrix(corpus, "segment", diagonal=False)
    if len(matrix) >= 2:
        chart = analysis.matrix_chart(clean(matrix), title="", value_label="segments with both codes")
        blocks.append(
            Figure(
                "Co-occurrence (same segment)",
                chart,
                "Segments coded with both codes; the diagonal is left blank (segments per code are in the "
                "frequency table).",
            )
        )
    pairs = analysis.cooccurrence(corpus, "segment")
    if len(pairs):
        top = pairs.sort_values(["count", "jaccard"], ascending=False, kind="stable").head(TOP_PAIRS)
        blocks.append(
            Table(
                "cooccurrence",
                f"Most frequent pairs (top {min(TOP_PAIRS, len(pairs))} of {len(pairs)})",
                clean(top[["code_a", "code_b", "count", "n_a", "n_b", "jaccard"]].reset_index(drop=True)),
                _COOCCURRENCE_NOTES["segment"],
            )
        )
    else:
        blocks.append(Paragraph("No two codes share a segment yet."))
    return blocks


def _case_section(
    project: Project, corpus: Corpus, clean: Callable[[pd.DataFrame], pd.DataFrame]
) -> list[Block]:
    from qualcode import analysis

    cases = len(set(corpus.case_scope[1].tolist()))
    blocks: list[Block] = [Heading("Codes by case")]
    if cases > MAX_MATRIX_CASES:
        blocks.append(
            Paragraph(
                f"{cases:,} cases are too many for a table on a page. Export the matrix as a spreadsheet: "
                f"qualcode export {project.path.name} --what matrix --by case -o matrix.xlsx"
            )
        )
        return blocks
    matrix = _codable(corpus, analysis.code_matrix(corpus, "case", "codings", rollup=False))
    matrix = clean(matrix.reset_index(drop=True))
    blocks.append(Table("by case", "Codings of each code, by case", matrix))
    if len(matrix) and matrix.iloc[:, 1:].to_numpy().sum():
        chart = analysis.matrix_chart(matrix, title="", value_label="codings")
        blocks.append(Figure("Codings by case", chart, "Each code's codings in each case's transcripts."))
    return blocks


def _coder_section(corpus: Corpus, clean: Callable[[pd.DataFrame], pd.DataFrame]) -> list[Block]:
    from qualcode import analysis

    if corpus.codings["coder"].nunique() < 2:
        return []
    matrix = _codable(corpus, analysis.code_matrix(corpus, "coder", "codings", rollup=False))
    return [
        Heading("Coders"),
        Paragraph("Codings of each code by each coder (every coder's codings count in the tables above)."),
        Table("by coder", "Codings by coder", clean(matrix.reset_index(drop=True))),
    ]


def _memo_section(chosen: Sequence[Memo]) -> list[Block]:
    import pandas as pd

    if not chosen:
        return []
    rows = [
        {
            "on": m.label,
            "author": m.author,
            "updated": f"{m.updated_at:%Y-%m-%d}",
            "excerpt": _excerpt(m.text),
        }
        for m in chosen
    ]
    return [Heading("Memos"), Table("memos", f"Latest {len(rows)} memos", pd.DataFrame(rows))]


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= MEMO_EXCERPT:
        return flat
    return flat[:MEMO_EXCERPT].rsplit(" ", 1)[0] + " …"


def _quote_blocks(frame: pd.DataFrame, corpus: Corpus, limit: int | None, level: int) -> list[Block]:
    blocks: list[Block] = []
    if frame.empty:
        return [Paragraph("No codings yet.")]
    totals = corpus.codings["code"].value_counts()
    for code, rows in frame.groupby("code", sort=False):
        total = int(totals.get(code, 0))
        blocks.append(Heading(str(code), level))
        if limit is not None and total > len(rows):
            blocks.append(Paragraph(f"{len(rows)} of {total} codings."))
        for quote, attribution, context in zip(
            rows["quote"], rows["attribution"], rows["context"], strict=True
        ):
            blocks.append(Quote(quote, attribution, context if context != quote else ""))
    return blocks


# -- pseudonymising a whole document --------------------------------------------------------------


def pseudonymised(document: Document, pseudonymiser: Pseudonymiser) -> Document:
    """The document with every text in it passed through the pseudonymiser (chart labels included)."""
    from qualcode.analysis.charts import Chart

    text = pseudonymiser.text
    blocks: list[Block] = []
    for block in document.blocks:
        if isinstance(block, Heading):
            blocks.append(Heading(text(block.text), block.level))
        elif isinstance(block, Paragraph):
            blocks.append(Paragraph(text(block.text)))
        elif isinstance(block, Table):
            percent = tuple(text(c) for c in block.percent)
            frame = pseudonymiser.frame(block.frame)
            blocks.append(Table(block.key, text(block.title), frame, text(block.note), percent))
        elif isinstance(block, Quote):
            blocks.append(Quote(text(block.text), text(block.attribution), text(block.context)))
        elif isinstance(block, Figure):
            chart = block.chart
            if isinstance(chart, Chart):
                chart = dataclasses.replace(
                    chart,
                    title=text(chart.title),
                    labels=tuple(text(v) for v in chart.labels),
                    series=tuple(text(v) for v in chart.series),
                )
            blocks.append(Figure(text(block.title), chart, text(block.caption)))
    return Document(text(document.title), tuple(blocks), document.generated)


def _texts_of(frame: pd.DataFrame) -> list[str]:
    return [
        v
        for column in frame.columns
        if frame[column].dtype == object
        for v in frame[column]
        if isinstance(v, str)
    ]
