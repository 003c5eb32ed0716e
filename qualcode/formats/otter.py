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
from itertools import pairwise

from qualcode.errors import InputError
from qualcode.formats.decoding import decode_text
from qualcode.formats.turns import LabelMatch, parse_timestamp, turns_at_labels
from qualcode.model import ParsedTranscript

NAME = "otter"
EXTENSIONS: tuple[str, ...] = ()  # Otter exports are .txt: told apart from plain text by sniffing
_HEADER = re.compile(r"^(?P<name>\S.{0,60}?)\s{2,}(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
_ONE_SPACE = re.compile(r"^(?P<name>\S.{0,60}?) (?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
_TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
# A name and a time that a tab or two spaces set apart, in a Word paragraph.
_NAME_TAB_TIME = re.compile(r"^(?P<name>\S.{0,60}?)(?:[ ]*\t\s*|[ ]{2,})(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)$")
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
            if _name_like(name):
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


def lay_out_paragraphs(paragraphs: list[tuple[str, list[str]]]) -> str | None:
    """Word paragraphs of an Otter export laid out as Otter's .txt export, or None if they are not one.

    Otter's .docx puts each turn's speaker and time in one paragraph (two spaces or a tab between them, or
    the time in a run of its own) or in two paragraphs, and the words in the paragraphs below. Each header
    becomes a ``Name  0:13`` line after a blank line and each paragraph of words a line, so that
    :func:`turns_of_otter_text` reads both exports alike.

    Args:
        paragraphs: Each paragraph's text and the texts of its runs.
    """
    kinds: list[tuple[str, str]] = []  # ("header" | "time" | "words", line)
    for text, runs in paragraphs:
        text = text.strip()
        if not text:
            continue  # Otter's empty paragraphs between turns
        split = _NAME_TAB_TIME.match(text)
        header = (split.group("name"), split.group("ts")) if split else _run_header(text, runs)
        if header is not None:
            kinds.append(("header", f"{header[0]}  {header[1]}"))
        elif _TIME_ONLY.match(text) and kinds and kinds[-1][0] == "words" and _name_like(kinds[-1][1]):
            kinds[-1] = ("header", f"{kinds[-1][1]}  {text}")  # the name's paragraph, then the time's
        else:
            kinds.append(("words", " ".join(text.split("\n"))))
    followed = sum(kind == "header" and after == "words" for (kind, _), (after, _) in pairwise(kinds))
    if followed < 2:
        return None
    lines: list[str] = []
    for kind, line in kinds:
        if lines and (kind == "header" or _ONE_SPACE.match(line)):
            lines.append("")  # as in the .txt export: a blank line before each speaker line
        lines.append(line)
    return "\n".join(lines) + "\n"


def _run_header(text: str, runs: list[str]) -> tuple[str, str] | None:
    """A name and the time in a run of its own straight after it (``Jane Doe`` ``00:13``), if so."""
    filled = [run for run in runs if run.strip()]
    if len(filled) < 2 or "".join(runs).strip() != text or not _TIME_ONLY.match(filled[-1].strip()):
        return None
    name = text[: len(text) - len(filled[-1].strip())]
    if name != name.rstrip() or not name.strip() or len(name) > 60:
        return None  # one space between: the one-space rule decides, as it does for the .txt
    return name.strip(), filled[-1].strip()


def _name_like(text: str) -> bool:
    return bool(_NAME_LIKE.match(text)) and len(text.split()) <= 4
