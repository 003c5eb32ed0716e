"""Pseudonymisation: the project's name list, speakers as participant ids, optional spaCy NER."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_analysis_study import MEMO, NAME_LIST, REAL_NAMES, study_copy

from qualcode import analysis
from qualcode.analysis.pseudonyms import (
    Pseudonymiser,
    is_generic_label,
    person_names,
    trained_pipeline,
)
from qualcode.errors import InputError
from qualcode.project import Project


def test_names_are_replaced_whole_word_ignoring_case_longest_first() -> None:
    p = Pseudonymiser({"Dana": "P01", "Dana Smith": "P01", "Al": ""})
    assert p.text("Thanks, DANA. Dana Smith's view; Danaë and Alan stay; al too.") == (
        "Thanks, P01. P01's view; Danaë and Alan stay; [name] too."
    )
    assert p.text("dana_notes and Dana\nSmith") == "P01_notes and P01"
    assert p.names == ["al", "dana", "dana smith"]
    assert Pseudonymiser({}).text("Dana") == "Dana"


def test_generic_speaker_labels_are_not_names() -> None:
    for label in ("Interviewer", "INTERVIEWER 2", "Speaker 1", "Participant", "P", "I", "P01", "Int"):
        assert is_generic_label(label), label
    for label in ("Dana", "Gareth Jones", "Dr Okafor", "Al"):
        assert not is_generic_label(label), label


def test_the_project_pseudonymiser_maps_speakers_to_their_cases(tmp_path: Path) -> None:
    with Project.open(study_copy(tmp_path)) as project:
        assert project.pseudonyms() == {"Martin": "[team lead]", "Priya": ""}
        corpus = project.analysis_corpus()
        p = project.pseudonymiser(corpus)
    assert p.speakers == {("P1", "Dana"): "P1", ("P2", "Gareth Jones"): "P2", ("P3", "Kerry"): "P3"}
    assert p.speaker("P1", "Interviewer") == "Interviewer"
    assert p.text(MEMO) == "P1 seemed tired; [team lead] was in the room."
    assert p.text("Gareth Jones told Jones and Gareth; Priya came.") == "P2 told P2 and P2; [name] came."
    quotes = analysis.quotes(corpus, context="turn", template="{speaker}: {role}", pseudonymiser=p)
    text = " ".join(" ".join(map(str, row)) for row in quotes.values.tolist())
    for name in REAL_NAMES:
        assert name not in text, name
    assert "P2: Clinician" in set(quotes["attribution"])


def test_the_name_list_round_trips_through_the_project(tmp_path: Path) -> None:
    with Project.open(study_copy(tmp_path)) as project:
        project.set_pseudonyms({"  Bev   Smith ": " [manager] ", **NAME_LIST})
        assert project.pseudonyms() == {"Bev Smith": "[manager]", "Martin": "[team lead]", "Priya": ""}
        with pytest.raises(InputError):
            project.set_pseudonyms({" ": "x"})


def test_a_case_named_like_a_person_is_not_used_as_the_id(tmp_path: Path) -> None:
    from qualcode.analysis.pseudonyms import build_pseudonymiser

    with Project.open(study_copy(tmp_path)) as project:
        corpus = project.analysis_corpus()
    p = build_pseudonymiser(corpus, {"P1": "[someone]"})
    assert p.speakers[("P1", "Dana")] == "Participant 1"


def test_without_a_trained_pipeline_ner_is_skipped_with_a_note(tmp_path: Path) -> None:
    if trained_pipeline() is not None:
        pytest.skip("a trained spaCy pipeline is installed here")
    with Project.open(study_copy(tmp_path)) as project:
        p = project.pseudonymiser(texts=["Bev said hello."])
    assert p.text("Bev said hello.") == "Bev said hello."
    assert len(p.notes) == 1 and "no trained spaCy pipeline" in p.notes[0]


def test_person_names_reads_person_entities_from_any_pipeline() -> None:
    import spacy

    # A blank pipeline with rules stands in for a trained recogniser: the code path is the same.
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": [{"LOWER": "bev"}]},
            {"label": "PERSON", "pattern": "Sam Okafor's"},
            {"label": "ORG", "pattern": "Open Door"},
        ]
    )
    found = person_names(["Bev works at Open Door with Sam Okafor's team.", ""], nlp)
    assert found == {"Bev", "Sam Okafor"}
    p = Pseudonymiser({"Martin": "[lead]"}).with_names(found, "rules found 2")
    assert (
        p.text("Bev and Sam Okafor met Martin at Open Door.") == "[name] and [name] met [lead] at Open Door."
    )
    assert p.notes == ("rules found 2",)
