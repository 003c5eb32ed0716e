"""Analysis and reports: frequencies, co-occurrence, charts, exports, the one-command report, pseudonyms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from qualcode.cli.common import (
    Group,
    OutputFile,
    cli,
    coder_option,
    counted,
    emit,
    opened,
    project_argument,
    write_out,
)

if TYPE_CHECKING:
    from qualcode.report import AnalysisOptions

F = TypeVar("F", bound=Callable[..., Any])

WHATS = ("frequencies", "cooccurrence", "matrix", "quotes", "codings", "codebook", "memos")
EXPORT_FORMATS = ("csv", "json", "xlsx", "md", "html", "docx")  # the registry's names (kept light here)
REPORT_FORMATS = ("html", "md", "docx", "xlsx", "json")
UNITS = ("segment", "turn", "overlap")
MEASURES = ("codings", "segments", "words", "transcripts", "cases", "cases_share")
CONTEXTS = ("none", "segment", "turn")


def filter_options(function: F) -> F:
    """--transcript, --code, --coder, --origin and --where, as for `qualcode codings`."""
    options = [
        click.option("--transcript", "transcripts_", multiple=True, help="Only these transcripts (repeat)."),
        click.option(
            "--code", "codes", multiple=True, help="Only these codes and the codes below them (repeat)."
        ),
        click.option("--coder", "coders", multiple=True, help="Only codings by these coders (repeat)."),
        click.option(
            "--origin",
            "origins",
            multiple=True,
            type=click.Choice(["manual", "suggestion", "imported", "consensus"]),
            help="Only codings of this origin (repeat).",
        ),
        click.option(
            "--where",
            "where",
            multiple=True,
            metavar="ATTR=VALUE",
            help="Only transcripts whose case has this attribute, e.g. --where 'role=Peer worker'.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _options(kwargs: dict[str, Any], **extra: Any) -> AnalysisOptions:
    """The analysis options from a command's filter options (consumed from ``kwargs``) and ``extra``."""
    from qualcode.model import CodingFilter, Origin
    from qualcode.report import AnalysisOptions

    pairs = []
    for item in kwargs.pop("where", ()):
        if "=" not in item:
            raise click.BadParameter(f"{item!r} is not ATTR=VALUE", param_hint="--where")
        key, value = item.split("=", 1)
        pairs.append((key.strip().lower(), value.strip()))
    flt = CodingFilter(
        tuple(kwargs.pop("transcripts_", ())),
        tuple(kwargs.pop("codes", ())),
        tuple(kwargs.pop("coders", ())),
        tuple(Origin(o) for o in kwargs.pop("origins", ())),
        tuple(pairs),
    )
    return AnalysisOptions(filter=flt, **{k: v for k, v in extra.items() if v is not None})


def _notes(notes: tuple[str, ...]) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)


# -- looking in the terminal ----------------------------------------------------------------------


