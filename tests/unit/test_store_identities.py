"""Stable identities: an id is never handed out twice, every row carries a uuid, and a memo stays on its
coding (or says that coding is gone) through deletes, undo, redo and the upgrade of an older project."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

from qualcode.model import MemoTarget
from qualcode.project import Project
from qualcode.store.engine import APPLICATION_ID, sqlite_engine

IDENTIFIED = ("coders", "cases", "transcripts", "codes", "codings", "memos")


def _memo_on_coding(project: Project, coding_id: int, text: str = "why this passage matters") -> int:
    memo = project.add_memo(text, coder="ana", target=MemoTarget.CODING, target_name=str(coding_id))
    return memo.id


def _on(project: Project, memo_id: int) -> tuple[str | None, bool, str]:
    memo = next(m for m in project.memos() if m.id == memo_id)
    return memo.target_name, memo.target_removed, memo.label


def test_a_deleted_codings_id_is_never_given_to_the_next_coding(project: Project) -> None:
    [first] = project.code("alpha", "Hope", coder="ana", start=63, end=87)
    memo_id = _memo_on_coding(project, first.id)
    project.uncode("alpha", "Hope", coder="ana", start=63, end=87)
    [second] = project.code("alpha", "Othered", coder="bo", start=88, end=120)
    assert second.id != first.id
    assert second.uuid != first.uuid
    # The memo keeps the coding it was written on, and says that coding is gone.
    assert _on(project, memo_id) == (str(first.id), True, f"coding {first.id} (removed)")


def test_ids_stay_unique_across_a_restart(project_path: Path) -> None:
    with Project.open(project_path) as project:
        [first] = project.code("alpha", "Hope", coder="ana", start=63, end=87)
        project.uncode("alpha", "Hope", coder="ana", start=63, end=87)
    with Project.open(project_path) as project:
        assert project.code("alpha", "Hope", coder="ana", start=63, end=87)[0].id > first.id


def test_undoing_a_removal_brings_the_coding_back_with_its_id_uuid_and_memo(project: Project) -> None:
    [coding] = project.code("alpha", "Hope", coder="ana", start=63, end=87)
    memo_id = _memo_on_coding(project, coding.id)
    project.uncode("alpha", "Hope", coder="ana", start=63, end=87)
    project.code("alpha", "Othered", coder="bo", start=88, end=120)  # another coder carries on meanwhile
    assert project.undo("ana") is not None
    (back,) = [c for c in project.codings() if c.code == "Hope"]
    assert (back.id, back.uuid, back.created_at) == (coding.id, coding.uuid, coding.created_at)
    assert _on(project, memo_id) == (str(coding.id), False, f"coding {coding.id}")
    assert project.redo("ana") is not None
    assert _on(project, memo_id)[1] is True


def test_redoing_an_undone_coding_brings_back_the_same_id_and_uuid(project: Project) -> None:
    [coding] = project.code("alpha", "Hope", coder="ana", start=63, end=87)
    project.undo("ana")
    assert project.codings() == []
    project.redo("ana")
    assert [(c.id, c.uuid) for c in project.codings()] == [(coding.id, coding.uuid)]


def test_undo_and_redo_keep_the_uuids_of_codes_and_memos(project: Project) -> None:
    hope = project.codebook().get("Hope")
    assert hope is not None and hope.uuid
    project.delete_code("Hope", "ana")
    project.undo("ana")
    assert project.codebook().get("Hope").uuid == hope.uuid  # type: ignore[union-attr]
    memo = project.add_memo("a first thought", coder="ana")
    assert memo.uuid
    project.undo("ana")
    assert project.memos() == []
    project.redo("ana")
    assert [(m.id, m.uuid) for m in project.memos()] == [(memo.id, memo.uuid)]


def test_every_row_has_its_own_uuid_and_the_model_objects_carry_it(project: Project) -> None:
    [coding] = project.code("alpha", "Hope", coder="ana", start=63, end=87)
    project.add_memo("note", coder="ana", target=MemoTarget.CODING, target_name=str(coding.id))
    with sqlite3.connect(project.repo.engine.url.database or "") as conn:
        for table in IDENTIFIED:
            rows = conn.execute(f"SELECT id, uuid FROM {table}").fetchall()
            assert all(uuid.UUID(u).version == 4 for _id, u in rows), table
            assert len({u for _id, u in rows}) == len(rows), table
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            assert "AUTOINCREMENT" in sql, table
        stored = dict(conn.execute("SELECT name, uuid FROM transcripts").fetchall())
    assert project.transcript("alpha").uuid == stored["alpha"]
    assert coding.uuid == project.codings()[0].uuid != ""
    assert all(c.uuid for c in project.codebook())
    assert all(m.uuid for m in project.memos())


def test_a_memo_written_before_its_coding_existed_is_not_shown_on_it(project: Project) -> None:
    # Projects from before ids were kept from reuse may hold a memo whose coding was deleted and whose
    # id a later coding took: that coding did not exist when the memo was written, so it is not its coding.
    [coding] = project.code("alpha", "Hope", coder="ana", start=63, end=87)
    memo_id = _memo_on_coding(project, coding.id)
    with sqlite3.connect(project.repo.engine.url.database or "") as conn:
        conn.execute("UPDATE memos SET created_at = '2001-01-01 00:00:00.000000' WHERE id = ?", (memo_id,))
    assert _on(project, memo_id) == (str(coding.id), True, f"coding {coding.id} (removed)")


# -- upgrading a project made before migration 0004 -----------------------------------------------

T0, T1, T2 = "2025-03-01 10:00:00.000000", "2025-03-01 11:00:00.000000", "2025-03-01 12:00:00.000000"
ALPHA = "Participant: I felt like an outsider. It gave me hope.\n"


def _project_at_0003(path: Path) -> None:
    """A project file as qualcode wrote it at schema 0003, with the defect's traces in it."""
    from alembic import command

    from qualcode.store.engine import _alembic_config

    engine = sqlite_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        command.upgrade(_alembic_config(conn), "0003")
    engine.dispose()
    empty = json.dumps([])
    removed_coding = {
        "id": 3, "transcript_id": 1, "code_id": 1, "coder_id": 1, "start": 38, "end": 52,
        "origin": "manual", "created_at": "2025-03-01T10:30:00",
    }  # fmt: skip
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(
            f"""
            INSERT INTO coders VALUES (1, 'ana'), (2, 'bo');
            INSERT INTO cases VALUES (1, 'P1');
            INSERT INTO attributes VALUES (1, 'role', 'Peer worker');
            INSERT INTO transcripts VALUES (1, 'alpha', '{ALPHA}', 'h1', 'alpha.txt', 'text', 1, '{T0}');
            INSERT INTO turns VALUES (1, 1, 0, 'Participant', 0, {len(ALPHA)}, NULL);
            INSERT INTO segments VALUES (1, 1, 0, 0, 13, 37), (2, 1, 1, 0, 38, 52);
            INSERT INTO codes VALUES
                (1, 'Hope', NULL, 0, 0, '', '{empty}', '{empty}', '{empty}', '{empty}', '{empty}', NULL, 'p'),
                (2, 'Team', NULL, 1, 1, '', '{empty}', '{empty}', '{empty}', '{empty}', '{empty}', NULL, NULL),
                (3, 'Othered', 2, 2, 0, '', '{empty}', '{empty}', '{empty}', '{empty}', '{empty}', NULL, 'o');
            INSERT INTO codings VALUES
                (1, 1, 3, 1, 13, 37, 'manual', '{T0}'),
                (2, 1, 3, 2, 13, 37, 'manual', '{T2}');
            INSERT INTO memos VALUES
                (1, 'coding', '1', 1, 'on coding 1, written after it', '{T1}', '{T1}'),
                (2, 'coding', '2', 1, 'on a coding 2 deleted since; bo''s later coding took its id',
                 '{T1}', '{T1}'),
                (3, 'coding', '3', 1, 'on coding 3, deleted since', '{T1}', '{T1}'),
                (4, 'code', 'Hope', 2, 'about hope', '{T1}', '{T1}');
            INSERT INTO suggestion_decisions VALUES
                (1, 1, 3, 1, 13, 37, 'rejected', 0.5, 'rule', '{T0}', 0);
            """
        )
        payload = {
            "codings": [{"id": 3}],
            "rows": {"codings": {"before": [removed_coding], "after": [], "ids": [3]}},
        }
        conn.execute(
            "INSERT INTO events (id, at, coder_id, action, payload) VALUES (1, ?, 1, 'coding.remove', ?)",
            (T1, json.dumps(payload)),
        )
        # A code deleted long ago, still in the log: its id must not go to a new code either.
        conn.execute(
            "INSERT INTO events (id, at, coder_id, action, payload) VALUES (2, ?, 2, 'note', ?)",
            (T1, json.dumps({"rows": {"codes": {"before": [], "after": [], "ids": [7]}}})),
        )


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        out = {}
        for table in (*IDENTIFIED, "attributes", "turns", "segments", "suggestion_decisions", "events"):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "uuid"]
            quoted = ", ".join(f'"{c}"' for c in columns)
            out[table] = conn.execute(f"SELECT {quoted} FROM {table} ORDER BY 1, 2").fetchall()
        return out


