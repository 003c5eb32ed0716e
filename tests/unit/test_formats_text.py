"""Plain-text, Markdown, Rev and Otter.ai transcripts: speaker labels, turn spans, times, format detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.formats import detect_format, parse_transcript
from qualcode.model import ParsedTranscript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"

Turns = list[tuple[str, str, float | None]]


def turns_of(parsed: ParsedTranscript) -> Turns:
    """(speaker, covered text, time) per turn, after checking that every span lies inside the text."""
    for turn in parsed.turns:
        assert 0 <= turn.span.start < turn.span.end <= len(parsed.text), turn
    assert [t.index for t in parsed.turns] == list(range(len(parsed.turns)))
    return [(t.speaker, t.span.of(parsed.text), t.time) for t in parsed.turns]


def parse_str(content: str, name: str = "interview.txt", format_name: str = "auto") -> ParsedTranscript:
    return parse_transcript(Path(name), content.encode("utf-8"), format_name)


WORDS = ["Hello there.", "Hi, Ann. Good to see you.", "How are you?", "Fine, thanks."]
SPEAKERS = ["Ann", "Bob", "Ann", "Bob"]


@pytest.mark.parametrize(
    ("labels", "speakers", "times"),
    [
        pytest.param(["Ann:", "Bob:", "Ann:", "Bob:"], SPEAKERS, [None] * 4, id="Name:"),
        pytest.param(["ANN:", "BOB:", "ANN:", "BOB:"], ["ANN", "BOB", "ANN", "BOB"], [None] * 4, id="NAME:"),
        pytest.param(["**Ann:**", "**Bob:**", "**Ann**:", "**Bob**:"], SPEAKERS, [None] * 4, id="**Name:**"),
        pytest.param(["[Ann]", "[Bob]", "[Ann]", "[Bob]"], SPEAKERS, [None] * 4, id="[Name]"),
        pytest.param(
            ["Ann (00:01:02):", "Bob (00:01:05.5):", "Ann (1:02:03):", "Bob (01:02:04,25):"],
            SPEAKERS,
            [62.0, 65.5, 3723.0, 3724.25],
            id="Name (00:01:02):",
        ),
        pytest.param(
            ["[00:01:02] Ann:", "[00:01:05] Bob:", "[01:00:00] Ann:", "(59:59) Bob:"],
            SPEAKERS,
            [62.0, 65.0, 3600.0, 3599.0],
            id="[00:01:02] Name:",
        ),
        pytest.param(
            ["Ann [01:02]:", "Bob [01:05]:", "Ann [2:00]:", "Bob [02:01]:"],
            SPEAKERS,
            [62.0, 65.0, 120.0, 121.0],
            id="Name [01:02]:",
        ),
        pytest.param(
            ["Mary O'Neil:", "Jean-Luc Picard:", "Mary O'Neil:", "Jean-Luc Picard:"],
            ["Mary O'Neil", "Jean-Luc Picard", "Mary O'Neil", "Jean-Luc Picard"],
            [None] * 4,
            id="names with spaces, apostrophes, hyphens",
        ),
        pytest.param(
            ["Ann (nurse):", "Bob:", "Ann (nurse):", "Bob:"],
            ["Ann (nurse)", "Bob", "Ann (nurse)", "Bob"],
            [None] * 4,
            id="a role in brackets stays in the name",
        ),
    ],
)
def test_speaker_label_layouts(labels: list[str], speakers: list[str], times: list[float | None]) -> None:
    content = "".join(f"{label} {words}\n" for label, words in zip(labels, WORDS, strict=True))
    parsed = parse_str(content)
    assert parsed.source_format == "text"
    assert parsed.warnings == ()
    assert turns_of(parsed) == list(zip(speakers, WORDS, times, strict=True))


def test_markdown_header_multi_paragraph_turn_and_a_one_off_note_label() -> None:
    parsed = parse_transcript(FIXTURES / "interview.md", (FIXTURES / "interview.md").read_bytes())
    assert parsed.source_format == "text"
    assert turns_of(parsed) == [
        ("Interviewer", "Thank you for making the time. How did you come to the role?", None),
        (
            "Sam",
            "I had used the service myself for about four years.\n\n"
            "I did not think I would get the post, to be honest.\n"
            "Note: the nurses had told me to apply.",
            None,
        ),
        ("Interviewer", "And what was the first month like?", None),
        ("Sam", "Strange. Nobody on the ward knew what I was for.", None),
    ]
    header = parsed.text.index("# Interview 3")
    assert all(not (t.span.start <= header < t.span.end) for t in parsed.turns)
    assert parsed.turns[0].span.start > parsed.text.index("\n")  # the header line belongs to no turn


def test_the_stored_text_is_the_file_text() -> None:
    data = (FIXTURES / "interview.md").read_bytes()
    assert parse_transcript(FIXTURES / "interview.md", data).text == data.decode("utf-8")


def test_rev_label_alone_on_its_line_with_the_words_below() -> None:
    parsed = parse_transcript(FIXTURES / "rev.txt", (FIXTURES / "rev.txt").read_bytes())
    assert turns_of(parsed) == [
        ("Speaker 1", "Thanks for joining. Can you hear me?", 0.0),
        ("Speaker 2", "Yes, loud and clear.\nIt took me a while to find the link.", 4.0),
        ("Speaker 1", "Great, let's start.", 3723.0),
    ]


def test_a_label_with_no_words_on_its_line_takes_the_next_line() -> None:
    parsed = parse_str("Ann:\n\n   Hello there.\nBob: Hi.\nAnn: Bye.\nBob:\n")
    assert turns_of(parsed) == [("Ann", "Hello there.", None), ("Bob", "Hi.", None), ("Ann", "Bye.", None)]


def test_a_misspelt_one_off_label_is_still_a_speaker() -> None:
    parsed = parse_str(
        "Participant: I use them every day.\nInterviewer: Which ones?\n"
        "Participant: The partial dependence plots.\nInterviewer: Always?\nParticpant: Right.\n"
    )
    assert [speaker for speaker, _, _ in turns_of(parsed)] == [
        "Participant",
        "Interviewer",
        "Participant",
        "Interviewer",
        "Particpant",
    ]
    assert turns_of(parsed)[-1] == ("Particpant", "Right.", None)


def test_colons_later_in_a_turn_are_words() -> None:
    parsed = parse_str(
        "Ann: We met at 10:30: late.\nBob: See http://example.org\nAnn: Ok.\nBob: Ratio 3: 1.\n"
    )
    assert turns_of(parsed) == [
        ("Ann", "We met at 10:30: late.", None),
        ("Bob", "See http://example.org", None),
        ("Ann", "Ok.", None),
        ("Bob", "Ratio 3: 1.", None),
    ]


def test_a_time_in_brackets_opening_a_line_of_talk_is_not_a_bad_timestamp() -> None:
    # "Meeting (2:30pm):" looks like a label with a malformed time, but it names no speaker: it is talk.
    parsed = parse_str(
        "Ann: So what happened?\nBob: We had a meeting.\nMeeting (2:30pm): the rota.\nAnn: Right.\nBob: Yes.\n"
    )
    assert turns_of(parsed) == [
        ("Ann", "So what happened?", None),
        ("Bob", "We had a meeting.\nMeeting (2:30pm): the rota.", None),
        ("Ann", "Right.", None),
        ("Bob", "Yes.", None),
    ]


def test_a_file_without_labels_is_one_unlabelled_turn_per_paragraph() -> None:
    parsed = parse_str(
        "# Field notes\n\nFirst paragraph,\nwrapped here.\n\n\nSecond paragraph.\n", "notes.md"
    )
    assert turns_of(parsed) == [
        ("", "First paragraph,\nwrapped here.", None),
        ("", "Second paragraph.", None),
    ]
    assert parsed.warnings == ("notes.md: no speaker labels found; each paragraph is a turn",)


def test_otter_export_is_detected_from_a_txt_file() -> None:
    data = (FIXTURES / "otter.txt").read_bytes()
    assert detect_format(FIXTURES / "otter.txt", data).name == "otter"
    parsed = parse_transcript(FIXTURES / "otter.txt", data)
    assert parsed.source_format == "otter"
    assert turns_of(parsed) == [
        ("Jane Doe", "Thanks for coming in today. I wanted to start with how you came to the job.", 13.0),
        (
            "John Smith",
            "Sure. I saw the advert at the day centre.\nMy support worker said I should go for it.",
            21.0,
        ),
        ("Jane Doe", "And how did the first weeks go?", 62.0),
        ("Unknown Speaker", "Sorry, wrong room.", 75.0),  # heard once, and still a speaker
        ("John Smith", "They went well, mostly.", 3723.0),
    ]


def test_otter_format_by_name() -> None:
    parsed = parse_str("Jane Doe  0:13\nHello.\n\nJohn Smith  0:20\nHi.\n", "call.txt", "otter")
    assert turns_of(parsed) == [("Jane Doe", "Hello.", 13.0), ("John Smith", "Hi.", 20.0)]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.txt", b"Ann: hi\nBob: yo\n", "text"),
        ("a.md", b"Ann: hi\nBob: yo\n", "text"),
        ("a.txt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\n", "vtt"),
        ("a.vtt", b"anything", "vtt"),
        ("a.SRT", b"anything", "srt"),
        ("a.docx", b"anything", "docx"),
        ("a.pdf", b"anything", "pdf"),
        ("a.txt", b"%PDF-1.7\n", "pdf"),
        ("download", b"PK\x03\x04rest", "docx"),
    ],
)
def test_detect_format(name: str, data: bytes, expected: str) -> None:
    assert detect_format(Path(name), data).name == expected


def test_a_label_used_once_is_kept_as_words_and_listed_as_unsure() -> None:
    # A focus group where Lee speaks once: Lee's words stay in Dana's turn, and the import report says so.
    text = (
        "Moderator: What does a peer worker do here?\n"
        "Dana: I sit in on the ward round.\n"
        "Lee: As a clinician I lean on her for that.\n"
        "Moderator: Thank you.\n"
        "Dana: It took time.\n"
    )
    parsed = parse_transcript(Path("fg.txt"), text.encode(), "auto")
    assert [t.speaker for t in parsed.turns] == ["Moderator", "Dana", "Moderator", "Dana"]
    assert parsed.warnings == (
        "fg.txt:3: 'Lee' labels only this line, so it is kept as words of the turn above; if Lee speaks "
        "here, those words are credited to the speaker above",
    )
