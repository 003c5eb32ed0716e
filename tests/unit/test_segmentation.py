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


def test_an_opening_quote_opens_the_next_sentence_and_a_closing_one_ends_its_own() -> None:
    # The demo's P02 was cut into 'But you hear things. "' and 'Frequent flyer." "': a suggestion or a
    # quote then carried a stray quote mark of the next sentence.
    text = (
        'A: But you hear things. "Frequent flyer." "Attention-seeking." He said "no." Then \'fine,\' we said.'
    )
    assert _segments(text, [(3, len(text))]) == [
        "But you hear things.",
        '"Frequent flyer."',
        '"Attention-seeking."',
        'He said "no."',
        "Then 'fine,' we said.",
    ]
    # Spaced quotes: a quote with white space on both sides may close, and stays where it was.
    spaced = "A: She said \" I was fine. \" Then she left. They were the 'frequent flyers. ' It stuck."
    assert _segments(spaced, [(3, len(spaced))]) == [
        'She said " I was fine. "',
        "Then she left.",
        "They were the 'frequent flyers. '",
        "It stuck.",
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


def _by_spacy_sents(parsed: ParsedTranscript, nlp: object) -> list[tuple[int, int, int]]:
    """The segments the slow, obvious way: spaCy's own ``doc.sents`` per paragraph, the rule for opening
    brackets and quotes, trimmed."""
    import re

    found = []
    for turn in parsed.turns:
        body = turn.span.of(parsed.text)
        last = 0
        paragraphs = []
        for brk in re.finditer(r"\n\s*\n", body):
            paragraphs.append((last, body[last : brk.start()]))
            last = brk.end()
        paragraphs.append((last, body[last:]))
        for offset, text in paragraphs:
            starts = [sent.start_char for sent in nlp(text).sents]  # type: ignore[operator]
            if not starts:  # no tokens
                continue
            for n in range(1, len(starts)):
                back = starts[n] - 1
                while back > starts[n - 1] and text[back].isspace():
                    back -= 1
                straight = text[back] in "\"'" and text[back - 1].isspace() and not text[back + 1].isspace()
                opening = text[back] in "([{“‘" or straight
                if back > starts[n - 1] and opening:
                    starts[n] = back
            for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
                piece = text[start:end]
                if piece.strip():
                    begin = start + len(piece) - len(piece.lstrip())
                    base = turn.span.start + offset
                    found.append((turn.index, base + begin, base + begin + len(piece.strip())))
    return found


def test_segments_are_spacys_sentences_on_awkward_text() -> None:
    """White-space tokens, Unicode spaces, brackets, empty paragraphs: the same as reading ``doc.sents``."""
    words = [
        "Well.  \n  So (pause) it was. [laughs]   Yes!\u2028Quite. \u00a0 Right?\n\n\n"
        "  (inaudible) No. {crosstalk} Maybe... ok",
        " \n\n ",
        "( [ Hm. ] ) Fine.\t\tGood.\u3000Done .\n\n\u00a0\n\nEnd",
        "\u00a0",
        'Okay... (laughs) "Right!" ] }  ',
        "Cost $5. ~ Right",
        "e.g. this; ok. ^",
        "Mm-hmm.\u00a0 \u00bb",
        "So. (\t",
        "Okay.  )",
    ]
    text, bounds = "", []
    for n, said in enumerate(words):
        text += f"{'ABCDEFGHIJ'[n]}: "
        bounds.append((len(text), len(text) + len(said)))
        text += said + "\n"
    parsed = ParsedTranscript(
        text, tuple(Turn(i, "X", Span(a, b)) for i, (a, b) in enumerate(bounds)), "text"
    )
    nlp = load_pipeline()
    expected = _by_spacy_sents(parsed, nlp)
    assert len(expected) > 8
    assert segment_many([parsed], nlp) == [expected]
    assert segment_many([parsed], nlp, shortcut=False) == [expected]


def test_segments_are_spacys_sentences_on_random_paragraphs() -> None:
    """Random runs of words, sentence ends, brackets, quotes and white space of every kind."""
    import random

    rng = random.Random(2)
    bits = ["word", "e.g.", "3.5", ".", "...", "!", "?!", ")", "(", "[", "]", '"', "\u00bb", "\u3002", "-", ",",
            "$", "~", " ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "Mm-hmm"]  # fmt: skip
    text, turns = "", []
    for n in range(3000):
        said = "".join(rng.choice(bits) for _ in range(rng.randint(1, 10)))
        turns.append(Turn(n, "X", Span(len(text), len(text) + len(said))))
        text += said + "\n\n"
    parsed = ParsedTranscript(text, tuple(turns), "text")
    nlp = load_pipeline()
    expected = _by_spacy_sents(parsed, nlp)
    assert segment_many([parsed], nlp) == [expected]
    assert segment_many([parsed], nlp, shortcut=False) == [expected]
