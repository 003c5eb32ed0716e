"""Importers and exporters, one module per format, behind a registry that the CLI and the TUI read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import InputError
from qualcode.formats import otter, pdf, subrip, text, webvtt, word
from qualcode.formats.decoding import decode_text
from qualcode.model import ParsedTranscript


@dataclass(frozen=True, slots=True)
class TranscriptFormat:
    """One importable transcript format."""

    name: str
    description: str
    extensions: tuple[str, ...]
    parse: Callable[[bytes, str], ParsedTranscript]


TRANSCRIPT_FORMATS: dict[str, TranscriptFormat] = {
    f.name: f
    for f in (
        TranscriptFormat(
            text.NAME,
            "plain text or Markdown with Name: speaker labels (Rev too)",
            text.EXTENSIONS,
            text.parse,
        ),
        TranscriptFormat(
            otter.NAME, "Otter.ai text export (Name  0:13 lines)", otter.EXTENSIONS, otter.parse
        ),
        TranscriptFormat(webvtt.NAME, "WebVTT captions (Zoom, Teams)", webvtt.EXTENSIONS, webvtt.parse),
        TranscriptFormat(subrip.NAME, "SRT subtitles", subrip.EXTENSIONS, subrip.parse),
        TranscriptFormat(
            word.NAME, "Word .docx (paragraph per turn, or a speaker table)", word.EXTENSIONS, word.parse
        ),
        TranscriptFormat(pdf.NAME, "PDF with a text layer (MAXQDA, Word exports)", pdf.EXTENSIONS, pdf.parse),
    )
}


def detect_format(path: Path, data: bytes) -> TranscriptFormat:
    """The format of a transcript file, from its extension and, for text files, its content."""
    suffix = path.suffix.lower()
    for fmt in TRANSCRIPT_FORMATS.values():
        if suffix in fmt.extensions and fmt.name not in ("text",):
            return fmt
    if data.lstrip()[:5].startswith(b"%PDF-"):
        return TRANSCRIPT_FORMATS["pdf"]
    if data[:4] == b"PK\x03\x04":
        return TRANSCRIPT_FORMATS["docx"]
    content = decode_text(data, str(path))
    if webvtt.sniff(content):
        return TRANSCRIPT_FORMATS["vtt"]
    if otter.sniff(content):
        return TRANSCRIPT_FORMATS["otter"]
    return TRANSCRIPT_FORMATS["text"]


def parse_transcript(path: Path, data: bytes, format_name: str = "auto") -> ParsedTranscript:
    """Parse a transcript file's bytes with the named format, or the detected one for ``auto``.

    Raises:
        InputError: for an unknown format name or a file the format cannot read.
    """
    if format_name == "auto":
        fmt = detect_format(path, data)
    elif format_name in TRANSCRIPT_FORMATS:
        fmt = TRANSCRIPT_FORMATS[format_name]
    else:
        raise InputError(
            f"unknown format {format_name!r}", f"use one of: auto, {', '.join(TRANSCRIPT_FORMATS)}"
        )
    parsed = fmt.parse(data, str(path))
    if not parsed.turns:
        raise InputError(f"{path}: no transcript text found", "check that the file holds the interview")
    return parsed