def _foreign_keys(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            table: sorted(tuple(r[2:]) for r in conn.execute(f"PRAGMA foreign_key_list({table})"))
            for table in (*IDENTIFIED, "attributes", "turns", "segments", "suggestion_decisions", "events")
        }


def test_upgrading_a_0003_project_keeps_ids_data_and_references_and_gives_uuids(tmp_path: Path) -> None:
    path = tmp_path / "old.qualcode"
    _project_at_0003(path)
    before, references = _dump(path), _foreign_keys(path)
    with Project.open(path) as project:
        memos = {m.id: (m.target_removed, m.label) for m in project.memos()}
    with sqlite3.connect(path) as conn:
        # 0004 (identities), then 0005 (speaker rules) and 0006 (codings cut to speech)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0006",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in IDENTIFIED:
            uuids = [u for (u,) in conn.execute(f"SELECT uuid FROM {table}")]
            assert uuids and all(uuid.UUID(u).version == 4 for u in uuids), table
            assert len(set(uuids)) == len(uuids), table
    assert _dump(path) == before  # no row lost, changed or renumbered (turns and segments did not cascade)
    assert _foreign_keys(path) == references
    assert memos == {
        1: (False, "coding 1"),
        2: (True, "coding 2 (removed)"),  # written before bo's coding 2 existed
        3: (True, "coding 3 (removed)"),
        4: (False, "code Hope"),
    }


def test_after_the_upgrade_freed_ids_stay_taken_and_old_undos_still_work(tmp_path: Path) -> None:
    path = tmp_path / "old.qualcode"
    _project_at_0003(path)
    with Project.open(path) as project:
        # Coding 3 was deleted before the upgrade; a memo and the log still name it.
        [new] = project.code("alpha", "Hope", coder="bo", start=13, end=37)
        assert new.id == 4
        # ana's removal of coding 3 is logged from before uuids existed: undo brings it back, with one.
        assert project.undo("ana") is not None
        back = {c.id: c for c in project.codings()}[3]
        assert (back.code, back.span.start, back.span.end, back.coder) == ("Hope", 38, 52, "ana")
        assert uuid.UUID(back.uuid).version == 4
        assert {m.id: m.target_removed for m in project.memos()}[3] is False
    with sqlite3.connect(path) as conn:
        assert dict(conn.execute("SELECT name, seq FROM sqlite_sequence"))["codes"] >= 7
