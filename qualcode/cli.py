"""The command line: parses, calls the Project API, and turns errors into one line, a hint and an exit status."""

from __future__ import annotations

import csv
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from qualcode import __version__
from qualcode.errors import QualcodeError

F = TypeVar("F", bound=Callable[..., Any])
CODER_ENV = "QUALCODE_CODER"


def _default_coder() -> str:
    try:
        return os.environ.get(CODER_ENV) or getpass.getuser()
    except Exception:  # no user name on this system
        return "coder"


def fail(exc: QualcodeError) -> None:
    """Print a user error as one line, the listed problems, and a hint; exit with status 1."""
    click.echo(f"qualcode: error: {exc.message}", err=True)
    for problem in exc.problems[:50]:
        click.echo(f"  {problem}", err=True)
    if len(exc.problems) > 50:
        click.echo(f"  ... and {len(exc.problems) - 50} more", err=True)
    if exc.hint:
        click.echo(f"  hint: {exc.hint}", err=True)
    sys.exit(1)


class _Group(click.Group):
    """A group whose commands report QualcodeError as a message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualcodeError as exc:
            fail(exc)


project_argument = click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
coder_option = click.option(
    "--coder",
    default=_default_coder,
    show_default=f"${CODER_ENV} or your user name",
    help="Who is doing this (recorded in the project's log).",
)


@contextmanager
def opened(path: Path) -> Iterator[Any]:
    from qualcode.project import Project

    with Project.open(path) as project:
        yield project


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="qualcode")
def cli() -> None:
    """qualcode: code interview transcripts against a codebook, in the terminal.

    A project is one file (e.g. study.qualcode). Start with `qualcode init study.qualcode`, then
    `qualcode import study.qualcode transcripts/*.txt`, or try `qualcode demo`.
    """


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
    default="auto",
    show_default=True,
    help="auto, text, otter, vtt, srt, docx or pdf.",
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
        imported = sum(r.status == "imported" for r in results)
        refused = sum(r.status == "refused" for r in results)
        skipped = len(results) - imported - refused
        click.echo(f"{imported} imported, {skipped} skipped, {refused} refused")
        if attributes is not None:
            _report_attributes(proj.load_attributes(attributes, coder))
        if refused:
            sys.exit(1)


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
    with opened(project) as proj:
        found = proj.cases()
        keys = sorted({k for c in found for k in c.attributes})
        rows = [[c.name, " ".join(c.transcripts), *[c.attributes.get(k, "") for k in keys]] for c in found]
        _emit(["case", "transcripts", *keys], rows, fmt)


@cli.group(cls=_Group)
def transcripts() -> None:
    """List and rename transcripts."""


@transcripts.command("list")
@project_argument
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def transcripts_list(project: Path, fmt: str) -> None:
    """List transcripts with their figures."""
    with opened(project) as proj:
        rows = [
            [t.name, t.case or "", t.source_format, t.words, t.turns, t.segments, t.codings, t.source_name]
            for t in proj.transcripts()
        ]
        _emit(["name", "case", "format", "words", "turns", "segments", "codings", "source"], rows, fmt)


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


# -- codebook -------------------------------------------------------------------------------------


@cli.group(cls=_Group)
def codebook() -> None:
    """Check, import, export, show and edit the codebook."""


@codebook.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def codebook_validate(file: Path) -> None:
    """Check a YAML codebook file and report every problem with its line."""
    from qualcode.project import Project

    book = Project.read_codebook(file)
    codable = sum(not c.group for c in book)
    click.echo(f"{file}: OK, {len(book)} codes ({codable} codable, {len(book) - codable} groups)")


@codebook.command("import")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@coder_option
def codebook_import(project: Path, file: Path, coder: str) -> None:
    """Load a YAML codebook: new codes are added, codes of the same name updated (codings kept)."""
    with opened(project) as proj:
        added, updated = proj.import_codebook(file, coder)
        click.echo(f"{len(added)} codes added, {len(updated)} updated")


@codebook.command("export")
@project_argument
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
def codebook_export(project: Path, output: Path | None) -> None:
    """Write the project's codebook as YAML."""
    with opened(project) as proj:
        text = proj.export_codebook(output)
        if output is None:
            click.echo(text, nl=False)
        else:
            click.echo(f"wrote {output}")


@codebook.command("show")
@project_argument
def codebook_show(project: Path) -> None:
    """Show the code tree with hotkeys and coding counts."""
    with opened(project) as proj:
        book = proj.codebook()
        counts = proj.repo.coding_counts()
        for code in book:
            depth = len(book.path(code.name)) - 1
            key = f"[{code.hotkey}]" if code.hotkey else "   "
            tail = "(group)" if code.group else f"{counts.get(code.name, 0)} codings"
            click.echo(f"{'  ' * depth}{key} {code.name}  {tail}")


