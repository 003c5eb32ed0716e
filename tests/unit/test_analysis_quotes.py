"""Quotes with attribution, context and coders, on the hand-counted study."""

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


def test_every_coded_quote_once_with_its_coders_and_attribution(corpus: Corpus) -> None:
    frame = analysis.quotes(corpus)
    assert list(frame.columns) == [
        "code", "transcript", "case", "speaker", "start", "end", "coders", "attribution", "quote", "context",
    ]  # fmt: skip
    rows = frame[["code", "transcript", "speaker", "coders", "attribution", "quote"]].values.tolist()
    assert rows == [
        ["Othered", "P1", "Dana", "ana; ben", "Peer worker, Site A", "The team treats me like an outsider."],
        ["Othered", "P1", "Dana", "ana", "Peer worker, Site A", "Martin never asks my view."],
        ["Othered", "P3", "Kerry", "ana", "Peer worker, Site B", "I feel like an outsider most days."],
        ["Role clarity", "P1", "Dana", "ben", "Peer worker, Site A", "like an outsider. Martin never asks"],
        [
            "Role clarity",
            "P2",
            "Gareth Jones",
            "ana",
            "Clinician, Site B",
            "nobody knows what the role is for.",
        ],
        ["Hope", "P1", "Dana", "ana", "Peer worker, Site A", "I still have hope."],
        ["Hope", "P1", "Dana", "ana", "Peer worker, Site A", "She gives me hope."],
        ["Trust", "P2", "Gareth Jones", "ana", "Clinician, Site B", "Dana is great with patients."],
        ["Trust", "P3", "Kerry", "ana", "Peer worker, Site B", "the patients trust me"],
    ]
    assert set(frame["context"]) == {""}
    first = frame.iloc[0]
    assert corpus.texts["P1"][first["start"] : first["end"]] == first["quote"]


def test_context_is_the_sentence_or_the_turn(corpus: Corpus) -> None:
    trust = analysis.quotes(corpus.subset(codes=["Trust"]), context="segment")
    assert trust["context"].tolist() == ["Dana is great with patients.", "But the patients trust me."]
    turn = analysis.quotes(corpus.subset(codes=["Trust"], transcripts=["P3"]), context="turn")
    assert turn["context"].tolist() == ["I feel like an outsider most days. But the patients trust me."]


def test_templates(corpus: Corpus) -> None:
    frame = analysis.quotes(
        corpus.subset(transcripts=["P2"]), template="{speaker} ({case}, {transcript}; {site})"
    )
    assert set(frame["attribution"]) == {"Gareth Jones (P2, P2; Site B)"}
    with pytest.raises(InputError) as caught:
        analysis.quotes(corpus, template="{role}, {grade}")
    assert "{grade}" in caught.value.message
    assert "{role}" in caught.value.hint and "{speaker}" in caught.value.hint
    with pytest.raises(InputError):
        analysis.quotes(corpus, context="paragraph")


def test_default_template_falls_back_to_the_case_without_attributes(tmp_path: Path) -> None:
    from test_analysis_study import P1

    (tmp_path / "P9.txt").write_text(P1, encoding="utf-8")
    with Project.init(tmp_path / "bare.qualcode") as project:
        project.import_transcripts([tmp_path / "P9.txt"])
        project.add_code("Hope")
        project.code("P9", "Hope", coder="ana", quote="I still have hope.")
        assert project.quotes()["attribution"].tolist() == ["P9"]


def test_the_interviewers_words_are_attributed_to_the_interviewer(tmp_path: Path) -> None:
    with Project.open(study_copy(tmp_path)) as project:
        project.code("P1", "Hope", coder="ana", quote="How is the team?")
        frame = project.quotes(codes=["Hope"])
    asked = frame[frame["quote"] == "How is the team?"]
    assert asked["attribution"].tolist() == ["Interviewer, speaking with Peer worker, Site A"]
    top = analysis.top_quotes(frame, per_code=2)
    assert "How is the team?" not in top["quote"].tolist()


def test_top_quotes_prefer_agreement_and_spread_over_cases(corpus: Corpus) -> None:
    top = analysis.top_quotes(analysis.quotes(corpus), per_code=2)
    assert top[["code", "quote"]].values.tolist() == [
        ["Othered", "The team treats me like an outsider."],  # two coders chose it
        ["Othered", "I feel like an outsider most days."],  # another case before P1's second
        ["Role clarity", "nobody knows what the role is for."],
        ["Role clarity", "like an outsider. Martin never asks"],
        ["Hope", "I still have hope."],
        ["Hope", "She gives me hope."],
        ["Trust", "Dana is great with patients."],
        ["Trust", "the patients trust me"],
    ]


def test_choosing_the_top_quotes_first_gives_the_same_quotes(corpus: Corpus) -> None:
    for per_code in (1, 2, 3):
        chosen = analysis.quotes(corpus, context="turn", per_code=per_code)
        assert chosen.equals(analysis.top_quotes(analysis.quotes(corpus, context="turn"), per_code)), per_code
