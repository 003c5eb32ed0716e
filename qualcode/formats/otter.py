"""Otter.ai text exports: a ``Name  0:13`` line, then that speaker's words on the lines below."""

from __future__ import annotations

import re

from qualcode.formats.decoding import decode_text
from qualcode.formats.turns import LabelMatch, build_turns, parse_timestamp
from qualcode.model import ParsedTranscript

NAME = "otter"
EXTENSIONS: tuple[str, ...] = ()  # Otter exports are .txt: told apart from plain text by sniffing
_HEADER = re.compile(r"^(?P<name>\S.{0,60}?)\s{2,}(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$")


def sniff(text: str) -> bool:
    """Whether text looks like an Otter export: at least two header lines, each followed by words."""
    lines = text.split("\n")
    return sum(1 for i, line in enumerate(lines[:-1]) if _HEADER.match(line) and lines[i + 1].strip()) >= 2


def _match_header(line: str, where: str) -> LabelMatch | None:
    header = _HEADER.match(line)
    if header is None:
        return None
    return LabelMatch(header.group("name").strip(), parse_timestamp(header.group("ts"), where), len(line))


def parse(data: bytes, filename: str) -> ParsedTranscript:
    """Parse an Otter.ai transcript export."""
    return parse_text(decode_text(data, filename), filename)


def parse_text(text: str, filename: str) -> ParsedTranscript:
    return build_turns(text, NAME, filename, _match_header, trust_all=True)
