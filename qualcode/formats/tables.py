"""Reading CSV tables given by users (attributes, codings): encoding, header, and line numbers for errors."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualcode.errors import InputError
from qualcode.formats.decoding import decode_text


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a CSV file, keyed by lower-cased header, with its line in the file."""

    line: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return (self.values.get(key) or "").strip()


def read_csv(path: Path, required: tuple[tuple[str, ...], ...] = ()) -> tuple[list[str], list[Row]]:
    """Read a CSV with a header row (comma, semicolon or tab separated).

    Args:
        path: The file.
        required: Groups of column names; each group needs at least one of its names in the header.

    Returns:
        The header (lower-cased, stripped) and the non-empty rows.

    Raises:
        InputError: for an unreadable file or a missing column.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})", "check the path") from exc
    text = decode_text(data, str(path))
    # RFC 4180 quoting, as Excel, LibreOffice and Python's csv module write it; only the separator varies
    # (semicolons from European Excel, tabs). csv.Sniffer also guessed the quoting, and a quoted "" in its
    # sample made it take doublequote=False, splitting ordinary rows further down. Strict, so that an
    # unclosed quote is an error at its line rather than the rest of the file swallowed into one field.
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=_separator(text), strict=True)
    header_values = _next_row(reader, path)
    if header_values is None:
        raise InputError(f"{path}: the file is empty", "add a header row and data")
    header = [h.strip().lower() for h in header_values]
    for group in required:
        if not any(name in header for name in group):
            raise InputError(
                f"{path}:1: no {' or '.join(repr(n) for n in group)} column in the header",
                f"the header has: {', '.join(header)}",
            )
    rows: list[Row] = []
    while (values := _next_row(reader, path)) is not None:
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise InputError(
                f"{path}:{reader.line_num}: {len(values)} fields but the header has {len(header)}",
                "quote fields that contain the separator",
            )
        rows.append(Row(reader.line_num, dict(zip(header, values, strict=False))))
    return header, rows


def _next_row(reader: Any, path: Path) -> list[str] | None:
    """The next row, None at the end; a quoting error names the line where its row starts."""
    start = reader.line_num + 1
    try:
        row: list[str] = next(reader)
        return row
    except StopIteration:
        return None
    except csv.Error as exc:
        if "end of data" in str(exc):  # the file ended inside a quoted field
            raise InputError(
                f"{path}:{start}: a quoted field that starts on this line is never closed",
                'close the quote; a quote inside a quoted field is written twice ("")',
            ) from exc
        raise InputError(f"{path}:{reader.line_num}: {exc}", "check the quoting on that line") from exc


_SEPARATORS = (",", ";", "\t")


def _separator(text: str) -> str:
    """The separator the header line uses most, outside quotes; a comma when it has none."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted  # a doubled "" flips twice: still inside
        elif char == "\n" and not quoted:
            break
        elif char in counts and not quoted:
            counts[char] += 1
    return max(_SEPARATORS, key=lambda sep: counts[sep])  # ties go to the first: the comma
