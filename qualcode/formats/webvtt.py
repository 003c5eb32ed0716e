"""WebVTT captions (Zoom, Teams): ``<v Name>`` voice tags or ``Name:`` prefixes; same-speaker cues merge."""

from __future__ import annotations

import io
import re

from qualcode.errors import InputError
from qualcode.formats.decoding import decode_text
from qualcode.formats.turns import join_turns, match_label
from qualcode.model import ParsedTranscript

NAME = "vtt"
EXTENSIONS = (".vtt",)
_TIMING = re.compile(
    r"^(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}\s+-->\s+(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}(?:\s+.*)?$"
)


def sniff(text: str) -> bool:
    return text.lstrip().startswith("WEBVTT")


def check_timings(text: str, filename: str, timing: re.Pattern[str], example: str) -> None:
    """Refuse a caption file with a malformed cue timing line, naming the line.

    The caption libraries skip such cues silently, which would drop talk from the transcript. A line that
    starts with a digit and has an arrow (``00:01.000 -> 00:02.000`` too) is meant as a timing.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        meant_as_timing = "-->" in line or (line.lstrip()[:1].isdigit() and "->" in line)
        if meant_as_timing and not timing.match(line.strip()):
            raise InputError(
                f"{filename}:{number}: malformed cue timing {line.strip()!r}",
                f"timings look like {example}; fix the line and import again",
            )


def merge_cues(cues: list[tuple[str, str, float]], filename: str) -> list[tuple[str, str, float | None]]:
    """Give each cue its speaker (the voice tag, else a ``Name:`` prefix) and join one speaker's consecutive cues."""
    parts: list[tuple[str, str, float | None]] = []
    for speaker, cue_text, start in cues:
        words = " ".join(cue_text.split())  # joined first: a label only matches within one line
        label = match_label(words, filename)
        if label is not None and not speaker:
            speaker, words = label.speaker, words[label.rest_offset :]
        if parts and parts[-1][0] == speaker:
            parts[-1] = (speaker, parts[-1][1] + " " + words, parts[-1][2])
        else:
            parts.append((speaker, words, start))
    return parts


def parse(data: bytes, filename: str) -> ParsedTranscript:
    """Parse a WebVTT file into speaker turns."""
    return parse_text(decode_text(data, filename), filename)


def parse_text(text: str, filename: str) -> ParsedTranscript:
    import webvtt

    if not sniff(text):
        raise InputError(
            f"{filename}:1: not a WebVTT file (it does not start with WEBVTT)",
            "choose the format by hand with --format, or check the file",
        )
    check_timings(text, filename, _TIMING, "00:01:02.500 --> 00:01:04.000")
    try:
        captions = webvtt.from_buffer(io.StringIO(text)).captions
    except Exception as exc:  # the library raises its own MalformedFileError/MalformedCaptionError
        raise InputError(
            f"{filename}: not a valid WebVTT file ({exc})", "check the file, or re-export it"
        ) from exc
    cues = [
        (caption.voice or "", caption.text, _seconds(caption.start))
        for caption in captions
        if caption.text.strip()
    ]
    return join_turns(merge_cues(cues, filename), NAME)


def _seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds
