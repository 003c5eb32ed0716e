"""Who said it, exactly: codings hold only speech, one speaker's each; word counts count only speech."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from qualcode.errors import InputError
from qualcode.model import Span, Transcript
from qualcode.project import Project

NOT_SPEECH = "that text is a speaker label or timestamp, not speech: select the words"

# An Otter.ai export as it comes: a label and a timestamp on their own line above each turn's words.
OTTER = (
    "Interviewer  0:02\n"
    "How did you come to peer work?\n"
    "\n"
    "Marcus  0:13\n"
    "I was a service user first. Then a nurse said I should apply.\n"
    "\n"
    "Interviewer  0:31\n"
    "What was the first week like?\n"
    "\n"
    "Marcus  0:40\n"
    "Lonely, to be honest. Nobody knew what I was for.\n"
)


@pytest.fixture
def otter(project: Project, tmp_path: Path) -> Project:
    source = tmp_path / "marcus.txt"
    source.write_text(OTTER, encoding="utf-8")
    project.import_transcripts([source], coder="setup")
    return project


def _speakers(project: Project, pieces: list[Span]) -> list[str | None]:
    doc = project.transcript("marcus")
    return [turn.speaker if (turn := doc.turn_at(p.start)) else None for p in pieces]


def test_the_otter_transcript_has_turns_for_the_words_only(otter: Project) -> None:
    doc = otter.transcript("marcus")
    assert [(t.speaker, t.span.of(doc.text)) for t in doc.turns][:2] == [
        ("Interviewer", "How did you come to peer work?"),
        ("Marcus", "I was a service user first. Then a nurse said I should apply."),
    ]


def test_a_quote_across_turns_is_stored_as_one_coding_per_speaker(otter: Project) -> None:
    before = len(otter.events())
    stored = otter.code(
        "marcus", "Hope", coder="ana", quote="should apply. Interviewer 0:31 What was the first"
    )
    assert [c.text for c in stored] == ["should apply.", "What was the first"]
    assert _speakers(otter, [c.span for c in stored]) == ["Marcus", "Interviewer"]
    assert all("0:31" not in c.text and "Interviewer" not in c.text for c in otter.codings())
    assert len(otter.events()) == before + 1  # both pieces are one change
    otter.undo("ana")
    assert otter.codings() == []


def test_a_span_that_takes_in_a_label_is_cut_to_the_words(otter: Project) -> None:
    text = otter.transcript("marcus").text
    start = text.index("Marcus  0:40")
    (coding,) = otter.code("marcus", "Othered", coder="ana", start=start, end=start + 34)
    assert coding.text == "Lonely, to be honest."
    # The same span takes it off again.
    (removed,) = otter.uncode("marcus", "Othered", coder="ana", start=start, end=start + 34)
    assert removed.id == coding.id
    assert otter.codings() == []


def test_a_label_and_timestamp_alone_is_refused(otter: Project) -> None:
    before = len(otter.events())
    with pytest.raises(InputError) as caught:
        otter.code("marcus", "Othered", coder="ana", quote="Marcus  0:40")
    assert caught.value.message == f"transcript 'marcus': {NOT_SPEECH}"
    assert "\n" not in caught.value.message
    text = otter.transcript("marcus").text
    blank = text.index("\n\nMarcus  0:13")
    with pytest.raises(InputError, match="not speech"):
        otter.toggle_coding("marcus", Span(blank, blank + 2), "Othered", coder="ana")
    assert otter.codings() == []
    assert len(otter.events()) == before


def test_uncode_takes_off_every_piece_of_a_quote_across_turns(otter: Project) -> None:
    quote = "should apply. Interviewer 0:31 What was the first"
    otter.code("marcus", "Hope", coder="ana", quote=quote)
    removed = otter.uncode("marcus", "Hope", coder="ana", quote=quote)
    assert [c.text for c in removed] == ["should apply.", "What was the first"]
    assert otter.codings() == []
    assert otter.events()[-1].action == "coding.remove"


def test_toggle_across_turns_adds_the_missing_pieces_then_removes_them_all(otter: Project) -> None:
    text = otter.transcript("marcus").text
    span = Span(text.index("Then a nurse"), text.index(" the first week"))
    otter.code("marcus", "Hope", coder="ana", quote="Then a nurse said I should apply.")
    events = len(otter.events())
    added, pieces = otter.toggle_coding("marcus", span, "Hope", coder="ana")
    assert added
    assert [c.text for c in pieces] == ["What was"]  # the missing piece only
    assert len(otter.events()) == events + 1
    assert [c.text for c in otter.codings()] == ["Then a nurse said I should apply.", "What was"]
    added, pieces = otter.toggle_coding("marcus", span, "Hope", coder="ana")
    assert not added
    assert [c.text for c in pieces] == ["Then a nurse said I should apply.", "What was"]
    assert otter.codings() == []
    assert len(otter.events()) == events + 2  # the removal of both is one change too
    otter.undo("ana")
    assert len(otter.codings()) == 2


def test_another_coders_pieces_do_not_count_as_mine(otter: Project) -> None:
    text = otter.transcript("marcus").text
    span = Span(text.index("Then a nurse"), text.index(" the first week"))
    otter.toggle_coding("marcus", span, "Hope", coder="bo")
    added, pieces = otter.toggle_coding("marcus", span, "Hope", coder="ana")
    assert added and len(pieces) == 2
    assert sorted(c.coder for c in otter.codings()) == ["ana", "ana", "bo", "bo"]


def test_import_codings_cuts_and_splits_and_says_so(otter: Project, tmp_path: Path) -> None:
    rows = tmp_path / "codings.csv"
    rows.write_text(
        "transcript,quote,code,coder\n"
        'marcus,"should apply. Interviewer 0:31 What was the first",Hope,ana\n'
        'marcus,"Marcus 0:40 Lonely, to be honest.",Othered,ana\n'
        "marcus,Nobody knew what I was for.,Othered,ana\n",
        encoding="utf-8",
    )
    report = otter.import_codings(rows)
    assert (report.added, report.cut, report.split) == (4, 1, 1)
    assert [c.text for c in otter.codings()] == [
        "should apply.",
        "What was the first",
        "Lonely, to be honest.",
        "Nobody knew what I was for.",
    ]


def test_import_codings_refuses_a_row_without_speech(otter: Project, tmp_path: Path) -> None:
    rows = tmp_path / "codings.csv"
    rows.write_text(
        "transcript,quote,code,coder\nmarcus,Lonely,Othered,ana\nmarcus,Interviewer 0:31,Hope,ana\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        otter.import_codings(rows)
    assert caught.value.problems == [f"{rows}:3: {NOT_SPEECH}"]
    assert otter.codings() == []


def test_a_transcript_without_turns_keeps_the_span() -> None:
    from qualcode.project import cut_to_speech

    doc = Transcript(1, "t", "Just words.", "t.txt", "text", "x", datetime.now(UTC))
    assert cut_to_speech(doc, Span(0, 4), "here") == [Span(0, 4)]


def test_word_counts_count_speech_only(otter: Project) -> None:
    doc = otter.transcript("marcus")
    spoken = sum(len(t.span.of(doc.text).split()) for t in doc.turns)
    assert spoken == 7 + 13 + 6 + 10
    assert doc.word_count == spoken  # not the labels and timestamps (8 more words)
    [summary] = otter.transcripts(["marcus"])
    assert summary.words == spoken
    frame = otter.analysis_corpus().transcripts
    assert frame.set_index("transcript").loc["marcus", "words"] == spoken


def test_every_segment_lies_inside_a_turn(otter: Project) -> None:
    doc = otter.transcript("marcus")
    for segment in otter.segments("marcus"):
        turn = doc.turns[segment.turn_index]
        assert turn.span.contains(segment.span)
        assert segment.span.of(doc.text).strip()
