"""Co-occurrence by segment, turn and overlap on the hand-counted study."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_analysis_study import study_copy

from qualcode import analysis
from qualcode.analysis.corpus import Corpus
from qualcode.errors import InputError
from qualcode.project import Project


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    with Project.open(study_copy(tmp_path)) as project:
        return project.analysis_corpus()


def test_same_segment(corpus: Corpus) -> None:
    table = analysis.cooccurrence(corpus, "segment")
    assert list(table.columns) == ["code_a", "code_b", "unit", "count", "n_a", "n_b", "jaccard"]
    # Ben's "like an outsider. Martin never asks" (Role clarity) touches both of P1's Othered sentences.
    assert table.values.tolist() == [["Othered", "Role clarity", "segment", 2, 3, 3, 0.5]]


def test_same_turn(corpus: Corpus) -> None:
    table = analysis.cooccurrence(corpus, "turn")
    # Dana's first turn holds Othered, Role clarity and Hope; Gareth's Role clarity and Trust; Kerry's
    # Othered and Trust. Each code is in two turns, so each pair's Jaccard is 1 / (2 + 2 - 1).
    assert table.values.tolist() == [
        ["Othered", "Role clarity", "turn", 1, 2, 2, 0.3333],
        ["Othered", "Hope", "turn", 1, 2, 2, 0.3333],
        ["Othered", "Trust", "turn", 1, 2, 2, 0.3333],
        ["Role clarity", "Hope", "turn", 1, 2, 2, 0.3333],
        ["Role clarity", "Trust", "turn", 1, 2, 2, 0.3333],
    ]


def test_overlapping_codings_count_pairs_and_compare_characters(corpus: Corpus) -> None:
    table = analysis.cooccurrence(corpus, "overlap")
    # Ben's Role clarity coding overlaps Ana's and Ben's "The team treats me..." and Ana's "Martin...".
    shared = len("like an outsider.") + len("Martin never asks")
    othered = (
        len("The team treats me like an outsider.")
        + len("Martin never asks my view.")
        + len("I feel like an outsider most days.")
    )
    role = len("like an outsider. Martin never asks") + len("nobody knows what the role is for.")
    assert table.values.tolist() == [
        ["Othered", "Role clarity", "overlap", 3, 4, 2, round(shared / (othered + role - shared), 4)]
    ]


def test_cooccurrence_matrix_is_symmetric_with_totals_on_the_diagonal(corpus: Corpus) -> None:
    matrix = analysis.cooccurrence_matrix(corpus, "turn")
    assert list(matrix.columns) == ["code", "Othered", "Role clarity", "Hope", "Trust"]
    assert matrix.values.tolist() == [
        ["Othered", 2, 1, 1, 1],
        ["Role clarity", 1, 2, 1, 1],
        ["Hope", 1, 1, 2, 0],
        ["Trust", 1, 1, 0, 2],
    ]
    blank = analysis.cooccurrence_matrix(corpus, "turn", diagonal=False)
    assert [blank.iloc[i, i + 1] for i in range(4)] == [0, 0, 0, 0]
    jaccard = analysis.cooccurrence_matrix(corpus, "segment", "jaccard")
    assert jaccard.values.tolist()[:2] == [
        ["Othered", 1.0, 0.5, 0.0, 0.0],
        ["Role clarity", 0.5, 1.0, 0.0, 0.0],
    ]


def test_one_coder_only_and_unknown_units(corpus: Corpus) -> None:
    assert analysis.cooccurrence(corpus.subset(coders=["ana"]), "segment").empty
    with pytest.raises(InputError) as caught:
        analysis.cooccurrence(corpus, "paragraph")
    assert "segment, turn, overlap" in caught.value.hint
    with pytest.raises(InputError):
        analysis.cooccurrence_matrix(corpus, "segment", "lift")
