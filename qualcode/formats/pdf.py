"""Text PDFs (MAXQDA and Word exports): page headers, footers and paragraph numbers go; lines re-join."""

from __future__ import annotations

import io
import re
from collections import Counter

from qualcode.errors import InputError
from qualcode.formats.turns import build_turns, match_label
from qualcode.model import ParsedTranscript

NAME = "pdf"
EXTENSIONS = (".pdf",)
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE)
_PARAGRAPH_NUMBER = re.compile(r"^\d{1,4}$")


def parse(data: bytes, filename: str) -> ParsedTranscript:
    """Parse a PDF's text layer into speaker turns."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise InputError(
            f"{filename}: not a PDF file (no %PDF- header)", "check the file, or pick the right --format"
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(
                f"{filename}: the PDF is password-protected", "export it again without a password"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise InputError(
            f"{filename}: the PDF cannot be read ({exc})", "export it again from its program"
        ) from exc
    if not any(page.strip() for page in pages):
        raise InputError(
            f"{filename}: the PDF has no text layer (a scan?)",
            "run OCR on it first, or import the transcript as .docx or .txt",
        )
    lines = _body_lines(pages)
    return build_turns(_join_paragraphs(lines, filename), NAME, filename)


def _clean(line: str) -> str:
    return " ".join(line.replace("\t", " ").split())


def _body_lines(pages: list[str]) -> list[str]:
    """All pages' lines without running headers, footers, page numbers or paragraph numbers."""
    page_lines = [[_clean(line) for line in page.split("\n")] for page in pages]
    page_lines = [[line for line in lines if line] for lines in page_lines]
    # A line that opens or closes most pages (digits aside) is a running header or footer; on a two-page
    # PDF that means both pages.
    edges: Counter[str] = Counter()
    for lines in page_lines:
        for line in {*lines[:2], *lines[-2:]}:
            if (
                match_label(line, "") is None
            ):  # a page often starts with a speaker; that is talk, not a header
                edges[re.sub(r"\d+", "#", line)] += 1
    repeated = {key for key, n in edges.items() if n >= max(2, len(pages) * 0.6)}
    out: list[str] = []
    for lines in page_lines:
        for i, line in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and (re.sub(r"\d+", "#", line) in repeated or _PAGE_NUMBER.match(line)):
                continue
            if _PARAGRAPH_NUMBER.match(line):
                continue
            out.append(line)
    return out


def _join_paragraphs(lines: list[str], filename: str) -> str:
    """Re-join lines wrapped by the PDF layout; a speaker label starts a new paragraph."""
    paragraphs: list[str] = []
    for number, line in enumerate(lines, start=1):
        label = match_label(line, f"{filename}: text line {number}")
        if label is not None or not paragraphs:
            paragraphs.append(line)
        elif paragraphs[-1].endswith("-") and line[:1].islower():
            # Keep the hyphen: "two-way" split at the line end is far commoner in talk than hyphenation.
            paragraphs[-1] += line
        elif paragraphs[-1].rstrip().endswith(":") and match_label(paragraphs[-1], filename):
            paragraphs[-1] = paragraphs[-1].rstrip() + " " + line
        else:
            paragraphs[-1] += " " + line
    return "\n\n".join(paragraphs) + "\n"
