"""Otter.ai .txt exports as Otter writes them: one- and two-space speaker lines, the header block."""

from __future__ import annotations

from pathlib import Path

from qualcode.formats import detect_format, parse_transcript
from qualcode.model import ParsedTranscript

Turns = list[tuple[str, str, float | None]]

# Laid out as Otter writes it: mostly "Name  0:13", now and then "Name 0:13" in the same file, and
# "Name 1:02:03" past the hour. Names, words and times are made up.
MIXED = """\
SUMMARY KEYWORDS
day centre, support worker, advert, first weeks, peer work
SPEAKERS
Jane Doe, John Smith

Jane Doe  00:13
Thanks for coming in today. How did you come to the job?

John Smith  00:21
I saw the advert at the day centre.

Jane Doe 01:02
And how did the first weeks go?

John Smith 1:02:03
They went well, mostly. The team met me at 9:30
on the Monday and showed me round.

Dr Smith 3:02
Then the manager came in.

Jane Doe  1:03:10
Who was that?
"""


def turns_of(parsed: ParsedTranscript) -> Turns:
    for turn in parsed.turns:
        assert 0 <= turn.span.start < turn.span.end <= len(parsed.text), turn
    return [(t.speaker, t.span.of(parsed.text), t.time) for t in parsed.turns]


def _parse(content: str, name: str = "call.txt") -> ParsedTranscript:
    data = content.encode("utf-8")
    assert detect_format(Path(name), data).name == "otter"
    return parse_transcript(Path(name), data)


def test_one_space_speaker_lines_of_known_speakers_open_turns() -> None:
    parsed = _parse(MIXED)
    assert turns_of(parsed) == [
        ("Jane Doe", "Thanks for coming in today. How did you come to the job?", 13.0),
        ("John Smith", "I saw the advert at the day centre.", 21.0),
        ("Jane Doe", "And how did the first weeks go?", 62.0),
        (
            "John Smith",
            "They went well, mostly. The team met me at 9:30\non the Monday and showed me round.\n\n"
            "Dr Smith 3:02\nThen the manager came in.",
            3723.0,
        ),
        ("Jane Doe", "Who was that?", 3790.0),
    ]


def test_every_doubtful_speaker_line_is_listed_with_file_and_line() -> None:
    parsed = _parse(MIXED)
    assert parsed.warnings == (
        "call.txt:19: 'Dr Smith 3:02' looks like a speaker line but 'Dr Smith' is not a speaker in this "
        "file; kept as words",
    )  # "... met me at 9:30" ends a line and words follow, but it reads as a sentence, not a name


def test_a_known_speaker_line_with_no_words_below_it_is_listed_and_kept_as_words() -> None:
    parsed = _parse(
        "Jane Doe  0:13\nHello.\n\nJohn Smith  0:20\nHi. I wrote this down:\nJane Doe 0:13\n\nThen left.\n"
    )
    assert [t.speaker for t in parsed.turns] == ["Jane Doe", "John Smith"]
    assert parsed.turns[1].span.of(parsed.text) == "Hi. I wrote this down:\nJane Doe 0:13\n\nThen left."
    assert parsed.warnings == (
        "call.txt:6: 'Jane Doe 0:13' looks like a speaker line but no words follow it; kept as words",
    )


def test_the_summary_keywords_and_speakers_block_belongs_to_no_turn() -> None:
    parsed = _parse(MIXED)
    first = min(t.span.start for t in parsed.turns)
    assert parsed.text[:first].startswith("SUMMARY KEYWORDS\n")
    assert all("SPEAKERS" not in t.span.of(parsed.text) for t in parsed.turns)
    assert all("day centre, support worker" not in t.span.of(parsed.text) for t in parsed.turns)
    assert parsed.text == MIXED  # kept in the stored text, as the file has it


def test_a_malformed_time_on_a_one_space_line_is_listed_not_an_error() -> None:
    parsed = _parse("Jane Doe  0:13\nHello.\n\nJohn Smith  0:20\nHi.\n\nJane Doe 0:75\nAnd then?\n")
    assert [t.speaker for t in parsed.turns] == ["Jane Doe", "John Smith"]
    assert parsed.warnings == (
        "call.txt:7: 'Jane Doe 0:75' looks like a speaker line but its time is malformed; kept as words",
    )
