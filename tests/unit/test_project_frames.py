"""pandas frames for notebooks: transcripts with attributes, segments with their text, codings."""

from __future__ import annotations

from pathlib import Path

from qualcode.project import Project


def test_transcripts_frame_includes_attribute_columns(project: Project, tiny_dir: Path) -> None:
    project.load_attributes(tiny_dir / "participants.csv")
    project.code("alpha", "Hope", coder="ana", start=13, end=31)
    frame = project.transcripts_frame()
    assert list(frame.columns) == [
        "transcript",
        "case",
        "source",
        "format",
        "words",
        "turns",
        "segments",
        "codings",
        "role",
        "site",
    ]
    assert frame.to_dict("records") == [
        {
            "transcript": "alpha",
            "case": "P1",
            "source": "alpha.txt",
            "format": "text",
            "words": 30,  # spoken words: not the labels
            "turns": 3,
            "segments": 6,
            "codings": 1,
            "role": "Peer worker",
            "site": "Site A",
        },
        {
            "transcript": "beta",
            "case": "P2",
            "source": "beta.txt",
            "format": "text",
            "words": 17,
            "turns": 2,
            "segments": 3,
            "codings": 0,
            "role": "Clinician",
            "site": "Site B",
        },
    ]


def test_segments_frame_texts_are_the_transcript_slices(project: Project) -> None:
    frame = project.segments_frame()
    assert list(frame.columns) == ["transcript", "segment", "turn", "speaker", "start", "end", "text"]
    assert len(frame) == 9
    texts = {name: project.transcript(name).text for name in ("alpha", "beta")}
    for row in frame.itertuples():
        assert row.text == texts[row.transcript][row.start : row.end]
    beta = project.segments_frame("beta")
    assert beta[["segment", "turn", "speaker", "text"]].values.tolist() == [
        [0, 0, "Interviewer", "What is hard about the role?"],
        [1, 1, "Participant", "Being the only one with lived experience."],
        [2, 1, "Participant", "It is lonely, honestly."],
    ]


def test_codings_frame_columns_and_filters(project: Project) -> None:
    empty = project.codings_frame()
    assert list(empty.columns) == [
        "id",
        "transcript",
        "start",
        "end",
        "code",
        "coder",
        "origin",
        "created_at",
        "text",
    ]
    assert len(empty) == 0
    project.code("alpha", "Hope", coder="ana", start=13, end=31)
    project.code("beta", "Othered", coder="bo", quote="lonely")
    frame = project.codings_frame()
    assert frame[["transcript", "start", "end", "code", "coder", "origin", "text"]].values.tolist() == [
        ["alpha", 13, 31, "Hope", "ana", "manual", "How did you start?"],
        ["beta", 103, 109, "Othered", "bo", "manual", "lonely"],
    ]
    only_bo = project.codings_frame(coders=["bo"])
    assert only_bo["code"].tolist() == ["Othered"]
