"""Participant attributes from CSV: linking cases to transcripts, reporting rows that match nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.errors import InputError
from qualcode.model import Case, CodingFilter
from qualcode.project import Project


def _csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_transcript_column_links_cases_and_unmatched_rows_are_reported(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    source = _csv(
        tmp_path,
        "people.csv",
        "Participant,Transcript,Role,Site\n"
        "P1,alpha.txt,Peer worker,Site A\n"  # a file name links by its stem
        "P2,beta,Clinician,Site B\n"
        "P3,ghost,Team manager,Site C\n",
    )
    report = project.load_attributes(source, coder="ana")
    assert report.cases == ["P1", "P2", "P3"]
    assert report.linked == {"alpha": "P1", "beta": "P2"}
    assert report.unmatched == [f"{source}:4: 'ghost' matches no transcript (attributes kept for case)"]
    project.close()
    with Project.open(project_path) as reopened:
        assert reopened.cases() == [
            Case("P1", {"role": "Peer worker", "site": "Site A"}, ("alpha",)),
            Case("P2", {"role": "Clinician", "site": "Site B"}, ("beta",)),
            Case("P3", {"role": "Team manager", "site": "Site C"}, ()),
        ]
        assert [(t.name, t.case) for t in reopened.transcripts()] == [("alpha", "P1"), ("beta", "P2")]
        event = reopened.events()[-1]
        assert (event.action, event.coder) == ("attributes.set", "ana")
        assert event.payload == {
            "source": "people.csv",
            "cases": ["P1", "P2", "P3"],
            "links": {"alpha": "P1", "beta": "P2"},
        }


def test_a_participant_id_equal_to_a_transcript_name_links_it(project: Project, tmp_path: Path) -> None:
    # Semicolons, and no transcript column: the participant id is the transcript name.
    source = _csv(tmp_path, "people.csv", "participant;role\nalpha;Peer worker\nnobody;Clinician\n")
    report = project.load_attributes(source)
    assert report.linked == {"alpha": "alpha"}
    assert report.unmatched == [f"{source}:3: 'nobody' matches no transcript (attributes kept for case)"]
    assert project.cases() == [
        Case("alpha", {"role": "Peer worker"}, ("alpha",)),
        Case("nobody", {"role": "Clinician"}, ()),
    ]


def test_loading_again_updates_values_and_keeps_the_others(project: Project, tmp_path: Path) -> None:
    project.load_attributes(_csv(tmp_path, "a.csv", "participant,transcript,role,site\nP1,alpha,Peer,A\n"))
    project.load_attributes(_csv(tmp_path, "b.csv", "participant,role\nP1,Peer worker\n"))
    assert project.cases() == [Case("P1", {"role": "Peer worker", "site": "A"}, ("alpha",))]


def test_a_csv_without_a_participant_or_transcript_column_is_refused(
    project: Project, tmp_path: Path
) -> None:
    source = _csv(tmp_path, "people.csv", "name,role\nP1,Peer worker\n")
    with pytest.raises(InputError) as caught:
        project.load_attributes(source)
    assert caught.value.message.startswith(f"{source}:1: no 'participant' or 'case' or")
    assert project.cases() == []


def test_codings_filter_by_attribute(project: Project, tiny_dir: Path) -> None:
    project.load_attributes(tiny_dir / "participants.csv")
    project.code("alpha", "Othered", coder="ana", quote="I felt like an outsider.", occurrence=1)
    project.code("beta", "Othered", coder="ana", quote="It is lonely, honestly.")
    project.code("beta", "Hope", coder="bo", quote="lived experience")
    peer = project.codings(CodingFilter(attributes=(("role", "Peer worker"),)))
    assert [(c.transcript, c.code, c.text) for c in peer] == [
        ("alpha", "Othered", "I felt like an outsider.")
    ]
    clinician = project.codings(attributes=(("role", "Clinician"), ("site", "Site B")))
    assert [(c.transcript, c.code, c.coder) for c in clinician] == [
        ("beta", "Hope", "bo"),  # ordered by position in the transcript
        ("beta", "Othered", "ana"),
    ]
    assert project.codings(attributes=(("role", "Clinician"), ("site", "Site A"))) == []
    assert project.codings(CodingFilter(attributes=(("role", "Psychiatrist"),))) == []


def test_summaries_of_named_transcripts_only(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = {t.name: t for t in project.transcripts()}
    assert project.transcripts(["beta", "no-such-name"]) == [everything["beta"]]
    assert project.transcripts([]) == []
    # Past the cap on bound values the names are filtered after reading: the same answer.
    monkeypatch.setattr("qualcode.store.repository.MAX_NAMES_IN_QUERY", 1)
    assert project.transcripts(["beta", "alpha"]) == [everything["alpha"], everything["beta"]]
