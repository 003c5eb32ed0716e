"""Finding speaker turns in text laid out as ``Name: words`` lines, shared by the text-like importers.

Recognised labels: ``Name:``, ``NAME:``, ``**Name:**``, ``[Name]``, ``Name (00:01:02):``, ``Name [01:02]:``,
``[00:01:02] Name:``, and a label alone on its line with the words below it (Rev, MAXQDA PDFs). A turn's
span covers its words, never its label; unlabelled lines continue the turn above them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches

from qualcode.errors import InputError
from qualcode.model import ParsedTranscript, Span, Turn

_TS = r"\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?"
_VALID_TS = re.compile(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?(?:[.,](\d{1,3}))?$")
_NAME = r"[A-Z\u00C0-\u024F][\w.'’\- ]{0,40}?"
_LABEL = re.compile(
    r"^(?:[\[(](?P<lead_ts>[^\])]*\d[^\])]*)[\])]\s+)?"  # [00:01:02] before the name
    r"(?:\*\*|__)?(?P<name>" + _NAME + r")(?:\*\*|__)?"
    r"(?:\s*[\[(](?P<paren>[^\])]{1,40})[\])])?"  # (00:01:02) or (nurse) after the name
    r"\s*(?:\*\*|__)?:(?:\*\*|__)?(?:[ \t]+|$)(?P<rest>.*)$"
)
_BRACKET = re.compile(r"^\[(?P<name>" + _NAME + r")\]:?(?:[ \t]+|$)(?P<rest>.*)$")
_LOOKS_LIKE_TS = re.compile(r"^[\d:.,]+$")
# Roles so common that one occurrence is enough to trust a label.
_ROLE_WORDS = re.compile(
    r"^(interviewer|interviewee|participant|respondent|facilitator|moderator|therapist|client|"
    r"speaker ?\d*|p\d+|i|r|q|a|int|resp)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """A speaker label found at the start of a line."""

    speaker: str
    time: float | None
    rest_offset: int  # where the words after the label start, within the line
    time_error: str | None = None  # a malformed timestamp: an error only if the label names a speaker


def parse_timestamp(raw: str, where: str) -> float:
    """Seconds from ``HH:MM:SS``, ``MM:SS`` or either with a fraction.

    Raises:
        InputError: naming ``where`` if the timestamp is malformed.
    """
    match = _VALID_TS.match(raw.strip())
    if match is None:
        raise InputError(
            f"{where}: malformed timestamp {raw.strip()!r}",
            "timestamps look like 01:02:03, 1:02 or 00:01:02.500; fix it or remove it",
        )
    a, b, c, frac = match.groups()
    seconds = int(a) * 3600 + int(b) * 60 + int(c) if c is not None else int(a) * 60 + int(b)
    return seconds + (float("0." + frac) if frac else 0.0)


def match_label(line: str, where: str) -> LabelMatch | None:
    """The speaker label at the start of ``line``, if it has one.

    A malformed timestamp is noted in ``time_error`` rather than raised: ``Meeting (2:30pm):`` in the
    middle of a turn is talk, and only a label that turns out to name a speaker makes it an error.
    """
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    m = _LABEL.match(stripped)
    if m is not None:
        name = m.group("name").strip()
        time: float | None = None
        error: str | None = None
        for raw in (m.group("lead_ts"), m.group("paren")):
            if raw is None:
                continue
            if _LOOKS_LIKE_TS.match(raw.strip()) or re.search(_TS, raw):
                try:
                    time = parse_timestamp(raw, where)
                except InputError as exc:
                    error = exc.message
            else:
                name = f"{name} ({raw.strip()})"
        return LabelMatch(name, time, indent + m.start("rest"), error)
    b = _BRACKET.match(stripped)
    if b is not None:
        return LabelMatch(b.group("name").strip(), None, indent + b.start("rest"))
    return None


def trusted_speakers(labels: list[str]) -> set[str]:
    """Labels that really name speakers: used twice or more, a common interview role, or a slip for one.

    A one-off ``Particpant:`` among ``Participant:`` labels is a typo to keep as a turn, unlike a one-off
    ``Note:``; the names must be nearly the same (a difflib similarity of 0.85 or more).
    """
    counts = Counter(labels)
    trusted = {name for name, n in counts.items() if n >= 2 or _ROLE_WORDS.match(name)}
    slips = {
        name for name in counts if name not in trusted and get_close_matches(name, trusted, n=1, cutoff=0.85)
    }
    return trusted | slips


def build_turns(
    text: str,
    source_format: str,
    filename: str,
    matcher: Callable[[str, str], LabelMatch | None] = match_label,
) -> ParsedTranscript:
    """Split normalised text into speaker turns.

    Lines before the first labelled line (a ``#`` header, a title) belong to no turn. A text with no
    speaker labels at all becomes one unlabelled turn per paragraph.

    Args:
        text: Normalised text.
        source_format: Format name recorded with the transcript.
        filename: For messages.
        matcher: Finds a label at the start of a line; the default knows the common text layouts.
    """
    found: list[tuple[int, LabelMatch]] = []
    for number, line in enumerate(text.split("\n")):
        if line and not line.isspace():  # a blank line holds no label, whatever the matcher
            label = matcher(line, f"{filename}:{number + 1}")
            if label is not None:
                found.append((number, label))
    names = [label.speaker for _, label in found]
    speakers = trusted_speakers(names)
    labelled = {number: label for number, label in found if label.speaker in speakers}
    for label in labelled.values():
        if label.time_error is not None:
            raise InputError(
                label.time_error, "timestamps look like 01:02:03, 1:02 or 00:01:02.500; fix it or remove it"
            )
    # A one-off label stays talk ("Note: ..."), but if it named a speaker their words now count for the
    # speaker above: list each such line, as the Otter importer does, so the import report shows them.
    unsure = tuple(
        f"{filename}:{number + 1}: {label.speaker!r} labels only this line, so it is kept as words of the turn "
        f"above; if {label.speaker} speaks here, those words are credited to the speaker above"
        for number, label in found
        if number not in labelled and labelled
    )
    return turns_at_labels(text, labelled, source_format, filename, unsure)


def turns_at_labels(
    text: str,
    labelled: dict[int, LabelMatch],
    source_format: str,
    filename: str,
    warnings: tuple[str, ...] = (),
) -> ParsedTranscript:
    """Turns opened by the labels on the given lines (numbered from 0); other lines continue the turn above.

    Lines before the first label belong to no turn. With no labels at all, each paragraph is a turn.
    """
    if not labelled:
        return ParsedTranscript(
            text,
            _paragraph_turns(text),
            source_format,
            (*warnings, f"{filename}: no speaker labels found; each paragraph is a turn"),
        )
    turns: list[Turn] = []
    current: tuple[str, float | None, int | None, int] | None = None  # speaker, time, start, end

    def close() -> None:
        if current is not None and current[2] is not None:
            turns.append(Turn(len(turns), current[0], Span(current[2], current[3]), current[1]))

    offset = 0
    for number, line in enumerate(text.split("\n")):
        line_start, offset = offset, offset + len(line) + 1
        if not line or line.isspace():
            continue  # blank lines neither open nor extend a turn
        label = labelled.get(number)
        if label is not None:
            close()
            start = line_start + label.rest_offset
            words = line[label.rest_offset :]
            if words.strip():
                start += len(words) - len(words.lstrip())
                current = (label.speaker, label.time, start, line_start + len(line.rstrip()))
            else:
                current = (label.speaker, label.time, None, 0)
        elif current is not None:
            first = line_start + len(line) - len(line.lstrip())
            start = current[2] if current[2] is not None else first
            current = (current[0], current[1], start, line_start + len(line.rstrip()))
    close()
    return ParsedTranscript(text, tuple(turns), source_format, warnings)


def _paragraph_turns(text: str) -> tuple[Turn, ...]:
    turns: list[Turn] = []
    for match in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        chunk = match.group(0)
        if not chunk.strip() or (not turns and chunk.lstrip().startswith("#")):
            continue
        start = match.start() + len(chunk) - len(chunk.lstrip())
        end = match.start() + len(chunk.rstrip())
        turns.append(Turn(len(turns), "", Span(start, end)))
    return tuple(turns)


def join_turns(parts: list[tuple[str, str, float | None]], source_format: str) -> ParsedTranscript:
    """Lay out (speaker, words, time) triples as ``Speaker: words`` paragraphs and point turns into them.

    Used by importers whose source is not plain text (subtitles, Word tables), so the stored text reads
    like a transcript and each turn's span covers exactly its words.
    """
    chunks: list[str] = []
    turns: list[Turn] = []
    position = 0
    for speaker, words, time in parts:
        words = words.strip()
        if not words:
            continue
        prefix = f"{speaker}: " if speaker else ""
        start = position + len(prefix)
        chunks.append(prefix + words)
        turns.append(Turn(len(turns), speaker, Span(start, start + len(words)), time))
        position += len(prefix) + len(words) + 2
    return ParsedTranscript("\n\n".join(chunks) + "\n", tuple(turns), source_format)
