"""Segments are sentences within turns, with exact offsets into the stored text."""

from __future__ import annotations

from qualcode.model import ParsedTranscript, Span, Turn
from qualcode.suggest.pipeline import load_pipeline, segment_many


def _segments(text: str, turns: list[tuple[int, int]]) -> list[str]:
    parsed = ParsedTranscript(text, tuple(Turn(i, "A", Span(a, b)) for i, (a, b) in enumerate(turns)), "text")
    [found] = segment_many([parsed], load_pipeline())
    return [text[start:end] for _turn, start, end in found]


def test_sentences_never_cross_a_turn_or_a_paragraph() -> None:
    text = "A: One two. Three four\n\nFive six.\nB: Seven."
    assert _segments(text, [(3, 33), (37, 43)]) == ["One two.", "Three four", "Five six.", "Seven."]


def test_a_bracketed_aside_opens_the_next_sentence() -> None:
    text = "A: It was the same trust, so. [laughs] That's the short version. (pause) Right."
    assert _segments(text, [(3, len(text))]) == [
        "It was the same trust, so.",
        "[laughs] That's the short version.",
        "(pause) Right.",
    ]


def test_white_space_only_turns_make_no_segment() -> None:
    assert _segments("A:    \nB: Yes.", [(2, 6), (10, 14)]) == ["Yes."]


def test_skipping_spacy_for_one_sentence_paragraphs_changes_nothing() -> None:
    """The shortcut for paragraphs with no sentence end before their tail gives spaCy's own answer."""
    from pathlib import Path

    from qualcode.formats import parse_transcript

    repo = Path(__file__).resolve().parents[2]
    samples = [parse_transcript(p, p.read_bytes()) for p in sorted((repo / "transcripts").glob("*.txt"))]
    samples.append(
        ParsedTranscript(
            'A: Mm-hmm. B: Okay... C: "Right!" D: e.g. this, and 3.5 that? E: (pause) yes.\nF: no stop',
            tuple(
                Turn(i, "X", Span(a, b))
                for i, (a, b) in enumerate([(0, 12), (13, 22), (23, 34), (35, 62), (63, 78), (82, 89)])
            ),
            "text",
        )
    )
    nlp = load_pipeline()
    assert segment_many(samples, nlp) == segment_many(samples, nlp, shortcut=False)
