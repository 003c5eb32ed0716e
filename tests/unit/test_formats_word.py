"""Word .docx transcripts, made with python-docx in each test: bold labels, plain labels, speaker tables."""

from __future__ import annotations

from pathlib import Path

import docx

from qualcode.formats import parse_transcript
from qualcode.model import ParsedTranscript

Turns = list[tuple[str, str, float | None]]


def turns_of(parsed: ParsedTranscript) -> Turns:
    """(speaker, covered text, time) per turn, after checking that every span lies inside the text."""
    for turn in parsed.turns:
        assert 0 <= turn.span.start < turn.span.end <= len(parsed.text), turn
    return [(t.speaker, t.span.of(parsed.text), t.time) for t in parsed.turns]


def _parse(path: Path) -> ParsedTranscript:
    parsed = parse_transcript(path, path.read_bytes())
    assert parsed.source_format == "docx"
    return parsed


def test_bold_speaker_run_without_a_colon(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Interview 4", level=1)
    for speaker, words in [
        ("Interviewer", " How did you start?"),
        ("Kerry", "I answered an advert."),  # no space between the bold name and the words
        ("Interviewer", " And then?"),
    ]:
        paragraph = document.add_paragraph()
        paragraph.add_run(speaker).bold = True
        paragraph.add_run(words)
    document.add_paragraph("An unlabelled paragraph goes on with the interviewer's turn.")
    paragraph = document.add_paragraph()
    paragraph.add_run("Kerry:").bold = True  # a bold label that has its colon already
    paragraph.add_run(" Then I was hired.")
    document.save(tmp_path / "bold.docx")

    parsed = _parse(tmp_path / "bold.docx")
    assert parsed.text == (
        "Interview 4\n\nInterviewer: How did you start?\n\nKerry: I answered an advert.\n\n"
        "Interviewer: And then?\n\nAn unlabelled paragraph goes on with the interviewer's turn.\n\n"
        "Kerry: Then I was hired.\n"
    )
    assert turns_of(parsed) == [
        ("Interviewer", "How did you start?", None),
        ("Kerry", "I answered an advert.", None),
        ("Interviewer", "And then?\n\nAn unlabelled paragraph goes on with the interviewer's turn.", None),
        ("Kerry", "Then I was hired.", None),
    ]


def test_a_bold_word_that_is_the_whole_paragraph_is_not_a_label(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Ann: Hello.")
    document.add_paragraph().add_run("Important").bold = True
    document.add_paragraph("Bob: Hi.")
    document.add_paragraph("Ann: Bye.")
    document.add_paragraph("Bob: Bye.")
    document.save(tmp_path / "emphasis.docx")
    assert turns_of(_parse(tmp_path / "emphasis.docx"))[0] == ("Ann", "Hello.\n\nImportant", None)


def test_plain_name_colon_paragraphs_with_a_line_break(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer (00:00:05): What was hardest?")
    paragraph = document.add_paragraph("Dana (00:00:09): The nights.")
    paragraph.add_run().add_break()  # a soft line break (Shift+Enter) inside the turn
    paragraph.add_run("And the paperwork.")
    document.add_paragraph("Interviewer (00:01:10): Thank you.")
    document.add_paragraph("Dana (00:01:12): Thanks.")
    document.save(tmp_path / "plain.docx")

    assert turns_of(_parse(tmp_path / "plain.docx")) == [
        ("Interviewer", "What was hardest?", 5.0),
        ("Dana", "The nights. And the paperwork.", 9.0),
        ("Interviewer", "Thank you.", 70.0),
        ("Dana", "Thanks.", 72.0),
    ]


def test_two_column_speaker_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interview 5, 3 March")
    table = document.add_table(rows=0, cols=2)
    for speaker, words in [
        ("Speaker", "Text"),  # the heading row names the columns and is no turn
        ("Interviewer", "What does a good shift look like?"),
        ("Marcus:", "One where someone\nleaves feeling heard."),
        ("Interviewer", "And a bad one?"),
        ("", ""),
        ("Marcus", "When I am only there to fill a gap."),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = speaker, words
    document.save(tmp_path / "table.docx")

    parsed = _parse(tmp_path / "table.docx")
    assert parsed.text == (
        "Interview 5, 3 March\n\nInterviewer: What does a good shift look like?\n\n"
        "Marcus: One where someone leaves feeling heard.\n\nInterviewer: And a bad one?\n\n"
        "Marcus: When I am only there to fill a gap.\n"
    )
    assert turns_of(parsed) == [
        ("Interviewer", "What does a good shift look like?", None),
        ("Marcus", "One where someone leaves feeling heard.", None),
        ("Interviewer", "And a bad one?", None),
        ("Marcus", "When I am only there to fill a gap.", None),
    ]
