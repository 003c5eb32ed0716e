"""Code frequencies and matrices on the hand-counted study (see test_analysis_study for the codings)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_analysis_study import study_copy

from qualcode import analysis
from qualcode.analysis.corpus import Corpus
from qualcode.errors import InputError
from qualcode.project import Project

MEASURES = ["codings", "segments", "words", "transcripts", "cases", "cases_total", "cases_share"]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.open(study_copy(tmp_path)) as opened:
        yield opened


@pytest.fixture
def corpus(project: Project) -> Corpus:
    return project.analysis_corpus()


def _rows(frame: object, *keys: str) -> dict[tuple[str, ...], list[object]]:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    return {tuple(r[k] for k in keys): [r[m] for m in MEASURES] for r in frame.to_dict("records")}


def test_frequencies_by_code_roll_children_up_into_their_group(corpus: Corpus) -> None:
    table = analysis.frequencies(corpus)
    assert list(table.columns) == ["code", "parent", "level", *MEASURES]
    assert list(table["code"]) == ["Team", "Othered", "Role clarity", "Hope", "Trust"]
    assert list(table["parent"]) == ["", "Team", "Team", "", ""]
    assert list(table["level"]) == [0, 1, 1, 0, 0]
    # Worked out by hand: codings; segments touched; words in the union of the coded text; transcripts;
    # cases; cases in scope; share. "Team" merges P1's three overlapping spans into one 12-word passage.
    assert _rows(table, "code") == {
        ("Team",): [6, 4, 26, 3, 3, 3, 1.0],
        ("Othered",): [4, 3, 19, 2, 2, 3, 0.6667],
        ("Role clarity",): [2, 3, 13, 2, 2, 3, 0.6667],
        ("Hope",): [2, 2, 8, 1, 1, 3, 0.3333],
        ("Trust",): [2, 2, 9, 2, 2, 3, 0.6667],
    }


def test_frequencies_without_rollup_leave_the_group_empty(corpus: Corpus) -> None:
    table = analysis.frequencies(corpus, rollup=False)
    assert _rows(table, "code")[("Team",)] == [0, 0, 0, 0, 0, 3, 0.0]
    assert _rows(table, "code")[("Othered",)] == [4, 3, 19, 2, 2, 3, 0.6667]


def test_frequencies_by_role_share_cases_within_each_role(corpus: Corpus) -> None:
    table = analysis.frequencies(corpus, by="role")
    assert list(table.columns) == ["code", "parent", "level", "role", *MEASURES]
    assert _rows(table, "code", "role") == {
        ("Team", "Clinician"): [1, 1, 7, 1, 1, 1, 1.0],
        ("Team", "Peer worker"): [5, 3, 19, 2, 2, 2, 1.0],
        ("Othered", "Clinician"): [0, 0, 0, 0, 0, 1, 0.0],
        ("Othered", "Peer worker"): [4, 3, 19, 2, 2, 2, 1.0],
        ("Role clarity", "Clinician"): [1, 1, 7, 1, 1, 1, 1.0],
        ("Role clarity", "Peer worker"): [1, 2, 6, 1, 1, 2, 0.5],
        ("Hope", "Clinician"): [0, 0, 0, 0, 0, 1, 0.0],
        ("Hope", "Peer worker"): [2, 2, 8, 1, 1, 2, 0.5],
        ("Trust", "Clinician"): [1, 1, 5, 1, 1, 1, 1.0],
        ("Trust", "Peer worker"): [1, 1, 4, 1, 1, 2, 0.5],
    }


def test_frequencies_by_coder_and_by_transcript(corpus: Corpus) -> None:
    by_coder = {k: v[0] for k, v in _rows(analysis.frequencies(corpus, by="coder"), "code", "coder").items()}
    assert by_coder == {
        ("Team", "ana"): 4,
        ("Team", "ben"): 2,
        ("Othered", "ana"): 3,
        ("Othered", "ben"): 1,
        ("Role clarity", "ana"): 1,
        ("Role clarity", "ben"): 1,
        ("Hope", "ana"): 2,
        ("Hope", "ben"): 0,
        ("Trust", "ana"): 2,
        ("Trust", "ben"): 0,
    }
    by_transcript = analysis.frequencies(corpus, by="transcript")
    othered = by_transcript[by_transcript["code"] == "Othered"]
    assert othered[["transcript", "codings", "words", "cases_total"]].values.tolist() == [
        ["P1", 3, 12, 1],
        ["P2", 0, 0, 1],
        ["P3", 1, 7, 1],
    ]


def test_attribute_names_are_matched_without_case_and_unknown_ones_are_refused(corpus: Corpus) -> None:
    assert "role" in analysis.frequencies(corpus, by="Role").columns
    with pytest.raises(InputError) as caught:
        analysis.frequencies(corpus, by="rank")
    assert "rank" in caught.value.message
    assert "code, transcript, case, coder, role, site" in caught.value.hint


def test_code_matrix_by_case_and_by_site(corpus: Corpus) -> None:
    by_case = analysis.code_matrix(corpus, "case")
    assert by_case.values.tolist() == [
        ["Team", 4, 1, 1],
        ["Othered", 3, 0, 1],
        ["Role clarity", 1, 1, 0],
        ["Hope", 2, 0, 0],
        ["Trust", 0, 1, 1],
    ]
    assert list(by_case.columns) == ["code", "P1", "P2", "P3"]
    share = analysis.code_matrix(corpus, "site", "cases_share")
    assert share.values.tolist() == [
        ["Team", 1.0, 1.0],
        ["Othered", 1.0, 0.5],
        ["Role clarity", 1.0, 0.5],
        ["Hope", 1.0, 0.0],
        ["Trust", 0.0, 1.0],
    ]
    with pytest.raises(InputError):
        analysis.code_matrix(corpus, "case", "colour")
    with pytest.raises(InputError):
        analysis.code_matrix(corpus, "code")


def test_filters_narrow_codings_and_the_cases_in_scope(project: Project) -> None:
    from qualcode.model import CodingFilter

    peer = project.analysis_corpus(CodingFilter(attributes=(("role", "Peer worker"),)))
    assert list(peer.transcripts["transcript"]) == ["P1", "P3"]
    table = analysis.frequencies(peer)
    assert _rows(table, "code")[("Trust",)] == [1, 1, 4, 1, 1, 2, 0.5]
    # A group selects the codes below it; coders narrow codings but not the cases in scope. Ben coded
    # "The team treats me like an outsider." and "like an outsider. Martin never asks": 10 words together.
    team_by_ben = project.frequencies(codes=["team"], coders=["ben"])
    assert _rows(team_by_ben, "code")[("Team",)] == [2, 2, 10, 1, 1, 3, 0.3333]
    assert _rows(team_by_ben, "code")[("Hope",)] == [0, 0, 0, 0, 0, 3, 0.0]
    assert project.code_matrix("role", "cases", transcripts=["P2"]).values.tolist() == [
        ["Team", 1],
        ["Othered", 0],
        ["Role clarity", 1],
        ["Hope", 0],
        ["Trust", 1],
    ]


def test_an_empty_project_has_zero_rows_for_every_code(tmp_path: Path) -> None:
    path = tmp_path / "empty.qualcode"
    with Project.init(path) as project:
        project.add_code("Hope")
        table = project.frequencies()
        assert table[["code", *MEASURES]].values.tolist() == [["Hope", 0, 0, 0, 0, 0, 0, 0.0]]
        assert project.cooccurrence().empty
        assert project.quotes().empty
