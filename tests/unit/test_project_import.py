"""Importing transcripts through the Project API: atomic per file, de-duplicated, exact spans."""

from __future__ import annotations

from pathlib import Path

from qualcode.model import Span
from qualcode.project import FileResult, ImportProgress, Project, content_hash

ALPHA = (
    "Interviewer: How did you start? Tell me about it.\n"
    "Participant: I felt like an outsider. The team did not know what I was for. "
    "I felt like an outsider again.\n"
    "Interviewer: Thank you.\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_turns_and_segments_have_exact_spans_that_never_cover_a_label(tmp_path: Path) -> None:
    source = _write(tmp_path, "alpha.txt", ALPHA)
    with Project.init(tmp_path / "p.qualcode") as project:
        [result] = project.import_transcripts([source], coder="ana")
        assert (result.status, result.name, result.turns, result.segments, result.words) == (
            "imported",
            "alpha",
            3,
            6,
            30,  # spoken words: the three "Name:" labels are not speech
        )
        assert result.message == "3 turns, 6 segments"
    with Project.open(tmp_path / "p.qualcode") as project:
        transcript = project.transcript("alpha")
        assert transcript.text == ALPHA
        assert transcript.source_name == "alpha.txt"
        assert transcript.source_format == "text"
        assert transcript.content_hash == content_hash(ALPHA)
        assert [(t.index, t.speaker, t.span) for t in transcript.turns] == [
            (0, "Interviewer", Span(13, 49)),
            (1, "Participant", Span(63, 156)),
            (2, "Interviewer", Span(170, 180)),
        ]
        segments = project.segments("alpha")
        assert [(s.index, s.turn_index, s.span, s.span.of(ALPHA)) for s in segments] == [
            (0, 0, Span(13, 31), "How did you start?"),
            (1, 0, Span(32, 49), "Tell me about it."),
            (2, 1, Span(63, 87), "I felt like an outsider."),
            (3, 1, Span(88, 125), "The team did not know what I was for."),
            (4, 1, Span(126, 156), "I felt like an outsider again."),
            (5, 2, Span(170, 180), "Thank you."),
        ]
        for seg in segments:
            turn = transcript.turns[seg.turn_index]
            assert turn.span.contains(seg.span)
            assert ":" not in seg.span.of(ALPHA)
        [summary] = project.transcripts()
        assert (summary.name, summary.turns, summary.segments, summary.words, summary.characters) == (
            "alpha",
            3,
            6,
            30,  # spoken words: the three "Name:" labels are not speech
            len(ALPHA),
        )
        [event] = project.events()
        assert (event.action, event.coder) == ("transcript.import", "ana")
        assert event.payload == {
            "name": "alpha",
            "source": "alpha.txt",
            "format": "text",
            "turns": 3,
            "segments": 6,
        }


def test_a_bad_file_in_a_batch_is_refused_alone(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.txt", ALPHA)
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"Interviewer: hello\x01\x02 there\nParticipant: hi\n")
    last = _write(tmp_path, "last.txt", "Interviewer: Anything else?\nParticipant: No. That is all.\n")
    with Project.init(tmp_path / "p.qualcode") as project:
        results = project.import_transcripts([first, bad, last])
    # Refusals found while reading come out before the files stored after segmenting.
    assert {r.path.name: r.status for r in results} == {
        "first.txt": "imported",
        "broken.txt": "refused",
        "last.txt": "imported",
    }
    [refused] = [r for r in results if r.status == "refused"]
    # The importer's own words may change; the file is named and called binary.
    assert refused.message.startswith(f"{bad}: ")
    assert "binary file" in refused.message
    with Project.open(tmp_path / "p.qualcode") as project:
        assert [t.name for t in project.transcripts()] == ["first", "last"]
        assert [e.payload["name"] for e in project.events()] == ["first", "last"]
        counts = project.stats()
        assert (counts["transcripts"], counts["turns"], counts["segments"]) == (2, 5, 9)


def test_progress_counts_every_file(tmp_path: Path) -> None:
    files = [_write(tmp_path, "a.txt", ALPHA), tmp_path / "missing.txt"]
    with Project.init(tmp_path / "p.qualcode") as project:
        events = list(project.iter_import(files))
    results = [e for e in events if isinstance(e, FileResult)]
    assert [(r.status, r.message) for r in results] == [  # in the order the files were given
        ("imported", "3 turns, 6 segments"),
        ("refused", f"{files[1]}: no such file; check the path"),  # what to do, on the same line
    ]
    progress = [e for e in events if isinstance(e, ImportProgress)]
    assert progress[-1] == ImportProgress(2, 2, "")


def test_the_same_content_twice_is_skipped_by_hash(tmp_path: Path) -> None:
    original = _write(tmp_path, "alpha.txt", ALPHA)
    copy = _write(tmp_path, "alpha-copy.txt", ALPHA)
    # CRLF line ends normalise to the same text, so this is the same content too.
    crlf = tmp_path / "alpha-windows.txt"
    crlf.write_bytes(ALPHA.replace("\n", "\r\n").encode("utf-8"))
    with Project.init(tmp_path / "p.qualcode") as project:
        project.import_transcripts([original])
        later = project.import_transcripts([copy, crlf, original])
        assert [(r.status, r.name) for r in later] == [("skipped", "alpha")] * 3
        assert later[0].message == "same content as transcript 'alpha', already imported"
        # Two copies inside one batch: the second one is skipped too.
        fresh = _write(tmp_path, "gamma.txt", "Interviewer: Hi.\nParticipant: Hello.\n")
        twin = _write(tmp_path, "gamma-twin.txt", "Interviewer: Hi.\nParticipant: Hello.\n")
        batch = project.import_transcripts([fresh, twin])
        assert [r.status for r in batch] == ["imported", "skipped"]
    with Project.open(tmp_path / "p.qualcode") as project:
        assert [t.name for t in project.transcripts()] == ["alpha", "gamma"]


def test_the_same_name_with_other_content_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "alpha.txt", ALPHA)
    (tmp_path / "site-b").mkdir()
    other = _write(tmp_path / "site-b", "alpha.txt", "Interviewer: Different?\nParticipant: Yes. Quite.\n")
    with Project.init(tmp_path / "p.qualcode") as project:
        project.import_transcripts([tmp_path / "alpha.txt"])
        [result] = project.import_transcripts([other])
    assert result.status == "refused"
    assert result.message == (
        "a transcript named 'alpha' already exists; "
        "rename one: qualcode transcripts rename PROJECT alpha NEW-NAME"
    )
    with Project.open(tmp_path / "p.qualcode") as project:
        assert project.transcript("alpha").text == ALPHA
        assert project.stats()["transcripts"] == 1


def test_a_file_larger_than_max_bytes_is_refused(tmp_path: Path) -> None:
    source = _write(tmp_path, "alpha.txt", ALPHA)
    size = source.stat().st_size
    with Project.init(tmp_path / "p.qualcode") as project:
        [refused] = project.import_transcripts([source], max_bytes=size - 1)
        assert refused.status == "refused"
        assert refused.message.startswith(f"{source}: 0.0 MB is larger than the")
        assert project.transcripts() == []
        [accepted] = project.import_transcripts([source], max_bytes=size)
        assert accepted.status == "imported"


def test_renaming_a_transcript_keeps_its_codings(project: Project, project_path: Path) -> None:
    project.code("alpha", "Othered", coder="ana", quote="like an outsider.", occurrence=1)
    project.rename_transcript("alpha", "P01", coder="ana")
    project.close()
    with Project.open(project_path) as reopened:
        assert [t.name for t in reopened.transcripts()] == ["P01", "beta"]
        [coding] = reopened.codings()
        assert (coding.transcript, coding.text) == ("P01", "like an outsider.")
        assert reopened.events()[-1].payload == {"old": "alpha", "new": "P01"}
