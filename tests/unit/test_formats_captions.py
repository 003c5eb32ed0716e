"""WebVTT (Teams voice tags, Zoom name prefixes) and SRT captions: cues become merged speaker turns."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.formats import parse_transcript
from qualcode.model import ParsedTranscript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"

Turns = list[tuple[str, str, float | None]]

# The same four turns are in teams.vtt, zoom.vtt and interview.srt; the first two cues are Jane's and merge.
EXPECTED_TURNS: Turns = [
    ("Jane Doe", "Thanks for joining. Can you hear me all right? I'll start the recording.", 83.5),
    ("John Smith", "Yes, fine.", 88.25),
    ("Jane Doe", "Good. So, how did you start?", 90.0),
    ("John Smith", "By accident, really.", 3600.0),
]
EXPECTED_TEXT = (
    "Jane Doe: Thanks for joining. Can you hear me all right? I'll start the recording.\n\n"
    "John Smith: Yes, fine.\n\n"
    "Jane Doe: Good. So, how did you start?\n\n"
    "John Smith: By accident, really.\n"
)


def turns_of(parsed: ParsedTranscript) -> Turns:
    """(speaker, covered text, time) per turn, after checking that every span lies inside the text."""
    for turn in parsed.turns:
        assert 0 <= turn.span.start < turn.span.end <= len(parsed.text), turn
    return [(t.speaker, t.span.of(parsed.text), t.time) for t in parsed.turns]


@pytest.mark.parametrize(
    ("fixture", "source_format"),
    [("teams.vtt", "vtt"), ("zoom.vtt", "vtt"), ("interview.srt", "srt")],
)
def test_caption_files_become_merged_speaker_turns(fixture: str, source_format: str) -> None:
    parsed = parse_transcript(FIXTURES / fixture, (FIXTURES / fixture).read_bytes())
    assert parsed.source_format == source_format
    assert turns_of(parsed) == EXPECTED_TURNS
    assert parsed.text == EXPECTED_TEXT


def test_a_vtt_file_named_txt_is_read_as_vtt() -> None:
    parsed = parse_transcript(Path("meeting.txt"), (FIXTURES / "teams.vtt").read_bytes())
    assert parsed.source_format == "vtt"
    assert turns_of(parsed) == EXPECTED_TURNS


def test_vtt_with_bom_crlf_and_cue_settings() -> None:
    data = (
        "\ufeffWEBVTT - Interview 3\r\nKind: captions\r\n\r\n"
        "00:00:01.000 --> 00:00:02.500 align:start position:10%\r\n<v.loud Ann>Hello.</v>\r\n\r\n"
        "00:00:02.500 --> 00:00:04.000\r\n<v Bob>Hi, Ann.</v>\r\n"
    ).encode()
    parsed = parse_transcript(Path("call.vtt"), data)
    assert turns_of(parsed) == [("Ann", "Hello.", 1.0), ("Bob", "Hi, Ann.", 2.5)]


def test_vtt_minutes_only_timings() -> None:
    data = b"WEBVTT\n\n01:23.500 --> 01:25.000\n<v Ann>Hello.</v>\n"
    assert turns_of(parse_transcript(Path("call.vtt"), data)) == [("Ann", "Hello.", 83.5)]


def test_cues_without_any_speaker_are_one_unlabelled_turn() -> None:
    data = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there.\n\n00:00:02.000 --> 00:00:03.000\nGeneral Kenobi.\n"
    parsed = parse_transcript(Path("film.vtt"), data)
    assert turns_of(parsed) == [("", "Hello there. General Kenobi.", 1.0)]
    assert parsed.text == "Hello there. General Kenobi.\n"


def test_empty_cues_are_skipped_and_do_not_split_a_turn() -> None:
    data = (
        b"1\n00:00:01,000 --> 00:00:02,000\nAnn: One.\n\n"
        b"2\n00:00:02,000 --> 00:00:03,000\n \n\n"
        b"3\n00:00:03,000 --> 00:00:04,000\nAnn: Two.\n"
    )
    assert turns_of(parse_transcript(Path("a.srt"), data)) == [("Ann", "One. Two.", 1.0)]


def test_srt_with_dot_milliseconds_and_windows_line_ends() -> None:
    data = b"1\r\n00:00:01.250 --> 00:00:02.000\r\nAnn: Hello.\r\n\r\n2\r\n00:00:02,000 --> 00:00:03,000\r\nBob: Hi.\r\n"
    assert turns_of(parse_transcript(Path("a.srt"), data)) == [("Ann", "Hello.", 1.25), ("Bob", "Hi.", 2.0)]
