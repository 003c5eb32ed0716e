"""Word .docx transcripts: a paragraph per turn (bold or plain ``Name:`` labels), a speaker/words table,
or Otter.ai's Word export (a ``Name  0:13`` paragraph, then the words), read as Otter's .txt export is."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from qualcode.errors import InputError
from qualcode.formats.otter import lay_out_paragraphs, turns_of_otter_text
from qualcode.formats.turns import build_turns
from qualcode.model import ParsedTranscript

NAME = "docx"
EXTENSIONS = (".docx",)
_HEADINGS = {"speaker", "name", "who", "time", "text", "words", "transcript", "utterance"}


def parse(data: bytes, filename: str) -> ParsedTranscript:
    """Parse a .docx transcript; its paragraphs become the stored text, one blank line apart."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(
            f"{filename}: not a .docx file (a .docx is a zip archive; this is not one)",
            "save it from Word as .docx, or pick the right --format",
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a zip that is not a Word document
        raise InputError(f"{filename}: not a Word document ({exc})", "save it from Word as .docx") from exc
    blocks = list(document.iter_inner_content())
    texts = [(b.text, [r.text for r in b.runs]) for b in blocks if isinstance(b, Paragraph)]
    if len(texts) == len(blocks):  # Otter's export has no tables
        otter = lay_out_paragraphs(texts)
        if otter is not None:  # an Otter.ai Word export: read as its .txt export is, times and all
            return turns_of_otter_text(otter, filename, NAME)
    paragraphs: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraphs.append(_paragraph_text(block))
        elif isinstance(block, Table):
            paragraphs.extend(_table_turns(block))
    text = "\n\n".join(p for p in paragraphs if p.strip()) + "\n"
    if not text.strip():
        raise InputError(f"{filename}: the document has no text", "check that it is the right file")
    return build_turns(text, NAME, filename)


def _paragraph_text(paragraph: Any) -> str:
    """The paragraph's text, with a bold leading speaker name given the colon a label needs."""
    text = " ".join(paragraph.text.split("\n")).strip()
    runs = [r for r in paragraph.runs if r.text]
    bold = ""
    for run in runs:
        if not run.bold:
            break
        bold += run.text
    label = bold.strip()
    if (
        label
        and len(label) <= 40
        and not label.endswith(":")
        and text.startswith(label)
        and len(text) > len(label)
    ):
        return f"{label}: {text[len(bold) :].strip()}"
    return text


def _table_turns(table: Any) -> list[str]:
    """Rows of a transcript table: the first cell names the speaker, the last holds the words."""
    out: list[str] = []
    for number, row in enumerate(table.rows):
        cells = [c.text.strip() for c in row.cells]
        if number == 0 and all(c.lower().rstrip(":") in _HEADINGS for c in cells if c):
            continue  # a heading row (Speaker | Text) names the columns; it is no one's turn
        if len(cells) >= 2 and cells[0] and cells[-1]:
            out.append(f"{cells[0].rstrip(':')}: {' '.join(cells[-1].split())}")
        elif any(cells):
            out.append(" ".join(c for c in cells if c))
    return out
