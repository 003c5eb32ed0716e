"""Codebook edits through the Project API keep (or move) codings, refuse what would break, and are logged."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.errors import CodebookError, ConflictError, InputError, NotFoundError
from qualcode.model import Code, MemoTarget
from qualcode.project import Project


def _summary(payload: dict[str, object]) -> dict[str, object]:
    """An event's payload without its row images (those are checked by the undo tests)."""
    return {k: v for k, v in payload.items() if k != "rows"}


def _codings(project: Project) -> list[tuple[str, int, int, str, str]]:
    return [(c.transcript, c.span.start, c.span.end, c.code, c.coder) for c in project.codings()]


def _tree(project: Project) -> list[tuple[str, str | None]]:
    return [(c.name, c.parent) for c in project.codebook()]


def test_the_tiny_codebook_is_stored_with_its_fields(project: Project) -> None:
    book = project.codebook()
    assert (book.name, book.version, book.description) == ("Tiny codebook", "2", "A codebook for tests.")
    assert _tree(project) == [("Team", None), ("Othered", "Team"), ("Role clarity", "Team"), ("Hope", None)]
    assert book.get("othered") == Code(
        "Othered",
        parent="Team",
        definition="Treated as not one of the team.",
        include=("Feeling an outsider in the team",),
        exclude=("Stigma about a diagnosis",),
        examples=("I felt like an outsider.",),
        keywords=("outsider",),
        patterns=([{"LOWER": "outsider"}],),
        colour="#0072B2",
        hotkey="o",
    )


def test_rename_keeps_codings_and_memos(project: Project, project_path: Path) -> None:
    project.code("alpha", "Othered", coder="ana", start=13, end=31)
    project.add_memo("check this", coder="ana", target=MemoTarget.CODE, target_name="othered")
    project.rename_code("Othered", "Being othered", coder="ana")
    with pytest.raises(ConflictError, match="a code named 'Hope' already exists"):
        project.rename_code("Being othered", "Hope", coder="ana")
    project.close()
    with Project.open(project_path) as reopened:
        assert _codings(reopened) == [("alpha", 13, 31, "Being othered", "ana")]
        assert [(m.target_name, m.text) for m in reopened.memos()] == [("Being othered", "check this")]
        assert reopened.codebook().get("Othered") is None
        assert reopened.codebook().get("Being othered").hotkey == "o"  # type: ignore[union-attr]
        event = reopened.events()[-1]
        assert (event.action, event.coder, _summary(event.payload)) == (
            "code.rename",
            "ana",
            {"old": "Othered", "new": "Being othered"},
        )


def test_move_changes_the_parent_and_refuses_a_cycle(project: Project, project_path: Path) -> None:
    project.move_code("Hope", "Othered", coder="ana")
    with pytest.raises(ConflictError) as caught:
        project.move_code("Team", "Hope", coder="ana")  # Hope is now inside Team
    assert caught.value.message == "cannot move 'Team' below 'Hope': that is inside 'Team'"
    with pytest.raises(ConflictError):
        project.move_code("Hope", "Hope", coder="ana")
    with pytest.raises(NotFoundError, match="no code named 'Nowhere'"):
        project.move_code("Hope", "Nowhere", coder="ana")
    project.close()
    with Project.open(project_path) as reopened:
        assert _tree(reopened) == [
            ("Team", None),
            ("Othered", "Team"),
            ("Hope", "Othered"),
            ("Role clarity", "Team"),
        ]
        event = reopened.events()[-1]
        assert (event.action, _summary(event.payload)) == (
            "code.move",
            {"code": "Hope", "old_parent": None, "new_parent": "Othered"},
        )
        reopened.move_code("Hope", None, coder="ana")
        assert ("Hope", None) in _tree(reopened)


