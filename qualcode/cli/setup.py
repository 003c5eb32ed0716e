"""Setting up a project: init, import, attributes, cases, transcripts, the demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from qualcode.cli.common import (
    Group,
    cli,
    coder_name,
    coder_option,
    emit,
    opened,
    project_argument,
    write_out,
)
from qualcode.cli.notes import stats_text
from qualcode.formats import TRANSCRIPT_FORMATS

# -- project set-up -------------------------------------------------------------------------------


@cli.command()
@project_argument
def init(project: Path) -> None:
    """Create a new, empty project file."""
    from qualcode.project import Project

    Project.init(project).close()
    click.echo(f"created {project}")


@cli.command("import")
@project_argument
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["auto", *TRANSCRIPT_FORMATS]),
    default="auto",
    show_default=True,
    help="Transcript format; auto tells them apart by extension and content.",
)
@click.option(
    "--attributes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of participant attributes to attach after importing.",
)
@click.option("--max-mb", default=20.0, show_default=True, help="Refuse transcripts larger than this.")
@coder_option
def import_(
    project: Path,
    files: tuple[Path, ...],
    format_name: str,
    attributes: Path | None,
    max_mb: float,
    coder: str,
) -> None:
    """Import transcript FILES (each atomically; the same content twice is skipped)."""
    from tqdm import tqdm

    from qualcode.project import FileResult, ImportProgress

    with opened(project) as proj:
        results: list[FileResult] = []
        before = {(s.transcript, s.label): s for s in proj.speakers()}
        with tqdm(total=len(files), unit="file", file=sys.stderr, disable=None, leave=False) as bar:
            for event in proj.iter_import(
                list(files), format=format_name, coder=coder, max_bytes=int(max_mb * 1024 * 1024)
            ):
                if isinstance(event, ImportProgress):
                    bar.n = event.done
                    bar.set_postfix_str(event.current, refresh=True)
                else:
                    # Reported as soon as it is committed, so an interrupted import shows what it kept.
                    results.append(event)
                    name = f" as {event.name}" if event.status == "imported" else ""
                    with bar.external_write_mode():
                        click.echo(f"{event.status:9} {event.path}{name}: {event.message}")
                        for warning in event.warnings:
                            click.echo(f"  unsure: {warning}")
        imported = sum(r.status == "imported" for r in results)
        refused = sum(r.status == "refused" for r in results)
        skipped = len(results) - imported - refused
        click.echo(f"{imported} imported, {skipped} skipped, {refused} refused")
        if attributes is not None:
            _report_attributes(proj.load_attributes(attributes, coder))
        _report_speakers(proj, {r.name for r in results if r.status == "imported" and r.name}, before)
        if refused:
            click.echo(
                f"qualcode: error: {refused} of {len(results)} files refused (see above); fix them and import "
                "them again (the others are in the project)",
                err=True,
            )
            sys.exit(1)


def _report_speakers(proj: Any, imported: set[str], before: dict[tuple[str, str], Any]) -> None:
    """Who was taken for whom in the new transcripts, any earlier decision the new ones changed, and where
    the detection could not tell."""
    from qualcode.model.speakers import speaker_doubts

    def who(s: Any) -> str:
        return f"research team ({s.role.value})" if s.is_team else f"participant, case {s.case}"

    lines = []
    found = proj.speakers()
    for s in found:
        old = before.get((s.transcript, s.label))
        if s.transcript in imported:
            lines.append(f"  {s.transcript}: {s.label} -> {who(s)} ({s.reason})")
        elif old is not None and who(old) != who(s):
            lines.append(f"  {s.transcript}: {s.label} -> {who(s)}, was {who(old)} ({s.reason})")
    if lines:
        click.echo("speakers (correct with: qualcode speakers PROJECT --set 'NAME=ROLE'):")
        for line in lines:
            click.echo(line)
    for doubt in speaker_doubts(found):
        click.echo(f"  unsure: {doubt}")


def _report_attributes(report: Any) -> None:
    click.echo(f"attributes for {len(report.cases)} cases; {len(report.linked)} transcripts linked")
    for line in report.unmatched:
        click.echo(f"  note: {line}", err=True)


@cli.command()
@project_argument
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@coder_option
def attributes(project: Path, csv_file: Path, coder: str) -> None:
    """Attach participant attributes (role, site, ...) from CSV_FILE."""
    with opened(project) as proj:
        _report_attributes(proj.load_attributes(csv_file, coder))


@cli.command()
@project_argument
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def cases(project: Path, fmt: str) -> None:
    """List cases (participants) with their attributes and transcripts."""
    with opened(project, reading=True) as proj:
        found = proj.cases()
        keys = sorted({k for c in found for k in c.attributes})
        rows = [[c.name, " ".join(c.transcripts), *[c.attributes.get(k, "") for k in keys]] for c in found]
        emit(["case", "transcripts", *keys], rows, fmt)


@cli.group(cls=Group)
def transcripts() -> None:
    """List and rename transcripts."""


@transcripts.command("list")
@project_argument
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def transcripts_list(project: Path, fmt: str) -> None:
    """List transcripts with their figures."""
    with opened(project, reading=True) as proj:
        rows = [
            [t.name, t.case or "", t.source_format, t.words, t.turns, t.segments, t.codings, t.source_name]
            for t in proj.transcripts()
        ]
        emit(["name", "case", "format", "words", "turns", "segments", "codings", "source"], rows, fmt)


@transcripts.command("rename")
@project_argument
@click.argument("old")
@click.argument("new")
@coder_option
def transcripts_rename(project: Path, old: str, new: str, coder: str) -> None:
    """Rename a transcript (its codings and memos follow)."""
    with opened(project) as proj:
        proj.rename_transcript(old, new, coder)
        click.echo(f"renamed {old} to {new}")


@cli.command()
@click.option(
    "--path",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("demo.qualcode"),
    show_default=True,
    help="Where to build the demo project.",
)
@click.option("--fresh", is_flag=True, help="Rebuild the demo project even if it exists.")
@click.option("--no-open", is_flag=True, help="Only build and describe it; do not open the workbench.")
@click.option(
    "--coder", callback=coder_name, default="demo", show_default=True, help="Who codes in the workbench."
)
def demo(path: Path, fresh: bool, no_open: bool, coder: str) -> None:
    """Build the demo project (six fictional interviews, the peer-roles codebook) and open the workbench.

    Without a terminal (in a script, or with --no-open) it describes what the project holds instead.
    """
    from qualcode.cli.workbench import run_workbench
    from qualcode.demo import build_demo

    with build_demo(path, fresh=fresh, progress=lambda msg: click.echo(msg, err=True)) as proj:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        if interactive and not no_open:
            pass
        else:
            click.echo(f"demo project: {path}")
            write_out(stats_text(proj.stats()))
            for case in proj.cases():
                attrs = ", ".join(f"{k}: {v}" for k, v in case.attributes.items())
                click.echo(f"  {case.name}  {attrs}")
            click.echo(f"next: qualcode open {path}   |   qualcode codebook show {path}")
            return
    run_workbench(path, coder)
