"""An Otter.ai interview exported as .docx gives the same turns as the same interview exported as .txt.

Otter's Word export has, per turn, a paragraph with the speaker's name and the time (two spaces or a tab
between them, or the time as a run of its own) or the name and the time as paragraphs of their own, then
the words in one or more paragraphs. Both files are generated here, with python-docx for the .docx.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from qualcode.formats import detect_format, parse_transcript
from qualcode.model import ParsedTranscript

HEADER_BLOCK = [
    "SUMMARY KEYWORDS",
    "day centre, support worker, advert, first weeks, peer work",
    "SPEAKERS",
    "Jane Doe, John Smith",
]

# (how the .docx writes the speaker line, name, separator in the .txt, time, paragraphs of words)
TURNS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "bold name, time run",
        "Jane Doe",
        "  ",
        "00:13",
        ["Thanks for coming in. How did you come to the job?"],
    ),
    (
        "tab",
        "John Smith",
        "  ",
        "00:21",
        ["I saw the advert at the day centre.", "My support worker said go."],
    ),
    ("runs, no space", "Jane Doe", " ", "01:02", ["And how did the first weeks go?"]),
    (
        "name and time paragraphs",
        "John Smith",
        " ",
        "1:02:03",
        [
            "They went well, mostly.",
            "The team showed me round.",
            "Dr Smith 3:02",
            "Then the manager came in.",
        ],
    ),
    ("one space", "Jane Doe", " ", "1:05:40", ["Who was that?"]),
    ("two spaces", "John Smith", "  ", "1:06:02", ["The manager. She was kind to me."]),
]


def _write_txt(path: Path) -> None:
    chunks = ["\n".join(HEADER_BLOCK)]
    for _shape, name, separator, time, words in TURNS:
        # A line that looks like a speaker line is one Otter wrote as such: after a blank line.
        lines = [f"\n{w}" if re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+ \d+:\d\d", w) else w for w in words]
        chunks.append("\n".join([f"{name}{separator}{time}", *lines]))
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")


def _write_docx(path: Path) -> None:
    document = docx.Document()
    for line in HEADER_BLOCK:
        document.add_paragraph(line)
    for shape, name, separator, time, words in TURNS:
        document.add_paragraph("")  # Otter leaves an empty paragraph between turns
        if shape == "bold name, time run":
            paragraph = document.add_paragraph()
            paragraph.add_run(name).bold = True
            paragraph.add_run(f"  {time}")
        elif shape == "tab":
            document.add_paragraph(f"{name}\t{time}")
        elif shape == "runs, no space":
            paragraph = document.add_paragraph()
            paragraph.add_run(name).bold = True
            paragraph.add_run(time)
        elif shape == "name and time paragraphs":
            document.add_paragraph().add_run(name).bold = True
            document.add_paragraph(time)
        else:
            document.add_paragraph(f"{name}{separator}{time}")
        for paragraph_words in words:
            document.add_paragraph(paragraph_words)
    document.save(str(path))


def _turns(parsed: ParsedTranscript) -> list[tuple[str, float | None, str]]:
    for turn in parsed.turns:
        assert 0 <= turn.span.start < turn.span.end <= len(parsed.text), turn
    return [(t.speaker, t.time, t.span.of(parsed.text)) for t in parsed.turns]


@pytest.fixture
def pair(tmp_path: Path) -> tuple[ParsedTranscript, ParsedTranscript]:
    _write_txt(tmp_path / "interview.txt")
    _write_docx(tmp_path / "interview.docx")
    parsed = []
    for name in ("interview.txt", "interview.docx"):
        path = tmp_path / name
        parsed.append(parse_transcript(Path(name), path.read_bytes()))
    assert detect_format(Path("interview.txt"), (tmp_path / "interview.txt").read_bytes()).name == "otter"
    return parsed[0], parsed[1]


def test_the_txt_and_the_docx_export_give_the_same_turns(
    pair: tuple[ParsedTranscript, ParsedTranscript],
) -> None:
    from_txt, from_docx = pair
    assert (from_txt.source_format, from_docx.source_format) == ("otter", "docx")
    expected = [
        ("Jane Doe", 13.0, "Thanks for coming in. How did you come to the job?"),
        ("John Smith", 21.0, "I saw the advert at the day centre.\nMy support worker said go."),
        ("Jane Doe", 62.0, "And how did the first weeks go?"),
        (
            "John Smith",
            3723.0,
            "They went well, mostly.\nThe team showed me round.\n\nDr Smith 3:02\nThen the manager came in.",
        ),
        ("Jane Doe", 3940.0, "Who was that?"),
        ("John Smith", 3962.0, "The manager. She was kind to me."),
    ]
    assert _turns(from_txt) == expected
    for n, (txt_turn, docx_turn) in enumerate(zip(_turns(from_txt), _turns(from_docx), strict=True)):
        assert docx_turn == txt_turn, f"turn {n}"


def test_no_time_is_ever_the_words_of_a_docx_turn(pair: tuple[ParsedTranscript, ParsedTranscript]) -> None:
    _from_txt, from_docx = pair
    for _speaker, _time, words in _turns(from_docx):
        first_line = words.split("\n")[0]
        assert not first_line[:1].isdigit(), words
        assert not any(line.strip().replace(":", "").isdigit() for line in words.split("\n")), words


def test_the_docx_header_block_belongs_to_no_turn_and_doubtful_lines_are_listed_alike(
    pair: tuple[ParsedTranscript, ParsedTranscript],
) -> None:
    from_txt, from_docx = pair
    for parsed in pair:
        covered = "".join(t.span.of(parsed.text) for t in parsed.turns)
        assert "SUMMARY KEYWORDS" not in covered and "SPEAKERS" not in covered
        assert "Jane Doe, John Smith" not in covered
    assert [w.split(": ", 1)[1] for w in from_docx.warnings] == [
        w.split(": ", 1)[1] for w in from_txt.warnings
    ]
    assert [w.split(": ", 1)[1] for w in from_txt.warnings] == [
        "'Dr Smith 3:02' looks like a speaker line but 'Dr Smith' is not a speaker in this file; kept as words"
    ]