def test_merge_moves_codings_without_doubling_and_memos_follow(project: Project, project_path: Path) -> None:
    project.code("alpha", "Othered", coder="ana", start=13, end=31)
    project.code("alpha", "Role clarity", coder="ana", start=13, end=31)  # same span and coder: a twin
    project.code("alpha", "Role clarity", coder="bo", start=13, end=31)  # another coder: kept
    project.code("beta", "Role clarity", coder="ana", quote="It is lonely")
    project.add_memo("is this clarity?", coder="ana", target=MemoTarget.CODE, target_name="Role clarity")
    # Names in any case; two codings moved, one dropped as the twin of a coding "Othered" already had.
    assert project.merge_codes("role clarity", "othered", coder="ana") == (2, 1)
    project.close()
    with Project.open(project_path) as reopened:
        assert _codings(reopened) == [
            ("alpha", 13, 31, "Othered", "ana"),
            ("alpha", 13, 31, "Othered", "bo"),
            ("beta", 97, 109, "Othered", "ana"),
        ]
        assert reopened.codebook().get("Role clarity") is None
        assert [m.target_name for m in reopened.memos()] == ["Othered"]
        event = reopened.events()[-1]
        assert (event.action, event.payload["source"], event.payload["target"]) == (
            "code.merge",
            "Role clarity",
            "Othered",
        )
        assert len(event.payload["moved"]) == 2
        assert [(d["start"], d["end"]) for d in event.payload["dropped"]] == [(13, 31)]
        assert event.payload["removed"]["name"] == "Role clarity"


def test_merge_refuses_a_group_target_and_itself(project: Project) -> None:
    with pytest.raises(ConflictError, match="'Team' is a group and cannot hold codings"):
        project.merge_codes("Hope", "Team")
    with pytest.raises(ConflictError, match="cannot merge 'Hope' into itself"):
        project.merge_codes("Hope", "hope")
    assert len(project.codebook()) == 4


def test_merging_a_parent_into_its_child_leaves_no_cycle(project: Project, project_path: Path) -> None:
    project.merge_codes("Team", "Othered", coder="ana")
    project.close()
    with Project.open(project_path) as reopened:
        assert _tree(reopened) == [("Othered", None), ("Role clarity", "Othered"), ("Hope", None)]
        assert [c["name"] for c in _exported_codes(reopened)] == ["Othered", "Hope"]


def _exported_codes(project: Project) -> list[dict[str, object]]:
    import yaml

    codes: list[dict[str, object]] = yaml.safe_load(project.export_codebook())["codes"]
    return codes


def test_split_moves_only_the_listed_codings(project: Project, project_path: Path) -> None:
    (kept,) = project.code("alpha", "Othered", coder="ana", start=13, end=31)
    (moved,) = project.code("alpha", "Othered", coder="ana", quote="outsider again")
    (also_moved,) = project.code("beta", "Othered", coder="bo", quote="lonely")
    assert project.split_code("Othered", "Lonely", [moved.id, also_moved.id], coder="ana") == 2
    with pytest.raises(NotFoundError) as caught:
        project.split_code("Othered", "Other", [moved.id], coder="ana")
    assert caught.value.message == f"codings [{moved.id}] are not codings of 'Othered'"
    with pytest.raises(ConflictError, match="a code named 'hope' already exists"):
        project.split_code("Othered", "hope", [kept.id])
    project.close()
    with Project.open(project_path) as reopened:
        assert [(c.id, c.code) for c in reopened.codings()] == [
            (kept.id, "Othered"),
            (moved.id, "Lonely"),
            (also_moved.id, "Lonely"),
        ]
        assert ("Lonely", "Team") in _tree(reopened)  # a sibling of the code it came from
        event = reopened.events()[-1]
        assert (event.action, _summary(event.payload)) == (
            "code.split",
            {"code": "Othered", "new": "Lonely", "moved": [moved.id, also_moved.id]},
        )


def test_delete_is_refused_while_codings_exist_unless_confirmed(project: Project, project_path: Path) -> None:
    project.code("alpha", "Hope", coder="ana", start=13, end=31)
    project.code("beta", "Hope", coder="bo", quote="lonely")
    with pytest.raises(ConflictError) as caught:
        project.delete_code("Hope", coder="ana")
    assert caught.value.message == "code 'Hope' has 2 codings"
    assert "--with-codings" in caught.value.hint
    with pytest.raises(ConflictError, match="code 'Team' has sub-codes"):
        project.delete_code("Team", coder="ana")
    assert len(project.codings()) == 2
    assert project.delete_code("Hope", coder="ana", with_codings=True) == 2
    assert project.delete_code("Role clarity", coder="ana") == 0
    project.close()
    with Project.open(project_path) as reopened:
        assert reopened.codings() == []
        assert _tree(reopened) == [("Team", None), ("Othered", "Team")]
        deleted = [e for e in reopened.events() if e.action == "code.delete"]
        assert [e.payload["code"] for e in deleted] == ["Hope", "Role clarity"]
        assert [(c["start"], c["end"], c["coder"]) for c in deleted[0].payload["codings"]] == [
            (13, 31, "ana"),
            (103, 109, "bo"),
        ]


