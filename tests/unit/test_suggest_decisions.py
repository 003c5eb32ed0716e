"""Accepting and rejecting suggestions: a coding with origin 'suggestion', remembered rejections, the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect

from qualcode.errors import ConflictError, NotFoundError
from qualcode.model import Decision, Origin, Span, Suggestion, SuggestionSource
from qualcode.project import Project

OUTSIDER = Span(63, 87)  # "I felt like an outsider." in alpha


def _suggestion(code: str = "Othered", span: Span = OUTSIDER, transcript: str = "alpha") -> Suggestion:
    return Suggestion(transcript, span, code, 0.8, SuggestionSource.RULE, "matched 'outsider'")


def test_the_decisions_table_comes_from_migration_0002(project: Project) -> None:
    columns = {c["name"] for c in inspect(project.repo.engine).get_columns("suggestion_decisions")}
    assert {"transcript_id", "code_id", "coder_id", "start", "end", "decision", "score", "source"} <= columns


def test_a_project_from_before_migration_0003_upgrades_and_its_older_events_still_undo(
    project_path: Path,
) -> None:
    from alembic import command
    from sqlalchemy import text

    from qualcode.store.engine import _alembic_config, schema_change

    with Project.open(project_path) as project:
        project.reject_suggestion(_suggestion(), "ana")
        with schema_change(project.repo.engine) as conn:
            command.downgrade(_alembic_config(conn), "0002")
            # The reject as a qualcode before 0003 logged it: its row images have no "bulk".
            [(event_id, payload)] = conn.execute(
                text("SELECT id, payload FROM events WHERE action = 'suggestion.reject'")
            ).all()
            rows = json.loads(payload)
            for image in rows["rows"]["suggestion_decisions"]["after"]:
                del image["bulk"]
            conn.execute(
                text("UPDATE events SET payload = :p WHERE id = :i"), {"p": json.dumps(rows), "i": event_id}
            )
    with Project.open(project_path) as project:
        columns = {c["name"] for c in inspect(project.repo.engine).get_columns("suggestion_decisions")}
        assert "bulk" in columns
        [decision] = project.suggestion_decisions("ana")
        assert decision.decision is Decision.REJECTED and decision.bulk is False
        assert project.undo("ana") is not None
        assert project.suggestion_decisions("ana") == []


def test_accept_stores_a_coding_with_origin_suggestion_and_logs_it(
    project: Project, project_path: Path
) -> None:
    coding = project.accept_suggestion(_suggestion(), "ana")
    assert (coding.span, coding.code, coding.coder, coding.origin) == (
        OUTSIDER,
        "Othered",
        "ana",
        Origin.SUGGESTION,
    )
    assert coding.text == "I felt like an outsider."
    event = project.events(1)[0]
    assert event.action == "suggestion.accept"
    assert event.payload["codings"][0]["origin"] == "suggestion"
    assert event.payload["reason"] == "matched 'outsider'"
    project.close()
    with Project.open(project_path) as reopened:
        assert [(c.code, c.origin) for c in reopened.codings()] == [("Othered", Origin.SUGGESTION)]
        [decision] = reopened.suggestion_decisions("ana")
        assert (decision.decision, decision.span, decision.score) == (Decision.ACCEPTED, OUTSIDER, 0.8)


def test_accepting_twice_keeps_one_coding(project: Project) -> None:
    first = project.accept_suggestion(_suggestion(), "ana")
    second = project.accept_suggestion(_suggestion(), "ana")
    assert first.id == second.id
    assert len(project.codings()) == 1
    assert project.events(1)[0].payload["codings"] == []


def test_reject_is_remembered_per_coder_and_never_suggested_again(project: Project) -> None:
    before = [s for s in project.suggestions("alpha", "ana") if s.code == "Othered"]
    assert OUTSIDER in [s.span for s in before]
    decision = project.reject_suggestion(_suggestion(), "ana")
    assert (decision.decision, decision.coder, decision.code) == (Decision.REJECTED, "ana", "Othered")
    assert project.events(1)[0].action == "suggestion.reject"
    after = project.suggestions("alpha", "ana", retrain=True)
    assert (OUTSIDER, "Othered") not in [(s.span, s.code) for s in after]
    # Another coder's suggestions are not affected.
    assert (OUTSIDER, "Othered") in [(s.span, s.code) for s in project.suggestions("alpha", "bo")]
    assert project.codings() == []  # a rejection is not a coding


def test_forget_undoes_a_reject(project: Project) -> None:
    project.reject_suggestion(_suggestion(), "ana")
    forgotten = project.forget_suggestion_decision("alpha", OUTSIDER, "othered", "ana")
    assert forgotten is not None and forgotten.decision is Decision.REJECTED
    assert project.suggestion_decisions("ana") == []
    assert project.forget_suggestion_decision("alpha", OUTSIDER, "Othered", "ana") is None
    assert (OUTSIDER, "Othered") in [(s.span, s.code) for s in project.suggestions("alpha", "ana")]


def test_a_reject_after_an_accept_overwrites_the_decision(project: Project) -> None:
    project.accept_suggestion(_suggestion(), "ana")
    project.reject_suggestion(_suggestion(), "ana")
    assert [d.decision for d in project.suggestion_decisions("ana")] == [Decision.REJECTED]


@pytest.mark.parametrize(
    ("suggestion", "error", "message"),
    [
        (_suggestion(code="Nope"), NotFoundError, "no code named 'Nope'"),
        (_suggestion(code="Team"), ConflictError, "'Team' is a group of codes and cannot be applied"),
        (_suggestion(transcript="gamma"), NotFoundError, "no transcript named 'gamma'"),
        (_suggestion(span=Span(100, 5000)), ConflictError, "runs past the end of 'alpha'"),
    ],
    ids=["unknown-code", "group", "unknown-transcript", "past-the-end"],
)
def test_accept_refuses_what_cannot_be_a_coding(
    project: Project, suggestion: Suggestion, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        project.accept_suggestion(suggestion, "ana")
    assert project.codings() == []
    assert project.suggestion_decisions() == []


def test_deleting_a_code_drops_its_decisions_and_undo_brings_them_back(project: Project) -> None:
    project.reject_suggestion(_suggestion(code="Hope"), "ana")
    project.reject_suggestion(_suggestion(code="Othered"), "ana")
    before = project.suggestion_decisions()
    project.delete_code("Hope", "ana")
    assert [d.code for d in project.suggestion_decisions()] == ["Othered"]
    project.undo("ana")
    assert project.suggestion_decisions() == before
    project.redo("ana")
    assert [d.code for d in project.suggestion_decisions()] == ["Othered"]


def test_merging_a_code_drops_its_decisions_and_undo_brings_them_back(project: Project) -> None:
    project.reject_suggestion(_suggestion(code="Hope"), "ana")
    before = project.suggestion_decisions()
    project.merge_codes("Hope", "Othered", "ana")
    assert project.suggestion_decisions() == []
    project.undo("ana")
    assert project.suggestion_decisions() == before
    project.redo("ana")
    assert project.suggestion_decisions() == [] and project.codebook().get("Hope") is None


def test_accept_all_of_a_code_is_one_action(project: Project) -> None:
    preview = project.suggestions("alpha", "ana", codes=["Othered"], min_score=0.3)
    assert len(preview) == 2
    codings = project.accept_suggestions(preview, "ana")
    assert [c.span for c in codings] == [OUTSIDER, Span(126, 156)]
    accepts = [e for e in project.events() if e.action == "suggestion.accept"]
    assert len(accepts) == 1 and len(accepts[0].payload["codings"]) == 2
    # All or nothing: one bad suggestion leaves nothing behind.
    with pytest.raises(NotFoundError):
        project.accept_suggestions([_suggestion(code="Hope"), _suggestion(code="Nope")], "bo")
    assert project.codings(coders=("bo",)) == []


def test_accept_all_over_a_coding_made_by_hand_leaves_it_read(project: Project) -> None:
    project.code("alpha", "Othered", coder="ana", start=OUTSIDER.start, end=OUTSIDER.end)
    second = _suggestion(span=Span(126, 156))
    project.accept_suggestions([_suggestion(), second], "ana")
    bulk = {d.span: d.bulk for d in project.suggestion_decisions(coder="ana")}
    # The first was coded by hand (read); only the second came from the preview alone.
    assert bulk == {OUTSIDER: False, Span(126, 156): True}
    # A second accept all keeps the bulk one bulk.
    project.accept_suggestions([second], "ana")
    assert {d.span: d.bulk for d in project.suggestion_decisions(coder="ana")} == bulk


def test_an_accept_logs_the_row_images_that_undo_needs(project: Project) -> None:
    coding = project.accept_suggestion(_suggestion(), "ana")
    rows = project.events(1)[0].payload["rows"]["codings"]
    assert rows["before"] == [] and rows["ids"] == [coding.id]
    assert rows["after"][0]["origin"] == "suggestion"


def test_undo_takes_back_an_accepted_suggestion(project: Project) -> None:
    project.accept_suggestion(_suggestion(), "ana")
    undone = project.undo("ana")
    assert undone is not None and undone.action == "suggestion.accept"
    assert project.codings(coders=("ana",)) == []
    # The remembered accept goes with it, so the span can be suggested again.
    assert project.suggestion_decisions("ana") == []
    redone = project.redo("ana")
    assert redone is not None and redone.action == "suggestion.accept"
    assert [d.decision for d in project.suggestion_decisions("ana")] == [Decision.ACCEPTED]


def test_undo_takes_back_a_reject_and_redo_makes_it_again(project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.reject_suggestion(_suggestion(), "ana")
    with Project.open(project_path) as project:  # across a restart, like any other change
        undone = project.undo("ana")
        assert undone is not None and undone.action == "suggestion.reject"
        assert project.suggestion_decisions("ana") == []
        assert (OUTSIDER, "Othered") in [(s.span, s.code) for s in project.suggestions("alpha", "ana")]
        project.redo("ana")
        [decision] = project.suggestion_decisions("ana")
        assert (decision.decision, decision.span, decision.code) == (Decision.REJECTED, OUTSIDER, "Othered")


def test_undoing_a_reject_that_overwrote_an_accept_restores_the_accept(project: Project) -> None:
    project.accept_suggestion(_suggestion(), "ana")
    project.reject_suggestion(_suggestion(), "ana")
    project.undo("ana")
    assert [d.decision for d in project.suggestion_decisions("ana")] == [Decision.ACCEPTED]
    assert [c.code for c in project.codings(coders=("ana",))] == ["Othered"]
