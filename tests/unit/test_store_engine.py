"""The project file: SQLite durability settings, the recorded schema revision, and refusing foreign files."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from qualcode.errors import ProjectFileError
from qualcode.project import Project
from qualcode.store import migrations, schema
from qualcode.store.engine import APPLICATION_ID, schema_version

MIGRATIONS_HEAD = ScriptDirectory(str(Path(migrations.__file__).parent)).get_current_head()


def _pragmas(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        return {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "application_id")
        }


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_new_project_file_has_wal_foreign_keys_and_full_sync(tmp_path: Path) -> None:
    with Project.init(tmp_path / "new.qualcode") as project:
        # synchronous 2 is FULL: every commit is synced before the call returns.
        assert _pragmas(project.repo.engine) == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "synchronous": 2,
            "application_id": APPLICATION_ID,
        }


def test_reopened_project_connections_get_the_same_settings(tmp_path: Path) -> None:
    Project.init(tmp_path / "p.qualcode").close()
    with Project.open(tmp_path / "p.qualcode") as project:
        assert _pragmas(project.repo.engine)["synchronous"] == 2
        assert _pragmas(project.repo.engine)["foreign_keys"] == 1
        assert _pragmas(project.repo.engine)["journal_mode"] == "wal"


def test_new_project_records_the_migrations_head(tmp_path: Path) -> None:
    path = tmp_path / "new.qualcode"
    Project.init(path).close()
    # The newest numbered migration file is the head a new project records.
    versions = Path(migrations.__file__).parent / "versions"
    newest = max(p.name[:4] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert newest == MIGRATIONS_HEAD
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(MIGRATIONS_HEAD,)]
    with Project.open(path) as project:
        assert schema_version(project.repo.engine) == MIGRATIONS_HEAD


def test_tables_made_by_the_migrations_match_schema_py(tmp_path: Path) -> None:
    with Project.init(tmp_path / "new.qualcode") as project, project.repo.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, schema.metadata) == []


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    from sqlalchemy.exc import IntegrityError

    with Project.init(tmp_path / "new.qualcode") as project:
        with pytest.raises(IntegrityError), project.repo.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO turns (transcript_id, idx, speaker, start, \"end\") VALUES (999, 0, 'A', 0, 1)"
            )
        assert project.stats()["turns"] == 0


def test_init_refuses_an_existing_file_and_a_missing_folder(tmp_path: Path) -> None:
    existing = tmp_path / "notes.qualcode"
    existing.write_bytes(b"precious")
    with pytest.raises(ProjectFileError, match="already exists") as caught:
        Project.init(existing)
    assert str(existing) in caught.value.message
    assert existing.read_bytes() == b"precious"
    with pytest.raises(ProjectFileError, match="no such folder"):
        Project.init(tmp_path / "missing" / "p.qualcode")
    assert not (tmp_path / "missing").exists()


def _not_sqlite(path: Path) -> None:
    path.write_text("Interviewer: this is a transcript, not a project\n", encoding="utf-8")


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Dana', '0123')")
    conn.commit()
    conn.close()


def _newer_qualcode(path: Path) -> None:
    Project.init(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_sqlite, "not a qualcode project (not an SQLite file)"),
        (_other_program, "not a qualcode project"),
        (_newer_qualcode, "made by a newer qualcode (schema 9999)"),
    ],
    ids=["not-sqlite", "other-program", "unknown-revision"],
)
def test_open_refuses_foreign_files_and_leaves_them_unchanged(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "study.qualcode"
    make(path)
    before, files_before = path.read_bytes(), _siblings(path)
    with pytest.raises(ProjectFileError) as caught:
        Project.open(path)
    assert caught.value.message == f"{path}: {message}"
    assert caught.value.hint
    assert path.read_bytes() == before
    assert _siblings(path) == files_before  # no -wal or -shm left behind


def test_open_refuses_a_missing_file_without_creating_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.qualcode"
    with pytest.raises(ProjectFileError) as caught:
        Project.open(path)
    assert caught.value.message == f"{path}: no such project file"
    assert caught.value.hint == f"create it with: qualcode init {path}"
    assert list(tmp_path.iterdir()) == []


def test_open_refuses_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "damaged.qualcode"
    Project.init(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree, after the header
    path.write_bytes(bytes(data))
    with pytest.raises(ProjectFileError) as caught:
        Project.open(path)
    assert caught.value.message.startswith(f"{path}: cannot be read as a project")


def test_a_project_copied_in_part_is_called_damaged_and_left_as_it_was(
    tiny_template: Path, tmp_path: Path
) -> None:
    # A file cut off after 5,000 bytes (a copy that stopped): it was called "not an SQLite file", and
    # SQLite's look at it left a -wal and a -shm file beside it.
    path = tmp_path / "study.qualcode"
    path.write_bytes(tiny_template.read_bytes()[:5000])
    with pytest.raises(ProjectFileError) as caught:
        Project.open(path)
    assert caught.value.message == (
        f"{path}: the project file is damaged or was not copied whole (SQLite: disk image malformed)"
    )
    assert caught.value.hint == "restore it from a backup, or recover a copy with: sqlite3 COPY .recover"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.qualcode"]
    assert path.read_bytes() == tiny_template.read_bytes()[:5000]


def test_a_page_damaged_after_opening_gives_one_clear_error(tiny_template: Path, tmp_path: Path) -> None:
    # Damage the opening check cannot see (a page deep in the file) surfaced as SQLAlchemy's traceback.
    from qualcode.demo import build_demo

    path = tmp_path / "demo.qualcode"
    build_demo(path).close()
    data = bytearray(path.read_bytes())
    data[4096 * 30 : 4096 * 50] = b"\xff" * 4096 * 20
    path.write_bytes(bytes(data))
    with pytest.raises(ProjectFileError) as caught, Project.open(path) as project:
        project.codebook()  # its pages are among those overwritten
    assert caught.value.message == (f"{path}: the project file is damaged (database disk image is malformed)")
    assert caught.value.hint.startswith("nothing was changed; restore it from a backup")


def test_a_write_that_waits_in_vain_for_a_lock_says_the_project_is_busy(
    tiny_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another program holding the write lock longer than qualcode waits gave SQLAlchemy's "database is
    # locked" traceback, and in the workbench it ended the app.
    from qualcode.errors import ProjectBusyError
    from qualcode.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "study.qualcode"
    shutil.copyfile(tiny_template, path)
    holder = sqlite3.connect(path, isolation_level=None)
    with Project.open(path) as project:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(ProjectBusyError) as caught:
            project.code("alpha", "Hope", coder="ana", start=63, end=87)
        holder.execute("ROLLBACK")
        assert caught.value.message == (
            f"{path}: the project is busy (another program kept it locked for 0 s); nothing was stored"
        )
        assert caught.value.hint.startswith("try again; if it stays busy, close what else has it open")
        assert project.codings() == []
        project.code("alpha", "Hope", coder="ana", start=63, end=87)  # free again: it works
        assert len(project.codings()) == 1
    holder.close()


def test_open_accepts_a_copy_and_keeps_its_revision(tiny_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.qualcode"
    shutil.copyfile(tiny_template, path)
    with Project.open(path) as project:
        assert schema_version(project.repo.engine) == MIGRATIONS_HEAD
        assert [t.name for t in project.transcripts()] == ["alpha", "beta"]


def test_revisions_read_from_file_names_match_alembic() -> None:
    from alembic.script import ScriptDirectory

    from qualcode.store import migrations
    from qualcode.store.engine import _known_revisions

    script = ScriptDirectory(str(Path(migrations.__file__).parent))
    known, head = _known_revisions()
    assert known == {rev.revision for rev in script.walk_revisions()}
    assert head == script.get_current_head()


def _codings_seen_by_another_process(path: Path) -> int:
    script = "import sys; from qualcode.project import Project\n"
    script += "with Project.open(sys.argv[1]) as p: print(len(p.codings()))"
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_opening_a_project_twice_in_one_process_keeps_the_first_connections_locks(
    project_path: Path,
) -> None:
    # The workbench opens the project again in a worker thread. If opening read the file with Python's
    # own file functions, closing that handle would drop this process's locks on the file; another
    # process closing the project would then delete the WAL under the workbench, and what the
    # workbench stored afterwards would be invisible to everyone else, and lost if it were killed.
    with Project.open(project_path) as workbench:
        workbench.code("alpha", "Othered", coder="ana", start=63, end=87)
        Project.open(project_path).close()  # the worker's own connection
        assert _codings_seen_by_another_process(project_path) == 1  # another process opens and closes
        assert (project_path.parent / (project_path.name + "-wal")).exists()
        workbench.code("alpha", "Hope", coder="ana", start=88, end=125)
        assert _codings_seen_by_another_process(project_path) == 2


def test_a_write_sqlite_refuses_as_read_only_is_one_clear_error(tiny_template: Path, tmp_path: Path) -> None:
    from sqlalchemy import event

    path = tmp_path / "p.qualcode"
    shutil.copyfile(tiny_template, path)
    with Project.open(path) as project:
        engine = project.repo.engine

        @event.listens_for(engine, "connect")
        def _read_only(connection: sqlite3.Connection, _record: object) -> None:
            # What SQLite says for a file it may not write ("attempt to write a readonly database").
            connection.execute("PRAGMA query_only = ON")

        engine.dispose()
        with pytest.raises(
            ProjectFileError, match=r"p\.qualcode: the project file or its folder is read-only"
        ):
            project.code("alpha", "Hope", coder="ana", start=13, end=31)
    with Project.open(path) as project:
        assert project.codings() == []


def test_a_project_that_cannot_be_written_is_opened_for_reading_and_refuses_writes(
    tiny_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On read-only storage (an archived study) the reading commands refused the project outright. As root
    # the file system's answer cannot be had from a chmod, so the check is what is replaced here; the
    # engine below is SQLite opened with mode=ro all the same.
    from qualcode.store import engine as store_engine

    path = tmp_path / "p.qualcode"
    shutil.copyfile(tiny_template, path)
    with Project.open(path) as project:
        project.code("alpha", "Hope", coder="ana", start=13, end=31)
    before = path.read_bytes()
    monkeypatch.setattr(store_engine, "_writable", lambda _path: False)
    with Project.open(path, reading=True) as project:
        assert [(c.transcript, c.code, c.coder) for c in project.codings()] == [("alpha", "Hope", "ana")]
        with pytest.raises(ProjectFileError, match=r"the project file or its folder is read-only"):
            project.code("alpha", "Hope", coder="ana", start=63, end=87)
    assert path.read_bytes() == before


def test_a_read_only_project_whose_changes_sit_in_an_unreadable_log_is_refused_not_shown_without_them(
    tiny_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a read-only folder without the -shm file SQLite reads only as "immutable", which ignores the -wal
    # file: the codings still in it would be missing from what the command shows.
    from qualcode.store import engine as store_engine

    path = tmp_path / "p.qualcode"
    shutil.copyfile(tiny_template, path)
    wal = path.with_name("p.qualcode-wal")
    code = (
        "import os, sys\nfrom qualcode.project import Project\n"
        "p = Project.open(sys.argv[1])\np.code('alpha', 'Hope', coder='ana', start=13, end=31)\n"
        "os._exit(0)  # no checkpoint: the coding stays in the -wal file\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)
    assert wal.stat().st_size > 0
    monkeypatch.setattr(store_engine, "_writable", lambda _path: False)
    monkeypatch.setattr(store_engine, "_sqlite_state", lambda _path: ("ok", "ro&immutable=1"))
    with pytest.raises(ProjectFileError) as caught:
        Project.open(path, reading=True)
    assert caught.value.one_line() == (
        f"{path}: is read-only and its latest changes are still in p.qualcode-wal, which SQLite cannot read "
        "there without the -shm file; copy the project and its -wal file together to a folder you can "
        "write to"
    )
