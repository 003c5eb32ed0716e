"""Undo and redo through the event log: every undoable action, across a restart, per coder."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.errors import ConflictError
from qualcode.model import MemoTarget
from qualcode.project import Project


def _state(project: Project) -> tuple[list[tuple[str, int, int, str, str]], list[tuple[str, str | None]]]:
    codings = [(c.transcript, c.span.start, c.span.end, c.code, c.coder) for c in project.codings()]
    codes = [(c.name, c.parent) for c in project.codebook()]
    return codings, codes


def test_undo_and_redo_every_codebook_edit_restore_the_exact_state(project: Project) -> None:
    project.code("alpha", "Othered", coder="ana", start=13, end=31)
    project.code("beta", "Hope", coder="ana", quote="It is lonely")
    states = [_state(project)]
    edits = [
        lambda: project.rename_code("Othered", "Outsider", coder="ana"),
        lambda: project.move_code("Hope", "Outsider", coder="ana"),
        lambda: project.update_code("Hope", coder="ana", definition="new words", hotkey="z"),
        lambda: project.add_code("Fresh", coder="ana"),
        lambda: project.merge_codes("Hope", "Outsider", coder="ana"),
        lambda: project.split_code("Outsider", "Split off", [project.codings()[0].id], coder="ana"),
        lambda: project.delete_code("Split off", coder="ana", with_codings=True),
    ]
    for edit in edits:
        edit()
        states.append(_state(project))
    for expected in reversed(states[:-1]):
        assert project.undo("ana") is not None
        assert _state(project) == expected
    assert project.codebook().get("Hope").definition != "new words"  # type: ignore[union-attr]
    for expected in states[1:]:
        assert project.redo("ana") is not None
        assert _state(project) == expected
    assert project.redo("ana") is None


def test_undo_of_codings_survives_a_restart_and_a_new_action_clears_redo(
    project: Project, project_path: Path
) -> None:
    project.code("alpha", "Othered", coder="ana", start=13, end=31)
    project.code("alpha", "Hope", coder="ana", start=13, end=31)
    project.close()
    with Project.open(project_path) as reopened:
        undone = reopened.undo("ana")
        assert undone is not None and undone.action == "coding.add"
        assert [c.code for c in reopened.codings()] == ["Othered"]
    with Project.open(project_path) as again:
        again.uncode("alpha", "Othered", coder="ana", start=13, end=31)  # a new action
        assert again.redo("ana") is None  # so the undone coding cannot come back by redo
        assert again.undo("ana").action == "coding.remove"  # type: ignore[union-attr]
        assert [c.code for c in again.codings()] == ["Othered"]


def test_a_coder_undoes_only_their_own_work(project: Project) -> None:
    project.code("alpha", "Othered", coder="ana", start=13, end=31)
    project.code("alpha", "Hope", coder="bo", start=13, end=31)
    assert project.undo("ana").action == "coding.add"  # type: ignore[union-attr]
    assert [(c.code, c.coder) for c in project.codings()] == [("Hope", "bo")]
    assert project.undo("ana") is None
    assert project.undo("zoe") is None


def test_memo_add_is_undoable_and_undo_redo_are_logged(project: Project) -> None:
    memo = project.add_memo("first thoughts", coder="ana", target=MemoTarget.PROJECT)
    assert project.undo("ana") is not None
    assert project.memos() == []
    assert project.redo("ana") is not None
    assert [m.id for m in project.memos()] == [memo.id]
    actions = [e.action for e in project.events()][-3:]
    assert actions == ["memo.add", "undo", "redo"]


def test_undo_refuses_when_the_rows_have_changed_in_a_blocking_way(project: Project) -> None:
    project.rename_code("Othered", "Outsider", coder="ana")
    project.add_code("Othered", coder="bo")  # bo takes the old name meanwhile
    with pytest.raises(ConflictError, match="cannot undo this"):
        project.undo("ana")
    assert project.codebook().get("Outsider") is not None  # nothing half-done


def test_undoing_a_new_code_that_others_have_used_is_refused_whole(project: Project) -> None:
    project.add_code("Fresh", coder="ana")
    project.code("alpha", "Fresh", coder="bo", start=13, end=31)
    with pytest.raises(ConflictError, match="cannot undo this"):
        project.undo("ana")
    assert [c.code for c in project.codings()] == ["Fresh"]
    assert project.codebook().get("Fresh") is not None


def _reject(project: Project, code: str, span: tuple[int, int], coder: str) -> None:
    from qualcode.model import Span, Suggestion, SuggestionSource

    found = Suggestion("alpha", Span(*span), code, 0.8, SuggestionSource.RULE, "matched")
    project.reject_suggestion(found, coder)


def _decisions(project: Project) -> list[tuple[int, str, str]]:
    return [(d.id, d.coder, d.code) for d in project.suggestion_decisions()]


def test_undo_brings_a_deleted_coding_back_beside_one_made_since(project: Project) -> None:
    # SQLite used to give the next row the id of the newest one once that was deleted: bo's coding took the
    # id of ana's, and undoing her delete was refused. Ids are never handed out again now: bo's coding gets
    # a new one, and ana's comes back under its own id and uuid, beside bo's.
    [hope] = project.code("alpha", "Hope", coder="ana", start=63, end=87)
    project.delete_code("Hope", "ana", with_codings=True)
    [othered] = project.code("alpha", "Othered", coder="bo", start=88, end=120)
    assert othered.id != hope.id
    assert project.undo("ana") is not None
    assert {(c.id, c.uuid, c.code, c.coder) for c in project.codings()} == {
        (hope.id, hope.uuid, "Hope", "ana"),
        (othered.id, othered.uuid, "Othered", "bo"),
    }


def test_the_same_for_a_suggestion_decision(project: Project) -> None:
    _reject(project, "Hope", (63, 87), "ana")
    project.delete_code("Hope", "ana")
    _reject(project, "Othered", (88, 120), "bo")
    before = _decisions(project)
    with pytest.raises(ConflictError, match="cannot undo this"):
        project.undo("ana")
    assert _decisions(project) == before


def test_redoing_a_delete_keeps_decisions_others_made_on_the_restored_code(project: Project) -> None:
    _reject(project, "Hope", (63, 87), "ana")
    project.delete_code("Hope", "ana")
    project.undo("ana")
    _reject(project, "Hope", (88, 120), "bo")
    before = _decisions(project)
    with pytest.raises(ConflictError, match="cannot redo this"):
        project.redo("ana")
    assert _decisions(project) == before and project.codebook().get("Hope") is not None


def test_undoing_a_new_code_keeps_decisions_others_made_on_it(project: Project) -> None:
    project.add_code("Fresh", coder="ana")
    _reject(project, "Fresh", (13, 31), "bo")
    with pytest.raises(ConflictError, match="cannot undo this"):
        project.undo("ana")
    assert [d[1:] for d in _decisions(project)] == [("bo", "Fresh")]
    # Once bo takes back his decision, ana's undo goes through.
    project.undo("bo")
    assert project.undo("ana") is not None and project.codebook().get("Fresh") is None


def test_undo_refuses_when_another_coder_changed_the_same_row(project: Project) -> None:
    project.add_code("Fresh", coder="ana")
    project.update_code("Fresh", coder="bo", definition="Something new")
    with pytest.raises(ConflictError, match="cannot undo this"):
        project.undo("ana")
    assert project.codebook().get("Fresh") is not None


def test_undoing_a_coding_another_coder_has_since_deleted_is_refused_not_reported_done(
    project: Project,
) -> None:
    # The row was gone (bo deleted the code with its codings), so "undo" changed nothing but was logged
    # and reported as done.
    project.code("alpha", "Hope", coder="ana", start=63, end=87)
    project.delete_code("Hope", "bo", with_codings=True)
    events = len(project.events())
    with pytest.raises(ConflictError, match="cannot undo this"):
        project.undo("ana")
    assert len(project.events()) == events  # nothing logged
    assert project.codings() == [] and project.codebook().get("Hope") is None


def test_renaming_a_transcript_does_not_block_undoing_a_memo_on_it(project: Project) -> None:
    memo = project.add_memo("first thoughts", coder="ana", target=MemoTarget.TRANSCRIPT, target_name="alpha")
    project.update_memo(memo.id, "second thoughts", coder="ana")
    project.rename_transcript("alpha", "gamma", coder="ana")
    assert project.undo("ana").action == "memo.update"  # type: ignore[union-attr]
    # The text goes back; the memo stays on the transcript under its new name.
    assert [(m.target_name, m.text) for m in project.memos()] == [("gamma", "first thoughts")]
    assert project.undo("ana").action == "memo.add"  # type: ignore[union-attr]
    assert project.memos() == []


def test_undoing_a_code_rename_or_an_import_moves_its_memos_back(project: Project, tmp_path: Path) -> None:
    project.add_memo("about hope", coder="ana", target=MemoTarget.CODE, target_name="Hope")
    project.rename_code("Hope", "Hopeful", coder="ana")
    assert [m.target_name for m in project.memos()] == ["Hopeful"]
    project.undo("ana")
    assert [m.target_name for m in project.memos()] == ["Hope"]
    # An import that spells the name in another case, and moves a hotkey to a code it adds.
    (tmp_path / "c.yaml").write_text(
        "name: x\ncodes:\n  - name: HOPE\n    hotkey: z\n  - name: Newcode\n    hotkey: p\n", encoding="utf-8"
    )
    before = [(c.name, c.hotkey) for c in project.codebook()]
    project.import_codebook(tmp_path / "c.yaml", coder="ana")
    assert [m.target_name for m in project.memos()] == ["HOPE"]
    project.undo("ana")
    assert [(c.name, c.hotkey) for c in project.codebook()] == before
    assert [m.target_name for m in project.memos()] == ["Hope"]