@cli.command()
@project_argument
@click.option("--by", help="Break down by transcript, case, coder or an attribute (role, site, ...).")
@click.option(
    "--measure",
    type=click.Choice(MEASURES),
    default="codings",
    show_default=True,
    help="What the cells hold with --by (table), or the bars (--chart).",
)
@click.option("--no-rollup", is_flag=True, help="Do not count sub-codes' codings for their parents.")
@click.option("--chart", is_flag=True, help="Draw a bar chart in the terminal instead of a table.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@filter_options
def frequencies(
    project: Path, by: str | None, measure: str, no_rollup: bool, chart: bool, fmt: str, **kwargs: Any
) -> None:
    """Code frequencies: codings, segments, words, transcripts and cases with each code.

    Parent codes count their sub-codes' codings (unless --no-rollup). CSV and JSON give the long table
    with every measure (columns in docs/analysis.md); the table view with --by shows one measure per
    code and value.
    """
    from qualcode import analysis

    options = _options(kwargs)
    with opened(project, reading=True) as proj:
        corpus = proj.analysis_corpus(options.filter)
        table = analysis.frequencies(corpus, by, rollup=not no_rollup)
        dimension = corpus.check_dimension(by)
        groups = {c.name for c in corpus.codebook if c.group}
    if chart:
        percent = measure == "cases_share"
        if dimension is None:
            codable = table[~table["code"].isin(groups)]
            drawn = analysis.bar_chart(
                codable, value=measure, title=f"{measure.replace('_', ' ')} by code", percent=percent
            )
        else:
            wide = _widen(table, dimension, measure)
            drawn = analysis.matrix_chart(
                wide[~wide["code"].isin(groups)],
                kind="grouped",
                title=f"{measure.replace('_', ' ')} by code and {dimension}",
                value_label=measure.replace("_", " "),
                percent=percent,
            )
        write_out(drawn.text(_terminal_width()))
        return
    if fmt != "table":
        emit([str(c) for c in table.columns], table.values.tolist(), fmt)
        return
    levels = table.drop_duplicates("code")["level"].to_numpy()
    shown = table if dimension is None else _widen(table, dimension, measure)
    shown = shown.drop(columns=[c for c in ("parent", "level") if c in shown.columns])
    shown["code"] = _indented(shown["code"], levels)
    emit([str(c) for c in shown.columns], shown.values.tolist(), fmt)


def _widen(table: Any, dimension: str, measure: str) -> Any:
    from qualcode.analysis.frequencies import widen

    return widen(table, dimension, measure)


def _indented(codes: Any, levels: Any) -> list[str]:
    # The table view collapses white space, so the tree is drawn with dots.
    return ["· " * int(level) + str(code) for code, level in zip(codes, levels, strict=True)]


def _terminal_width() -> int:
    import shutil

    return max(min(shutil.get_terminal_size((100, 24)).columns, 120), 40)


@cli.command()
@project_argument
@click.option("--unit", type=click.Choice(UNITS), default="segment", show_default=True)
@click.option("--chart", is_flag=True, help="Draw a heatmap in the terminal instead of a table.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@filter_options
def cooccurrence(project: Path, unit: str, chart: bool, fmt: str, **kwargs: Any) -> None:
    """Pairs of codes that occur in the same segment, the same turn, or on overlapping codings."""
    from qualcode import analysis

    options = _options(kwargs)
    with opened(project, reading=True) as proj:
        corpus = proj.analysis_corpus(options.filter)
        if chart:
            matrix = analysis.cooccurrence_matrix(corpus, unit, diagonal=False)
            drawn = analysis.matrix_chart(
                matrix, title=f"Co-occurrence ({unit}; the diagonal left blank)", value_label=unit + "s"
            )
            write_out(drawn.text(_terminal_width()))
            return
        table = analysis.cooccurrence(corpus, unit)
    emit([str(c) for c in table.columns], table.values.tolist(), fmt)


@cli.command()
@project_argument
@click.option(
    "--what",
    type=click.Choice(["frequencies", "cooccurrence", "matrix"]),
    default="frequencies",
    show_default=True,
    help="frequencies: bars per code (grouped with --by); cooccurrence: heatmap; matrix: code-by-case heatmap.",
)
@click.option("--by", help="frequencies: group bars by this; matrix: columns (default: case).")
@click.option("--measure", type=click.Choice(MEASURES), default="cases", show_default=True)
@click.option("--unit", type=click.Choice(UNITS), default="segment", show_default=True)
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    help="An .svg or .png file; without it the chart is drawn in the terminal.",
)
@filter_options
def chart(
    project: Path, what: str, by: str | None, measure: str, unit: str, output: Path | None, **kwargs: Any
) -> None:
    """Draw a chart as an SVG or PNG file (matplotlib), or as text in the terminal."""
    from qualcode import analysis
    from qualcode.errors import InputError
    from qualcode.formats.exports import write_atomically

    options = _options(kwargs)
    if output is not None and output.suffix.lower() not in (".svg", ".png"):
        raise InputError(f"{output}: a chart is written as .svg or .png", "end the file name in .svg or .png")
    percent = measure == "cases_share"
    label = measure.replace("_", " ")
    with opened(project, reading=True) as proj:
        corpus = proj.analysis_corpus(options.filter)
    groups = {c.name for c in corpus.codebook if c.group}
    if what == "cooccurrence":
        matrix = analysis.cooccurrence_matrix(corpus, unit, diagonal=False)
        drawn = analysis.matrix_chart(
            matrix, title=f"Co-occurrence ({unit}; the diagonal left blank)", value_label=unit + "s"
        )
    elif what == "matrix":
        matrix = analysis.code_matrix(corpus, by or "case", measure, rollup=False)
        drawn = analysis.matrix_chart(
            matrix[~matrix["code"].isin(groups)],
            title=f"Codes by {corpus.check_dimension(by or 'case')} ({label})",
            value_label=label,
            percent=percent,
        )
    elif by:
        matrix = analysis.code_matrix(corpus, by, measure)
        drawn = analysis.matrix_chart(
            matrix[~matrix["code"].isin(groups)],
            kind="grouped",
            title=f"{label.capitalize()} by code and {corpus.check_dimension(by)}",
            value_label=label,
            percent=percent,
        )
    else:
        table = analysis.frequencies(corpus)
        colours = {c.name: c.colour for c in corpus.codebook}
        codable = table[~table["code"].isin(groups)]
        drawn = analysis.bar_chart(
            codable,
            value=measure,
            title=f"{label.capitalize()} by code",
            percent=percent,
            colours=[colours.get(c) for c in codable["code"]],
        )
    if output is None:
        write_out(drawn.text(_terminal_width()))
        return
    write_atomically(output, drawn.render(output.suffix.lower()[1:]))
    click.echo(f"wrote {output}", err=True)


# -- files ----------------------------------------------------------------------------------------


@cli.command()
@project_argument
@click.option("--what", type=click.Choice(WHATS), required=True, help="Which table.")
@click.option("--by", help="frequencies, matrix: break down by transcript, case, coder or an attribute.")
@click.option("--unit", type=click.Choice(UNITS), help="cooccurrence: segment (default), turn or overlap.")
@click.option("--measure", type=click.Choice(MEASURES), help="matrix: what the cells hold (default codings).")
@click.option("--no-rollup", is_flag=True, help="Do not count sub-codes' codings for their parents.")
@click.option("--context", type=click.Choice(CONTEXTS), help="quotes: add the sentence or turn around each.")
@click.option("--template", help="quotes: attribution, e.g. '{role}, {site}' (default) or '{case}'.")
@click.option("--pseudonymise", is_flag=True, help="Speakers as participant ids; known names replaced.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="Default: from the output file's extension (csv on standard output).",
)
@click.option("-o", "--output", type=OutputFile(), help="File (default: stdout).")
@filter_options
def export(
    project: Path,
    what: str,
    by: str | None,
    unit: str | None,
    measure: str | None,
    no_rollup: bool,
    context: str | None,
    template: str | None,
    pseudonymise: bool,
    fmt: str | None,
    output: Path | None,
    **kwargs: Any,
) -> None:
    """Export a table as CSV, JSON, XLSX, Markdown, HTML or Word (columns: docs/analysis.md)."""
    from qualcode.report import export as export_file
    from qualcode.report import render_export

    options = _options(
        kwargs,
        by=by,
        unit=unit,
        measure=measure,
        rollup=not no_rollup,
        context=context,
        template=template,
        pseudonymise=pseudonymise,
    )
    with opened(project, reading=True) as proj:
        if output is None:
            fmt = fmt or "csv"
            if fmt in ("xlsx", "docx"):
                raise click.UsageError(f"{fmt} is a binary file: give one with -o FILE")
            content, notes = render_export(proj, what, fmt, options)
            assert isinstance(content, str)
            _notes(notes)
            write_out(content)
            return
        written = export_file(proj, what, output, fmt, options)
    _notes(written.notes)
    # Documents (docx, html, md) hold quotes as passages rather than table rows: count only what is rows.
    rows = f"{counted(written.rows, 'row')} to " if written.rows else ""
    click.echo(f"wrote {rows}{written.path} ({written.format})", err=True)


@cli.command()
@project_argument
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    required=True,
    help="report.html (one self-contained page), report.md or report.docx.",
)
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), help="Default: from the extension.")
@click.option("--pseudonymise", is_flag=True, help="Speakers as participant ids; known names replaced.")
@click.option("--context", type=click.Choice(CONTEXTS), help="Show each quote's sentence or turn too.")
@click.option("--template", help="Quote attribution, e.g. '{role}, {site}' (default) or '{case}'.")
@click.option("--quotes", "quotes_per_code", type=click.IntRange(0, 50), help="Quotes per code (default 3).")
@filter_options
def report(
    project: Path,
    output: Path,
    fmt: str | None,
    pseudonymise: bool,
    context: str | None,
    template: str | None,
    quotes_per_code: int | None,
    **kwargs: Any,
) -> None:
    """Write the report: codebook, frequencies by role and site, charts, co-occurrence, codes by case,
    top quotes per code with attribution, coders and memo excerpts."""
    from qualcode.report import write_report

    options = _options(
        kwargs,
        pseudonymise=pseudonymise,
        context=context,
        template=template,
        quotes_per_code=quotes_per_code,
    )
    with opened(project, reading=True) as proj:
        written = write_report(proj, output, fmt, options)
    _notes(written.notes)
    click.echo(f"wrote the report to {written.path} ({written.format}, {written.tables} tables)", err=True)


