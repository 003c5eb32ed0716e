"""Otter.ai text exports: a ``Name  0:13`` line, then that speaker's words on the lines below."""

from __future__ import annotations

import re

from qualcode.formats.decoding import decode_text
from qualcode.formats.turns import LabelMatch, build_turns, parse_timestamp
from qualcode.model import ParsedTranscript

NAME = "otter"
EXTENSIONS: tuple[str, ...] = ()  # Otter exports are .txt: told apart from plain text by sniffing
_HEADER = re.compile(r"^(?P<name>\S.{0,60}?)\s{2,}(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
# _HEADER on a line of its own, followed by a line with words: one scan of the text instead of a match per
# line (white space here never crosses a line end, as it cannot within one line).
_HEADER_THEN_WORDS = re.compile(
    r"^\S.{0,60}?[^\S\n]{2,}\d{1,2}:\d{2}(?::\d{2})?[^\S\n]*$(?=\n[^\S\n]*\S)", re.MULTILINE
)


# Where a header could end: a timestamp closing its line before a line with words. It starts with a colon,
# which the regex engine skips to, so only those lines are checked in full.
_TIME_THEN_WORDS = re.compile(r":\d{2}(?::\d{2})?[^\S\n]*(?=\n[^\S\n]*\S)")


def sniff(text: str) -> bool:
    """Whether text looks like an Otter export: at least two header lines, each followed by words."""
    found = 0
    for end in _TIME_THEN_WORDS.finditer(text):  # at most one a line: each stops at its line's end
        if _HEADER_THEN_WORDS.match(text, text.rfind("\n", 0, end.start()) + 1):
            found += 1
            if found == 2:
                return True
    return False


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
