"""Plain text and Markdown transcripts with speaker labels (also Rev-style exports)."""

from __future__ import annotations

from qualcode.formats.decoding import decode_text
from qualcode.formats.turns import build_turns
from qualcode.model import ParsedTranscript

NAME = "text"
EXTENSIONS = (".txt", ".md", ".markdown", ".text")


def parse(data: bytes, filename: str) -> ParsedTranscript:
    """Parse a speaker-labelled text transcript."""
    return parse_text(decode_text(data, filename), filename)


def parse_text(text: str, filename: str) -> ParsedTranscript:
    return build_turns(text, NAME, filename)