@codebook.command("add")
@project_argument
@click.argument("name")
@click.option("--parent", help="Parent code or group.")
@click.option("--group", is_flag=True, help="A group that only holds codes.")
@click.option("--definition", default="")
@click.option("--hotkey")
@click.option("--colour")
@coder_option
def codebook_add(
    project: Path,
    name: str,
    parent: str | None,
    group: bool,
    definition: str,
    hotkey: str | None,
    colour: str | None,
    coder: str,
) -> None:
    """Add a code."""
    with opened(project) as proj:
        proj.add_code(
            name, parent=parent, group=group, definition=definition, hotkey=hotkey, colour=colour, coder=coder
        )
        click.echo(f"added {name}")


@codebook.command("rename")
@project_argument
@click.argument("old")
@click.argument("new")
@coder_option
def codebook_rename(project: Path, old: str, new: str, coder: str) -> None:
    """Rename a code; its codings keep it."""
    with opened(project) as proj:
        proj.rename_code(old, new, coder)
        click.echo(f"renamed {old} to {new}")


@codebook.command("move")
@project_argument
@click.argument("name")
@click.option("--parent", help="New parent; leave out to move to the top level.")
@coder_option
def codebook_move(project: Path, name: str, parent: str | None, coder: str) -> None:
    """Move a code under another parent."""
    with opened(project) as proj:
        proj.move_code(name, parent, coder)
        click.echo(f"moved {name} under {parent or 'the top level'}")


@codebook.command("merge")
@project_argument
@click.argument("source")
@click.argument("target")
@coder_option
def codebook_merge(project: Path, source: str, target: str, coder: str) -> None:
    """Merge SOURCE into TARGET: its codings move to TARGET and SOURCE is deleted."""
    with opened(project) as proj:
        moved = proj.merge_codes(source, target, coder)
        click.echo(f"merged {source} into {target}: {moved} codings moved")


@codebook.command("split")
@project_argument
@click.argument("name")
@click.argument("new")
@click.option(
    "--coding",
    "coding_ids",
    multiple=True,
    type=int,
    help="Id of a coding to move to the new code (repeat; ids from `qualcode codings`).",
)
@coder_option
def codebook_split(project: Path, name: str, new: str, coding_ids: tuple[int, ...], coder: str) -> None:
    """Split NAME: make NEW beside it and move the chosen codings to NEW."""
    with opened(project) as proj:
        moved = proj.split_code(name, new, coding_ids, coder)
        click.echo(f"split {new} from {name}: {moved} codings moved")


@codebook.command("delete")
@project_argument
@click.argument("name")
@click.option("--with-codings", is_flag=True, help="Confirm that the code's codings are deleted too.")
@coder_option
def codebook_delete(project: Path, name: str, with_codings: bool, coder: str) -> None:
    """Delete a code (refused while it has codings, unless --with-codings)."""
    with opened(project) as proj:
        removed = proj.delete_code(name, coder, with_codings=with_codings)
        click.echo(f"deleted {name} and {removed} codings")


# -- coding ---------------------------------------------------------------------------------------


@cli.command()
@project_argument
@click.option("--transcript", required=True)
@click.option("--code", "code_name", required=True)
@click.option("--coder", required=True, envvar=CODER_ENV, help=f"Who codes (or ${CODER_ENV}).")
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
    """Add (or --remove) one coding; exits 0 only once it is durably stored."""
    if quote is None and (start is None or end is None):
        raise click.UsageError("give --quote, or both --start and --end")
    with opened(project) as proj:
        where = {"quote": quote, "occurrence": occurrence, "start": start, "end": end}
        if remove:
            removed = proj.uncode(transcript, code_name, coder=coder, **where)
            click.echo(f"removed coding {removed.id}: {code_name} [{removed.span.start}, {removed.span.end})")
        else:
            coding = proj.code(transcript, code_name, coder=coder, **where)
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
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
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
    with opened(project) as proj:
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
        _emit(header, rows, fmt, output)


@cli.command("import-codings")
@project_argument
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--coder", help="Coder for rows without a coder column.")
def import_codings(project: Path, csv_file: Path, coder: str | None) -> None:
    """Import codings from CSV (transcript, start/end or quote[+occurrence], code, coder): all or nothing."""
    with opened(project) as proj:
        report = proj.import_codings(csv_file, coder=coder)
        click.echo(f"{report.added} codings added, {report.already_present} already present")
        if report.created_codes:
            click.echo(
                f"created {len(report.created_codes)} codes not in the codebook: "
                + ", ".join(report.created_codes)
            )


