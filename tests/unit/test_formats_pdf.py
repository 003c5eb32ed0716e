"""Text PDFs: running headers, page-number footers go; lines wrapped by the layout join into turns.

The fixtures were made with fpdf2 by ``tests/fixtures/transcripts/make_pdfs.py`` (see the README there).
"""

from __future__ import annotations

from pathlib import Path

from qualcode.formats import parse_transcript
from qualcode.model import ParsedTranscript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"
HEADER = "Peer roles study - Interview 3 (anonymised)"

Turns = list[tuple[str, str, float | None]]

PAGE_ONE: Turns = [
    (
        "Interviewer",
        "Thank you for making the time. Could you tell me how you came to work as a peer worker?",
        None,
    ),
    (
        "Sam",
        "I had been using the service myself for about four years, and one of the nurses said I should apply "
        "when the post was advertised. I did not think I would get it, to be honest.",
        None,
    ),
    ("Interviewer", "And what was the first month like?", None),
    (
        "Sam",
        "Strange. Nobody on the ward quite knew what I was for, and I spent a lot of time explaining the role "
        "to people who had been there for twenty years.",
        None,
    ),
    ("Interviewer", "Did that change over time?", None),  # opens page 2
    (
        "Sam",
        "It did, slowly. Once the team saw what a difference it made to people on the ward, they started "
        "asking me to sit in on ward rounds.",
        None,
    ),
]


def turns_of(parsed: ParsedTranscript) -> Turns:
    """(speaker, covered text, time) per turn, after checking that every span lies inside the text."""
    for turn in parsed.turns:
        assert 0 <= turn.span.start < turn.span.end <= len(parsed.text), turn
    return [(t.speaker, t.span.of(parsed.text), t.time) for t in parsed.turns]


def _parse(name: str) -> ParsedTranscript:
    parsed = parse_transcript(FIXTURES / name, (FIXTURES / name).read_bytes())
    assert parsed.source_format == "pdf"
    return parsed


def test_two_pages_lose_header_and_footer_and_keep_the_label_opening_page_two() -> None:
    parsed = _parse("interview_two_pages.pdf")
    assert turns_of(parsed) == PAGE_ONE
    assert HEADER not in parsed.text
    assert "1/2" not in parsed.text
    assert "2/2" not in parsed.text
    # One paragraph per turn, each line of the layout joined with a single space.
    assert parsed.text == "".join(f"{speaker}: {words}\n\n" for speaker, words, _ in PAGE_ONE)[:-1]


def test_three_pages_join_a_turn_across_a_page_break() -> None:
    parsed = _parse("interview_three_pages.pdf")
    turns = turns_of(parsed)
    assert turns[:6] == PAGE_ONE
    assert [speaker for speaker, _, _ in turns[6:]] == ["Interviewer", "Sam", "Interviewer"]
    assert turns[6][1] == "What has been hardest?"
    assert turns[8][1] == "Thank you."
    long_turn = turns[7][1]
    assert long_turn.startswith("There were weeks when I went home and wondered whether I should carry on.")
    # The last words of page 2 and the first of page 3, with the footer and header between them gone.
    assert (
        "I still read it on the bad days. The other thing that helped was meeting peer workers" in long_turn
    )
    assert long_turn.endswith("without me having to explain it. That is the honest answer.")
    assert "\n" not in long_turn
    for gone in (HEADER, "Page 1 of 3", "Page 2 of 3", "Page 3 of 3"):
        assert gone not in parsed.text
