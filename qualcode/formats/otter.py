"""Otter.ai text exports: a ``Name  0:13`` line, then that speaker's words on the lines below.

Otter mostly puts two spaces between the name and the time, but now and then one (``Name 0:13``,
``Name 1:02:03``) in the same file. The two-space lines cannot be mistaken for talk; the speakers they name
are this file's speakers, and a one-space line opens a turn only for one of them. Every other line that
looks like a speaker line is kept as words and listed in the warnings, so the import report shows it.
A header block (``SUMMARY KEYWORDS``, the keywords, ``SPEAKERS``, the names) before the first speaker line
belongs to no turn.
"""

from __future__ import annotations

import re

from qualcode.errors import InputError
from qualcode.formats.decoding import decode_text
from qualcode.formats.turns import LabelMatch, parse_timestamp, turns_at_labels
from qualcode.model import ParsedTranscript

NAME = "otter"
EXTENSIONS: tuple[str, ...] = ()  # Otter exports are .txt: told apart from plain text by sniffing
_HEADER = re.compile(r"^(?P<name>\S.{0,60}?)\s{2,}(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
_ONE_SPACE = re.compile(r"^(?P<name>\S.{0,60}?) (?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
# A one-space line of someone who is not a speaker here is doubtful only if it reads like a name: a few
# words, no sentence punctuation ("... met me at 9:30" ending a line of talk is just words).
_NAME_LIKE = re.compile(r"^[^\W\d_][^,;:!?\"“”()]{0,39}$")
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


def parse(data: bytes, filename: str) -> ParsedTranscript:
    """Parse an Otter.ai transcript export."""
    return parse_text(decode_text(data, filename), filename)


def parse_text(text: str, filename: str) -> ParsedTranscript:
    return turns_of_otter_text(text, filename, NAME)


def turns_of_otter_text(text: str, filename: str, source_format: str) -> ParsedTranscript:
    """Turns of text in Otter's layout, listing every line that looked like a speaker line but was not.

    Shared with the .docx importer, which lays out an Otter Word export as Otter's text export.

    Raises:
        InputError: for a malformed time on a two-space speaker line.
    """
    lines = text.split("\n")
    labelled: dict[int, LabelMatch] = {}
    for number, line in enumerate(lines):
        header = _HEADER.match(line)
        if header is not None:
            time = parse_timestamp(header.group("ts"), f"{filename}:{number + 1}")
            labelled[number] = LabelMatch(header.group("name").strip(), time, len(line))
    speakers = {label.speaker for label in labelled.values()}
    warnings: list[str] = []
    for number, line in enumerate(lines):
        loose = _ONE_SPACE.match(line) if number not in labelled else None
        if loose is None:
            continue
        name, where = loose.group("name").strip(), f"{filename}:{number + 1}"
        if name not in speakers:
            if _NAME_LIKE.match(name) and len(name.split()) <= 4:
                warnings.append(
                    f"{where}: {line.strip()!r} looks like a speaker line but {name!r} is not a speaker in "
                    "this file; kept as words"
                )
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if not following.strip():
            warnings.append(
                f"{where}: {line.strip()!r} looks like a speaker line but no words follow it; kept as words"
            )
            continue
        try:
            time = parse_timestamp(loose.group("ts"), where)
        except InputError:
            warnings.append(
                f"{where}: {line.strip()!r} looks like a speaker line but its time is malformed; kept as words"
            )
            continue
        labelled[number] = LabelMatch(name, time, len(line))
    return turns_at_labels(text, labelled, source_format, filename, tuple(warnings))
