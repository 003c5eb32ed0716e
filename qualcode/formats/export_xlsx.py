"""Excel export: one formatted sheet per table (bold frozen header, filters, widths, percentages)."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualcode.formats.exports import Document, Table

NAME = "xlsx"
MIN_WIDTH, MAX_WIDTH = 8, 60
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters a workbook cannot hold (XML 1.0 control characters).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_names(tables: list[Table]) -> list[str]:
    """Unique sheet names (31 characters at most, none of []:*?/\\) from the tables' keys."""
    names: list[str] = []
    for table in tables:
        base = _SHEET_FORBIDDEN.sub("-", table.key or table.title or "table")[:31] or "table"
        name, n = base, 2
        while name.casefold() in (x.casefold() for x in names):
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _value(value: Any) -> Any:
    from qualcode.formats.exports import cell_text, plain_value

    value = plain_value(value)
    if isinstance(value, list):
        value = cell_text(value)
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
    return value


def render(document: Document) -> bytes:
    """A workbook with one sheet per table of the document (other blocks are left out)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from qualcode.formats.exports import cell_text, is_numeric

    book = Workbook(write_only=True)
    book.properties.title = document.title
    book.properties.creator = "qualcode"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8ECF2")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for table, name in zip(document.tables, sheet_names(document.tables), strict=True):
        sheet = book.create_sheet(name)
        frame = table.frame
        columns = [str(c) for c in frame.columns]
        sample = frame.head(200)
        widths = []
        for column in frame.columns:
            longest = max([len(str(column))] + [len(cell_text(v)) for v in sample[column]])
            widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        if len(frame) and columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font, cell.fill = header_font, header_fill
            header.append(cell)
        sheet.append(header)
        percent = [c in table.percent for c in columns]
        numeric = [is_numeric(frame, c) for c in frame.columns]
        wide = [w >= MAX_WIDTH for w in widths]
        for row in frame.itertuples(index=False):
            cells = []
            for value, pct, num, long in zip(row, percent, numeric, wide, strict=True):
                cell = WriteOnlyCell(sheet, value=_value(value))
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, not a formula
                if pct:
                    cell.number_format = "0.0%"
                elif num and isinstance(cell.value, float):
                    cell.number_format = "0.0###"
                cell.alignment = wrap if long else top
                cells.append(cell)
            sheet.append(cells)
    if not document.tables:
        book.create_sheet("empty")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
