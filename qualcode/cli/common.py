"""What every command shares: the group, options, opening a project, error and table output."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from qualcode import __version__
from qualcode.errors import OutputError, QualcodeError

F = TypeVar("F", bound=Callable[..., Any])
CODER_ENV = "QUALCODE_CODER"


def _default_coder() -> str:
    try:
        return os.environ.get(CODER_ENV) or getpass.getuser()
    except Exception:  # no user name on this system
        return "coder"


def fail(exc: QualcodeError) -> None:
    """Print a user error as one line (what went wrong, then what to do), the listed problems under it;
    exit with status 1."""
    click.echo(f"qualcode: error: {exc.one_line()}", err=True)
    for problem in exc.problems[:50]:
        click.echo(f"  {problem}", err=True)
    if len(exc.problems) > 50:
        click.echo(f"  ... and {len(exc.problems) - 50} more", err=True)
    sys.exit(1)


class Group(click.Group):
    """A group whose commands report QualcodeError as a message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualcodeError as exc:
            fail(exc)


class Score(click.FloatRange):
    """A score from 0 to 1; NaN, which passes a plain range check, is refused."""

    name = "score"

    def __init__(self) -> None:
        super().__init__(0, 1)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:  # NaN
            self.fail(f"{value!r} is not a number from 0 to 1", param, ctx)
        return number


class OutputFile(click.Path):
    """A file to write; an empty name (``-o "$OUT"`` with OUT unset) or a folder is refused at once."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not str(value).strip():
            self.fail(
                "is empty; give a file name (or leave the option out to write to the screen)", param, ctx
            )
        path = Path(str(value))
        # "." or "/", or "new/" (a Path drops the slash): click's own check names them "directory" only if
        # they exist, and "new/" would become a file called "new".
        if not path.name or str(value).endswith(("/", os.sep)):
            self.fail(f"{value!r} is a folder; give a file name", param, ctx)
        converted = super().convert(value, param, ctx)
        check_output(Path(os.fsdecode(converted)))  # before any work, not after a long run
        return converted


def check_output(output: Path | None) -> None:
    """Refuse a bad output file before any work: a folder that is missing or cannot be written, or a
    database (the project itself, or its -wal file). Raises InputError."""
    if output is None:
        return
    import tempfile

    from qualcode.errors import InputError
    from qualcode.formats.exports import output_target, refuse_to_replace_a_database

    target = output_target(output)
    if target.stream:  # a device or a pipe: written into, not replaced
        if not os.access(target.file, os.W_OK):
            raise InputError(f"{output}: cannot be written (permission denied)", "choose another output file")
        return
    refuse_to_replace_a_database(target.file)
    folder = target.file.parent
    try:  # asked of the file system itself: os.access says yes to root even on a read-only one
        handle, probe = tempfile.mkstemp(prefix=f".{target.file.name}.", suffix=".probe", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(
            f"{target.name}: cannot be written ({exc.strerror})",
            "check that the folder exists and is writable",
        ) from exc


class ProjectFile(click.Path):
    """The project file; an empty name (``"$PROJECT"`` with PROJECT unset) is refused by name."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not str(value).strip():
            self.fail("is empty; give the project file, e.g. study.qualcode", param, ctx)
        return super().convert(value, param, ctx)


project_argument = click.argument("project", type=ProjectFile())


def coder_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A --coder callback: a blank name (``--coder "$WHO"`` with WHO unset) is refused, not stored."""
    if value is not None and not value.strip():
        raise click.BadParameter(f"is empty; say who is coding, e.g. --coder ana (or set ${CODER_ENV})")
    return value.strip() if value is not None else None  # " ana" is ana, not another coder


coder_option = click.option(
    "--coder",
    callback=coder_name,
    default=_default_coder,
    show_default=f"${CODER_ENV} or your user name",
    help="Who is doing this (recorded in the project's log).",
)


@contextmanager
def opened(path: Path, *, reading: bool = False) -> Iterator[Any]:
    """The project, open for the command; ``reading`` commands also open one on read-only storage."""
    from qualcode.project import Project

    with Project.open(path, reading=reading) as project:
        yield project


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="qualcode")
def cli() -> None:
    """qualcode: code interview transcripts against a codebook, in the terminal.

    A project is one file (e.g. study.qualcode). Start with `qualcode init study.qualcode`, then
    `qualcode import study.qualcode transcripts/*.txt`, or try `qualcode demo`.
    """


# -- output ---------------------------------------------------------------------------------------


def output_format(fmt: str, output: Path | None) -> str:
    """The format rows are written in: into a file named .csv or .json without a --format, that format (as
    ``report`` does), not the screen's table."""
    if output is not None and fmt == "table" and output.suffix.lower() in (".csv", ".json"):
        ctx = click.get_current_context(silent=True)
        if ctx is None or ctx.get_parameter_source("fmt") != click.core.ParameterSource.COMMANDLINE:
            return output.suffix.lower()[1:]
    return fmt


def emit(header: list[str], rows: list[list[Any]], fmt: str, output: Path | None = None) -> None:
    """Write rows as an aligned table, CSV with a header row, or JSON records (see ``output_format``)."""
    fmt = output_format(fmt, output)
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
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        text = buffer.getvalue()
    else:
        text = _table(header, rows)
    if output is None:
        write_out(text)
    else:
        from qualcode.project import write_text_atomically

        write_text_atomically(output, text)
        click.echo(f"wrote {counted(len(rows), 'row')} to {output}", err=True)


def counted(n: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{n} {noun}{'s' * (n != 1)}"


STDOUT_HINT = "free some space, or write to a file with -o FILE"


def write_out(text: str) -> None:
    """Write a command's result to standard output: a closed or full one is an error, not silence or a
    traceback (a closed pipe, as from ``| head``, is click's to handle: it ends quietly)."""
    if sys.stdout is None:  # started with standard output closed (``>&-``): click would print nothing
        raise OutputError("standard output is closed", "write to a file with -o FILE")
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write to standard output ({exc.strerror})", STDOUT_HINT) from exc


def _table(header: list[str], rows: list[list[Any]], max_width: int = 60) -> str:
    cells = [[_cell(v, max_width) for v in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _cell(value: Any, max_width: int) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= max_width else text[: max_width - 3] + "..."
