"""Word export: headings, tables in the Table Grid style, charts as pictures, quotes in the Quote style."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from qualcode.errors import InputError

if TYPE_CHECKING:
    from qualcode.formats.exports import Document, Table

NAME = "docx"
MAX_COLUMNS = 30  # wider than this cannot be read on a page
MAX_ROWS = 5000  # python-docx builds tables cell by cell; past this a spreadsheet serves better
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value: str) -> str:
    return _ILLEGAL.sub("", value)


def _add_table(doc: Any, table: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from qualcode.formats.exports import cell_text, is_numeric

    frame = table.frame
    columns = list(frame.columns)
    if len(columns) > MAX_COLUMNS or len(frame) > MAX_ROWS:
        raise InputError(
            f"table {table.title or table.key!r} is too large for a Word table "
            f"({len(frame)} rows, {len(columns)} columns; at most {MAX_ROWS} rows and {MAX_COLUMNS} columns)",
            "export it as xlsx or csv, or narrow it (e.g. --by role instead of --by case)",
        )
    if table.title:
        caption = doc.add_paragraph()
        caption.add_run(_text(table.title)).bold = True
    grid = doc.add_table(rows=len(frame) + 1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    numeric = [is_numeric(frame, c) for c in columns]
    rows = grid.rows
    for cell, column, num in zip(rows[0].cells, columns, numeric, strict=True):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(_text(str(column)))
        run.bold = True
        run.font.size = Pt(9)
        if num:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for r, values in enumerate(frame.itertuples(index=False), start=1):
        for cell, column, value, num in zip(rows[r].cells, columns, values, numeric, strict=True):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(_text(cell_text(value, str(column) in table.percent)))
            run.font.size = Pt(9)
            if num:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.note:
        doc.add_paragraph(_text(table.note)).runs[0].italic = True
    else:
        doc.add_paragraph()


def render(document: Document) -> bytes:
    """The whole document as a .docx file."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    from qualcode.formats.exports import Figure, Heading, Paragraph, Quote, Table

    doc = WordDocument()
    doc.core_properties.title = document.title
    doc.core_properties.author = "qualcode"
    doc.add_heading(_text(document.title), 0)
    if document.generated:
        doc.add_paragraph().add_run(_text(document.generated)).italic = True
    for block in document.blocks:
        if isinstance(block, Heading):
            doc.add_heading(_text(block.text), min(block.level, 9))
        elif isinstance(block, Paragraph):
            doc.add_paragraph(_text(block.text))
        elif isinstance(block, Table):
            _add_table(doc, block)
        elif isinstance(block, Figure):
            doc.add_picture(io.BytesIO(block.chart.png()), width=Inches(6.3))
            caption = doc.add_paragraph()
            caption.add_run(_text(block.title)).bold = True
            if block.caption:
                caption.add_run(" " + _text(block.caption)).italic = True
        elif isinstance(block, Quote):
            if block.context:
                doc.add_paragraph(_text(f"… {block.context} …"), style="Quote")
            doc.add_paragraph(_text(f"“{block.text}”"), style="Quote")
            doc.add_paragraph(_text(f"— {block.attribution}")).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
