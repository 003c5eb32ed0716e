"""SRT subtitles: numbered cues whose text may start with ``Name:``; same-speaker cues merge."""

from __future__ import annotations

import re

from qualcode.errors import InputError
from qualcode.formats.decoding import decode_text
from qualcode.formats.turns import join_turns
from qualcode.formats.webvtt import check_timings, merge_cues
from qualcode.model import ParsedTranscript

NAME = "srt"
EXTENSIONS = (".srt",)
_TIMING = re.compile(
    r"^\d{1,2}:[0-5]\d:[0-5]\d[,.]\d{1,3}\s+-->\s+\d{1,2}:[0-5]\d:[0-5]\d[,.]\d{1,3}(?:\s+.*)?$"
)


def parse(data: bytes, filename: str) -> ParsedTranscript:
    """Parse an SRT file into speaker turns."""
    return parse_text(decode_text(data, filename), filename)


def parse_text(text: str, filename: str) -> ParsedTranscript:
    import srt

    check_timings(text, filename, _TIMING, "00:01:02,500 --> 00:01:04,000")
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        raise InputError(
            f"{filename}:{line}: not a valid SRT cue", "check the cue number and timing"
        ) from exc
    if not subtitles:
        raise InputError(f"{filename}: no subtitles found", "check that this is an SRT file")
    cues = [("", sub.content, sub.start.total_seconds()) for sub in subtitles if sub.content.strip()]
    return join_turns(merge_cues(cues, filename), NAME)
