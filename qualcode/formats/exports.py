"""Exports: a document model (headings, text, tables, figures, quotes) and the registry of its formats.

An export or a report is built once as a :class:`Document`; each format module (``export_csv``,
``export_json``, ``export_markdown``, ``export_html``, ``export_xlsx``, ``export_docx``) renders it.
Tabular formats (CSV, JSON, XLSX) keep the tables only; document formats keep everything. Figures are
anything that can draw itself (:class:`Drawable`), so this package needs no charting library.
"""

from __future__ import annotations

import math
import os
import secrets
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from qualcode.errors import InputError
from qualcode.formats import export_csv, export_docx, export_html, export_json, export_markdown, export_xlsx

SQLITE_HEADER_BYTES = 100  # an SQLite database file is at least its 100-byte header
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")  # beside a database; its latest changes may be in them

if TYPE_CHECKING:
    import pandas as pd


class Drawable(Protocol):
    """A chart: drawn as SVG, PNG or Unicode text."""

    def svg(self) -> str: ...

    def png(self, dpi: int = 150) -> bytes: ...

    def text(self, width: int = 72) -> str: ...


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1  # 1 for a section, 2 for a subsection (the document title is above both)


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True, eq=False)
class Table:
    """A table: ``key`` names it in a workbook or JSON object; ``title`` heads it in a document.

    ``percent`` names the columns that hold shares (0..1) to show as percentages.
    """

    key: str
    title: str
    frame: pd.DataFrame
    note: str = ""
    percent: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Figure:
    title: str
    chart: Drawable
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    attribution: str
    context: str = ""


Block = Heading | Paragraph | Table | Figure | Quote


@dataclass(frozen=True, slots=True, eq=False)
class Document:
    """What an export holds, in reading order.

    Attributes:
        title: The document's title.
        blocks: Headings, paragraphs, tables, figures and quotes.
        generated: When and by what it was made ("2026-05-01 10:00 UTC, qualcode 0.1.0").
    """

    title: str
    blocks: tuple[Block, ...]
    generated: str = ""

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format: how to render a document, and whether it keeps more than tables."""

    name: str
    description: str
    extensions: tuple[str, ...]
    render: Callable[[Document], str | bytes]
    tabular: bool  # keeps tables only (no headings, text, figures or quotes)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("csv", "CSV, one table with a header row", (".csv",), export_csv.render, True),
        ExportFormat(
            "json",
            "JSON records (an object of tables when there are several)",
            (".json",),
            export_json.render,
            True,
        ),
        ExportFormat(
            "xlsx", "Excel workbook, one formatted sheet per table", (".xlsx",), export_xlsx.render, True
        ),
        ExportFormat("md", "Markdown, with text charts", (".md", ".markdown"), export_markdown.render, False),
        ExportFormat(
            "html",
            "one self-contained HTML page, charts inline",
            (".html", ".htm"),
            export_html.render,
            False,
        ),
        ExportFormat("docx", "Word document, charts as pictures", (".docx",), export_docx.render, False),
    )
}


def export_format(name: str | None, path: Path | None) -> ExportFormat:
    """The format named, or the one the output file's extension says.

    Raises:
        InputError: for an unknown name, or no name and an extension that says nothing.
    """
    if name:
        if name.lower() in EXPORT_FORMATS:
            return EXPORT_FORMATS[name.lower()]
        raise InputError(f"unknown export format {name!r}", f"use one of: {', '.join(EXPORT_FORMATS)}")
    if path is not None:
        suffix = path.suffix.lower()
        for fmt in EXPORT_FORMATS.values():
            if suffix in fmt.extensions:
                return fmt
    raise InputError(
        f"cannot tell the export format from {str(path) if path else 'standard output'!r}",
        f"give --format ({', '.join(EXPORT_FORMATS)}) or an output file ending in one of them",
    )


def write_export(document: Document, fmt: ExportFormat, path: Path) -> None:
    """Render ``document`` and write it to ``path`` atomically."""
    content = fmt.render(document)
    write_atomically(path, content.encode("utf-8") if isinstance(content, str) else content)


def refuse_to_replace_a_database(path: Path) -> None:
    """Refuse an output path that holds an SQLite database: ``-o study.qualcode`` would replace the project.

    Asked of SQLite (read-only, immutable: no locks taken), never by reading the file with Python's own
    functions: closing such a handle drops the POSIX locks this process holds on an open project.

    Raises:
        InputError: if ``path`` is an SQLite database.
    """
    for suffix in SQLITE_SIDE_FILES:
        main = path.with_name(path.name[: -len(suffix)]) if path.name.endswith(suffix) else None
        if main is not None and main.name and _is_a_database(main):
            raise InputError(
                f"{path}: is SQLite's {suffix[1:]} file of the database {main.name} (a qualcode project?); "
                "writing the output there could lose the project's latest changes",
                "choose another output file",
            )
    if _is_a_database(path):
        raise InputError(
            f"{path}: is a database (a qualcode project?); writing the output there would replace it",
            "choose another output file",
        )


def _is_a_database(path: Path) -> bool:
    return path.is_file() and path.stat().st_size >= SQLITE_HEADER_BYTES and _may_be_a_database(path)


def _may_be_a_database(path: Path) -> bool:
    """False only when SQLite says the file is not a database; a busy or unreadable one is kept safe."""
    for mode in ("ro", "ro&immutable=1"):  # immutable only where a plain open fails (a read-only folder)
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
            try:
                connection.execute("PRAGMA schema_version").fetchone()
            finally:
                connection.close()
            return True
        except sqlite3.Error as exc:
            if "not a database" in str(exc):
                return False
    return True


@dataclass(frozen=True, slots=True)
class OutputTarget:
    """Where output asked for at ``path`` goes.

    Attributes:
        path: What the user named.
        file: The file to replace: through links, as the shell's ">" writes (the link is kept).
        stream: A device or a pipe (/dev/null, /dev/stdout, a FIFO): written into at ``path``, never
            replaced by renaming a file over it.
    """

    path: Path
    file: Path
    stream: bool

    @property
    def name(self) -> str:
        """The target as messages name it."""
        return str(self.path) if self.file == self.path else f"{self.path} (a link to {self.file})"


def output_target(path: Path) -> OutputTarget:
    """Where output for ``path`` goes (see ``OutputTarget``).

    Raises:
        InputError: if ``path`` is a folder, or a link that cannot be followed (a loop).
    """
    try:
        found = os.stat(path)  # through links, to the end: /dev/stdout is a link to a pipe or a terminal
    except FileNotFoundError:
        found = None  # a new file, or a link to one
    except OSError as exc:
        raise InputError(
            f"{path}: cannot be written ({exc.strerror})", "check the path and its links"
        ) from exc
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise InputError(f"{path}: is a folder", "give a file name")
    if found is not None and not stat.S_ISREG(found.st_mode):
        return OutputTarget(path, path, stream=True)
    return OutputTarget(path, Path(os.path.realpath(path)) if path.is_symlink() else path, stream=False)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so a crash leaves either the old file or the whole new one, never half.

    Raises:
        InputError: if the folder is missing or not writable, or ``path`` is a database (a project).
    """
    target = output_target(path)
    if target.stream:
        _write_through(path, data)
        return
    refuse_to_replace_a_database(target.file)
    tmp = target.file.with_name(f".{target.file.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 less the umask, as for any file the user writes.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target.file)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(
            f"{target.name}: cannot be written ({exc.strerror})",
            "check that the folder exists and is writable",
        ) from exc


def _write_through(path: Path, data: bytes) -> None:
    try:
        with path.open("wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror})", "choose another output file") from exc


# -- helpers the format modules share ---------------------------------------------------------------


def cell_text(value: Any, percent: bool = False) -> str:
    """A cell as text: lists joined with "; ", missing values empty, shares as percentages."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if percent:
            return f"{value * 100:.1f}%"
        return repr(value)  # the shortest text that reads back as the same number: 1.0, 0.6667
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
        return cell_text(value.item(), percent)
    return str(value)


def is_numeric(frame: pd.DataFrame, column: Any) -> bool:
    """Whether a column holds numbers (right-aligned in documents)."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    dtype = frame[column].dtype
    return bool(is_numeric_dtype(dtype) and not is_bool_dtype(dtype))


def plain_value(value: Any) -> Any:
    """A cell as a plain Python value (for JSON and spreadsheets): numpy scalars unwrapped, NaN as None."""
    if hasattr(value, "item") and not isinstance(value, str | bytes | list | tuple):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, tuple):
        return list(value)
    return value


def only_table(document: Document, fmt: str) -> Table:
    """The one table a single-table format can hold.

    Raises:
        InputError: when the document has no table or several.
    """
    tables = document.tables
    if len(tables) != 1:
        raise InputError(
            f"{fmt.upper()} holds one table, and this export has {len(tables)}",
            "export as xlsx (one sheet per table) or json, or export one table at a time",
        )
    return tables[0]