# -- the name list for pseudonymisation -----------------------------------------------------------


@cli.group(cls=Group)
def pseudonyms() -> None:
    """The project's list of real names to replace when exporting with --pseudonymise.

    Speakers' names are replaced by participant ids without being listed; list the other people who
    are named in the interviews (colleagues, family, places if you wish).
    """


@pseudonyms.command("list")
@project_argument
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def pseudonyms_list(project: Path, fmt: str) -> None:
    """Show the name list and each name's replacement."""
    with opened(project, reading=True) as proj:
        names = proj.pseudonyms()
    emit(["name", "replacement"], [[k, v or "[name]"] for k, v in names.items()], fmt)


@pseudonyms.command("add")
@project_argument
@click.argument("names", nargs=-1, required=True)
@click.option("--as", "replacement", default="", help="What to write instead (default: [name]).")
@coder_option
def pseudonyms_add(project: Path, names: tuple[str, ...], replacement: str, coder: str) -> None:
    """Add NAMES to the list (whole words, any case: 'Martin' also replaces 'MARTIN')."""
    with opened(project) as proj:
        current = proj.pseudonyms()
        current.update({name: replacement for name in names})
        proj.set_pseudonyms(current, coder)
    click.echo(f"{len(names)} name(s) added; the list has {len(current)}")


@pseudonyms.command("remove")
@project_argument
@click.argument("names", nargs=-1, required=True)
@coder_option
def pseudonyms_remove(project: Path, names: tuple[str, ...], coder: str) -> None:
    """Remove NAMES from the list."""
    from qualcode.errors import NotFoundError

    with opened(project) as proj:
        current = proj.pseudonyms()
        folded = {k.casefold(): k for k in current}
        missing = [n for n in names if n.casefold() not in folded]
        if missing:
            raise NotFoundError(
                f"not in the name list: {', '.join(missing)}", "see the list with: qualcode pseudonyms list"
            )
        for name in names:
            current.pop(folded[name.casefold()])
        proj.set_pseudonyms(current, coder)
    click.echo(f"{len(names)} name(s) removed; the list has {len(current)}")