@cli.command()
@project_argument
@click.argument("text")
@click.option("--transcript", help="Attach to this transcript.")
@click.option("--code", "code_name", help="Attach to this code.")
@click.option("--coding", type=int, help="Attach to this coding id.")
@coder_option
def memo(
    project: Path, text: str, transcript: str | None, code_name: str | None, coding: int | None, coder: str
) -> None:
    """Write a memo on the project, a transcript, a code or a coding."""
    from qualcode.model import MemoTarget

    targets = [
        (MemoTarget.TRANSCRIPT, transcript),
        (MemoTarget.CODE, code_name),
        (MemoTarget.CODING, None if coding is None else str(coding)),
    ]
    chosen = [(k, v) for k, v in targets if v is not None]
    if len(chosen) > 1:
        raise click.UsageError("attach a memo to one thing at a time")
    target, name = chosen[0] if chosen else (MemoTarget.PROJECT, None)
    with opened(project) as proj:
        saved = proj.add_memo(text, coder=coder, target=target, target_name=name)
        click.echo(f"memo {saved.id} saved on {target.value}{' ' + name if name else ''}")


@cli.command()
@project_argument
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def memos(project: Path, fmt: str) -> None:
    """List memos."""
    with opened(project) as proj:
        rows = [
            [
                m.id,
                m.target.value,
                m.target_name or "",
                m.author,
                m.updated_at.isoformat(timespec="seconds"),
                m.text,
            ]
            for m in proj.memos()
        ]
        _emit(["id", "target", "on", "author", "updated", "text"], rows, fmt)


@cli.command()
@project_argument
@click.option("--limit", default=30, show_default=True, help="How many of the latest changes.")
def log(project: Path, limit: int) -> None:
    """Show the latest changes: who did what, when."""
    with opened(project) as proj:
        for ev in proj.events(limit):
            summary = {k: v for k, v in ev.payload.items() if not isinstance(v, list | dict)}
            click.echo(
                f"{ev.id:6} {ev.at.isoformat(timespec='seconds')} {ev.coder or '-':12} {ev.action:18} "
                + " ".join(f"{k}={v}" for k, v in summary.items())
            )


@cli.command()
@project_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(project: Path, fmt: str) -> None:
    """Show what the project holds: transcripts, words, segments, cases, codes, codings."""
    with opened(project) as proj:
        figures = proj.stats()
        if fmt == "json":
            click.echo(json.dumps(figures, indent=2))
            return
        _print_stats(figures)


def _print_stats(figures: dict[str, Any]) -> None:
    for key in (
        "transcripts",
        "words",
        "turns",
        "segments",
        "cases",
        "codes",
        "codings",
        "coders",
        "memos",
        "events",
    ):
        click.echo(f"{key:12} {figures[key]:>9,}")
    if figures["codings_by_coder"]:
        click.echo(
            "codings by coder: " + ", ".join(f"{k} {v}" for k, v in figures["codings_by_coder"].items())
        )
    for name, count in list(figures["codings_by_code"].items())[:15]:
        click.echo(f"  {count:6}  {name}")


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
def demo(path: Path, fresh: bool) -> None:
    """Build the demo project (six fictional interviews, the peer-roles codebook) and show what it holds."""
    from qualcode.demo import build_demo

    with build_demo(path, fresh=fresh, progress=lambda msg: click.echo(msg, err=True)) as proj:
        click.echo(f"demo project: {path}")
        _print_stats(proj.stats())
        for case in proj.cases():
            attrs = ", ".join(f"{k}: {v}" for k, v in case.attributes.items())
            click.echo(f"  {case.name}  {attrs}")
        click.echo(f"next: qualcode codings {path}   |   qualcode codebook show {path}")


# -- output ---------------------------------------------------------------------------------------


def _emit(header: list[str], rows: list[list[Any]], fmt: str, output: Path | None = None) -> None:
    """Write rows as an aligned table, CSV with a header row, or JSON records."""
    if fmt == "json":
        text = (
            json.dumps(
                [dict(zip(header, row, strict=True)) for row in rows],
                indent=2,
                ensure_ascii=False,
                default=str,
            )
            + "\n"
        )
    elif fmt == "csv":
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        text = buffer.getvalue()
    else:
        text = _table(header, rows)
    if output is None:
        click.echo(text, nl=False)
    else:
        from qualcode.project import write_text_atomically

        write_text_atomically(output, text)
        click.echo(f"wrote {len(rows)} rows to {output}", err=True)


def _table(header: list[str], rows: list[list[Any]], max_width: int = 60) -> str:
    cells = [[_cell(v, max_width) for v in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _cell(value: Any, max_width: int) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= max_width else text[: max_width - 3] + "..."


def main() -> None:
    """Entry point of the ``qualcode`` command."""
    try:
        cli(prog_name="qualcode")
    except QualcodeError as exc:  # raised outside a command's invoke (rare)
        fail(exc)
    except KeyboardInterrupt:
        click.echo("qualcode: interrupted; nothing half-written was kept", err=True)
        sys.exit(130)