def test_add_and_update_code_check_the_codebook(project: Project, project_path: Path) -> None:
    project.add_code(
        "Boundaries", parent="Team", coder="ana", hotkey="b", definition="Where lines are drawn."
    )
    with pytest.raises(ConflictError, match="hotkey 'b' already used by 'Boundaries'"):
        project.add_code("Burnout", hotkey="b")
    with pytest.raises(ConflictError) as duplicate:
        project.add_code("hope")
    # the code in the project has no line in a file to point at
    assert duplicate.value.message == "duplicate code name 'hope' (already in the codebook)"
    project.update_code("Boundaries", coder="ana", keywords=["boundary", "line"], colour="#D55E00")
    with pytest.raises(ConflictError, match="that hotkey is taken"):
        project.update_code("Hope", hotkey="o")
    with pytest.raises(ConflictError, match="cannot change parent this way"):
        project.update_code("Hope", parent="Team")
    project.close()
    with Project.open(project_path) as reopened:
        assert reopened.codebook().get("Boundaries") == Code(
            "Boundaries",
            parent="Team",
            definition="Where lines are drawn.",
            keywords=("boundary", "line"),
            colour="#D55E00",
            hotkey="b",
        )
        actions = [e.action for e in reopened.events()[-2:]]
        assert actions == ["code.add", "code.update"]
        assert _summary(reopened.events()[-1].payload) == {
            "code": "Boundaries",
            "before": {"keywords": [], "colour": None},
            "after": {"keywords": ["boundary", "line"], "colour": "#D55E00"},
        }


def test_importing_a_codebook_again_updates_codes_and_keeps_codings(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    project.code("alpha", "Othered", coder="ana", start=13, end=31)
    project.add_memo("on othered", coder="ana", target=MemoTarget.CODE, target_name="Othered")
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        "codes:\n"
        "  - name: Othered\n"
        "    hotkey: p\n"  # takes Hope's key; Hope is not in this file, so it clashes
        "  - name: Stigma\n",
        encoding="utf-8",
    )
    with pytest.raises(CodebookError) as caught:
        project.import_codebook(edited)
    assert caught.value.problems == ["hotkey 'p' of 'Othered' is already used by 'Hope'"]
    edited.write_text(
        "codes:\n  - name: othered\n    hotkey: x\n    definition: New words.\n  - name: Stigma\n",
        encoding="utf-8",
    )
    assert project.import_codebook(edited, coder="ana") == (["Stigma"], ["othered"])
    project.close()
    with Project.open(project_path) as reopened:
        othered = reopened.codebook().get("Othered")
        assert othered is not None
        # The file's spelling wins; the code keeps its codings and memos; its parent is the file's (none).
        assert (othered.name, othered.hotkey, othered.definition, othered.parent) == (
            "othered",
            "x",
            "New words.",
            None,
        )
        assert _codings(reopened) == [("alpha", 13, 31, "othered", "ana")]
        assert [m.target_name for m in reopened.memos()] == ["othered"]
        assert _summary(reopened.events()[-1].payload) == {
            "source": "edited.yaml",
            "added": ["Stigma"],
            "updated": ["othered"],
        }


def test_export_writes_atomically_with_the_usual_permissions(project: Project, tmp_path: Path) -> None:
    import os
    import stat

    target = tmp_path / "book.yaml"
    target.write_text("old\n", encoding="utf-8")
    mask = os.umask(0o022)
    try:
        text = project.export_codebook(target)
    finally:
        os.umask(mask)
    assert target.read_text(encoding="utf-8") == text
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # not mkstemp's 0o600: colleagues read exports
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with pytest.raises(InputError) as caught:
        project.export_codebook(tmp_path / "missing" / "book.yaml")
    assert (
        caught.value.message
        == f"{tmp_path / 'missing' / 'book.yaml'}: cannot be written (No such file or directory)"
    )
