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
    parse_text: Callable[[str, str], ParsedTranscript] | None = None  # for formats that are text


TRANSCRIPT_FORMATS: dict[str, TranscriptFormat] = {
    f.name: f
    for f in (
        TranscriptFormat(
            text.NAME,
            "plain text or Markdown with Name: speaker labels (Rev too)",
            text.EXTENSIONS,
            text.parse,
            text.parse_text,
        ),
        TranscriptFormat(
            otter.NAME,
            "Otter.ai text export (Name  0:13 lines)",
            otter.EXTENSIONS,
            otter.parse,
            otter.parse_text,
        ),
        TranscriptFormat(
            webvtt.NAME, "WebVTT captions (Zoom, Teams)", webvtt.EXTENSIONS, webvtt.parse, webvtt.parse_text
        ),
        TranscriptFormat(subrip.NAME, "SRT subtitles", subrip.EXTENSIONS, subrip.parse, subrip.parse_text),
        TranscriptFormat(
            word.NAME, "Word .docx (paragraph per turn, or a speaker table)", word.EXTENSIONS, word.parse
        ),
        TranscriptFormat(pdf.NAME, "PDF with a text layer (MAXQDA, Word exports)", pdf.EXTENSIONS, pdf.parse),
    )
}


def _without_reading(path: Path, data: bytes) -> TranscriptFormat | None:
    """The format when the extension or the file's first bytes settle it; None for text of some kind."""
    suffix = path.suffix.lower()
    for fmt in TRANSCRIPT_FORMATS.values():
        if fmt.name != "text" and suffix in fmt.extensions:
            return fmt
    if data.lstrip()[:5].startswith(b"%PDF-"):
        return TRANSCRIPT_FORMATS["pdf"]
    if data[:4] == b"PK\x03\x04":
        return TRANSCRIPT_FORMATS["docx"]
    return None


def _by_content(text: str) -> TranscriptFormat:
    if webvtt.sniff(text):
        return TRANSCRIPT_FORMATS["vtt"]
    if otter.sniff(text):
        return TRANSCRIPT_FORMATS["otter"]
    return TRANSCRIPT_FORMATS["text"]


def detect_format(path: Path, data: bytes) -> TranscriptFormat:
    """The format of a transcript file, from its extension and, for text files, its content."""
    return _without_reading(path, data) or _by_content(decode_text(data, str(path)))


def parse_transcript(path: Path, data: bytes, format_name: str = "auto") -> ParsedTranscript:
    """Parse a transcript file's bytes with the named format, or the detected one for ``auto``.

    Raises:
        InputError: for an unknown format name or a file the format cannot read.
    """
    if format_name == "auto":
        fmt = _without_reading(path, data)
        if fmt is None:
            text = decode_text(data, str(path))  # decoded once, for telling layouts apart and for parsing
            fmt = _by_content(text)
            assert fmt.parse_text is not None
            parsed = fmt.parse_text(text, str(path))
        else:
            parsed = fmt.parse(data, str(path))
    elif format_name in TRANSCRIPT_FORMATS:
        parsed = TRANSCRIPT_FORMATS[format_name].parse(data, str(path))
    else:
        raise InputError(
            f"{path}: unknown format {format_name!r}", f"use one of: auto, {', '.join(TRANSCRIPT_FORMATS)}"
        )
    if not parsed.turns:
        raise InputError(f"{path}: no transcript text found", "check that the file holds the interview")
    return parsed
