"""Coding from scripts: code, codings, import-codings."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.common import CODER_ENV, OutputFile, cli, coder_name, emit, opened, project_argument

# -- coding ---------------------------------------------------------------------------------------


@cli.command()
@project_argument
@click.option("--transcript", required=True)
@click.option("--code", "code_name", required=True)
@click.option(
    "--coder", callback=coder_name, required=True, envvar=CODER_ENV, help=f"Who codes (or ${CODER_ENV})."
)
@click.option("--quote", help="Words of the transcript to code.")
@click.option("--occurrence", type=int, help="Which match of --quote, when it appears more than once.")
@click.option("--start", type=int, help="First character of the span.")
@click.option("--end", type=int, help="One past the last character of the span.")
@click.option("--remove", is_flag=True, help="Remove the coding instead of adding it.")
def code(
    project: Path,
    transcript: str,
    code_name: str,
    coder: str,
    quote: str | None,
    occurrence: int | None,
    start: int | None,
    end: int | None,
    remove: bool,
) -> None:
    """Add (or --remove) a coding; exits 0 only once it is durably stored.

    A span across speaker turns is stored as one coding per turn, each cut to that turn's words.
    """
    if quote is None and (start is None or end is None):
        raise click.UsageError("give --quote, or both --start and --end")
    with opened(project) as proj:
        where = {"quote": quote, "occurrence": occurrence, "start": start, "end": end}
        if remove:
            for removed in proj.uncode(transcript, code_name, coder=coder, **where):
                click.echo(
                    f"removed coding {removed.id}: {code_name} [{removed.span.start}, {removed.span.end})"
                )
        else:
            # Over several turns the span is stored as one coding per turn, each only that speaker's words.
            for coding in proj.code(transcript, code_name, coder=coder, **where):
                click.echo(
                    f"coding {coding.id}: {coding.code} [{coding.span.start}, {coding.span.end}) by {coder}"
                )


@cli.command()
@project_argument
@click.option("--transcript", "transcripts_", multiple=True, help="Only these transcripts (repeat).")
@click.option("--code", "codes", multiple=True, help="Only these codes (repeat).")
@click.option("--coder", "coders", multiple=True, help="Only these coders (repeat).")
@click.option(
    "--origin", "origins", multiple=True, type=click.Choice(["manual", "suggestion", "imported", "consensus"])
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="ATTR=VALUE",
    help="Only transcripts whose case has this attribute, e.g. --where 'role=Peer worker'.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("-o", "--output", type=OutputFile(), help="File (default: stdout).")
def codings(
    project: Path,
    transcripts_: tuple[str, ...],
    codes: tuple[str, ...],
    coders: tuple[str, ...],
    origins: tuple[str, ...],
    where: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """List codings, filtered, as a table, CSV (with a header row) or JSON."""
    from qualcode.model import CodingFilter, Origin

    pairs = []
    for item in where:
        if "=" not in item:
            raise click.BadParameter(f"{item!r} is not ATTR=VALUE", param_hint="--where")
        key, value = item.split("=", 1)
        pairs.append((key.strip().lower(), value.strip()))
    flt = CodingFilter(transcripts_, codes, coders, tuple(Origin(o) for o in origins), tuple(pairs))
    with opened(project, reading=True) as proj:
        found = proj.codings(flt)
        header = ["id", "transcript", "start", "end", "code", "coder", "origin", "created_at", "text"]
        rows = [
            [
                c.id,
                c.transcript,
                c.span.start,
                c.span.end,
                c.code,
                c.coder,
                c.origin.value,
                c.created_at.isoformat(timespec="seconds"),
                c.text,
            ]
            for c in found
        ]
        emit(header, rows, fmt, output)


@cli.command("import-codings")
@project_argument
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--coder", callback=coder_name, help="Coder for rows without a coder column.")
def import_codings(project: Path, csv_file: Path, coder: str | None) -> None:
    """Import codings from CSV (transcript, start/end or quote[+occurrence], code, coder): all or nothing."""
    with opened(project) as proj:
        report = proj.import_codings(csv_file, coder=coder)
        click.echo(f"{report.added} codings added, {report.already_present} already present")
        if report.cut or report.split:
            click.echo(
                f"cut to the speakers' words: {report.cut} rows trimmed of labels or timestamps, "
                f"{report.split} rows across turns stored as one coding per turn"
            )
        if report.created_codes:
            click.echo(
                f"created {len(report.created_codes)} codes not in the codebook: "
                + ", ".join(report.created_codes)
            )
