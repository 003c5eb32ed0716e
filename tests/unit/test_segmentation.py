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
