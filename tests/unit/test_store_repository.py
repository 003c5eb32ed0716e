"""The repository: every public write is one transaction, logged, and visible to other connections."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.errors import ConflictError
from qualcode.model import ParsedTranscript, Segment, Span, Turn
from qualcode.project import Project
from qualcode.store.repository import NewCoding, NewTranscript


def test_a_failed_write_leaves_nothing_behind(project: Project) -> None:
    before = project.stats()
    with pytest.raises(RuntimeError), project.repo.write("zoe") as tx:
        tx.log("test.action", note="rolled back")
        raise RuntimeError("boom")
    assert project.stats() == before  # neither the event nor the new coder 'zoe' was kept


def test_add_codings_is_all_or_nothing(project: Project) -> None:
    items = [
        NewCoding("alpha", Span(13, 31), "Hope", "zoe"),
        NewCoding("alpha", Span(13, 31), "Brand new", "zoe"),
        NewCoding("beta", Span(0, 5000), "Hope", "zoe"),  # past the end of beta
    ]
    before = project.stats()
    with pytest.raises(ConflictError) as caught:
        project.repo.add_codings(items, "zoe", create_codes=True)
    assert caught.value.message.startswith("span [0, 5000) runs past the end of 'beta'")
    assert project.stats() == before
    assert project.codebook().get("Brand new") is None


def test_add_transcript_refuses_a_clash_inside_its_transaction(project: Project) -> None:
    parsed = ParsedTranscript("A: hi\n", (Turn(0, "A", Span(3, 5)),), "text")
    segments = [(0, 3, 5)]
    project.repo.add_transcript(NewTranscript("gamma", parsed, "h1", "g.txt", segments), coder=None)
    with pytest.raises(ConflictError, match="a transcript named 'gamma' already exists"):
        project.repo.add_transcript(NewTranscript("gamma", parsed, "h2", "g.txt", segments), coder=None)
    with pytest.raises(ConflictError, match="same content as transcript 'gamma', already imported"):
        project.repo.add_transcript(NewTranscript("delta", parsed, "h1", "d.txt", segments), coder=None)
    assert [t.name for t in project.transcripts()] == ["alpha", "beta", "gamma"]
    assert project.segments("gamma") == [Segment(0, 0, Span(3, 5))]
    assert project.transcript("gamma").turns == parsed.turns


def test_meta_values_round_trip(project: Project, project_path: Path) -> None:
    project.repo.set_meta("pipeline", "blank:en")
    project.repo.set_meta("pipeline", "en_core_web_sm")
    project.close()
    with Project.open(project_path) as reopened:
        assert reopened.repo.get_meta("pipeline") == "en_core_web_sm"
        assert reopened.repo.get_meta("created_with") is not None
        assert reopened.repo.get_meta("missing") is None


def test_a_second_connection_sees_a_write_once_it_returns(project: Project, project_path: Path) -> None:
    with Project.open(project_path) as other:
        assert other.codings() == []
        (coding,) = project.code("alpha", "Hope", coder="ana", start=13, end=31)
        assert [c.id for c in other.codings()] == [coding.id]


def test_counts_and_stats(project: Project) -> None:
    project.code("alpha", "Hope", coder="ana", start=13, end=31)
    project.code("beta", "Hope", coder="bo", quote="lonely")
    project.code("beta", "Othered", coder="bo", quote="lonely")
    stats = project.stats()
    assert {k: stats[k] for k in ("transcripts", "turns", "segments", "cases", "codes", "codings")} == {
        "transcripts": 2,
        "turns": 5,
        "segments": 9,
        "cases": 0,
        "codes": 4,
        "codings": 3,
    }
    assert stats["words"] == 47  # spoken words: the five speaker labels are not counted
    assert stats["codings_by_coder"] == {"ana": 1, "bo": 2}
    assert stats["codings_by_code"] == {"Hope": 2, "Othered": 1}
    # 'setup' imported the transcripts and is logged for it, but has coded nothing: not a coder.
    assert (stats["coders"], stats["people_who_changed"]) == (2, 3)
    assert project.repo.coding_counts() == {"Hope": 2, "Othered": 1, "Role clarity": 0, "Team": 0}
