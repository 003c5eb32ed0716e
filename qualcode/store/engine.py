"""Opening a project store: the engine, SQLite's durability settings, and schema migrations."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError

from qualcode.errors import ProjectBusyError, ProjectFileError

APPLICATION_ID = 0x51434F44  # "QCOD", written to SQLite's application_id header field
BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "qualcode_write"


def _sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level so SQLAlchemy's BEGIN is the only transaction boundary.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # WAL keeps readers (a second workbench, the CLI) working during a write; FULL syncs on every commit,
    # so a coding the screen called saved survives a power cut.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _on_begin(conn: Any) -> None:
    # A write takes the lock up front: two processes that both read then write would otherwise deadlock.
    # Reads stay deferred so a reader never waits for a writer under WAL.
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def sqlite_engine(path: Path) -> Engine:
    """An engine for a project file, with durability settings applied to every connection."""
    engine = create_engine(_sqlite_url(path))
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _read_only_engine(path: Path, mode: str) -> Engine:
    """An engine that only reads the project, in the URI ``mode`` SQLite could read it in (``ro``, or
    ``ro&immutable=1`` in a read-only folder without the -shm file SQLite would need to create)."""
    uri = _uri(path, mode)
    # The file's own URL (errors name the project by it; the pool is a file's), connected through the URI.
    engine = create_engine(
        _sqlite_url(path), creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
    )
    event.listen(engine, "connect", _on_read_only_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_read_only_connect(dbapi_connection: Any, _record: Any) -> None:
    # As _on_connect, without the journal settings: they would write to the file.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.close()


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "qualcode.store:migrations")
    config.attributes["connection"] = connection
    return config


def _known_revisions() -> tuple[set[str], str]:
    """The revisions this qualcode knows and its head, read from the migration file names.

    Migrations are numbered files (``0001_initial.py``, ``0002_....py``) whose revision is the number, in a
    straight line; reading names avoids loading Alembic on every open. A test checks this against Alembic.
    """
    versions = Path(__file__).parent / "migrations" / "versions"
    known = {p.name.split("_", 1)[0] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py")}
    return known, max(known)


def schema_version(engine: Engine) -> str | None:
    """The migration revision recorded in the store, or None for a store with no qualcode schema."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        rev: str | None = MigrationContext.configure(conn).get_current_revision()
        return rev


def _uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


def _sqlite_state(path: Path) -> tuple[str, str]:
    """Whether SQLite can read the file ("ok"), cannot ("not sqlite") or finds it damaged ("damaged"),
    asked of SQLite itself (read-only); and the URI mode it read in.

    Never read a project file with Python's own file functions: closing that handle would drop every
    POSIX lock this process holds on the file, including those of the open workbench's connections
    (a worker thread opens the project again), and another process could then delete the WAL under it.
    SQLite's own files share their locks within the process and are safe.
    """
    if path.stat().st_size == 0:
        return "not sqlite", ""
    # SQLite makes the -wal and -shm files of a file whose header says write-ahead log even when it then
    # cannot read it (a file copied in part): those are removed again, as no one can be using them.
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    made_here = [p for p in companions if not p.exists()]
    state = "not sqlite"
    # A plain read-only open first. Only where that cannot open (a read-only folder without the -shm
    # file) without locks, immutable: such a read could see a page another process is writing.
    for mode in ("ro", "ro&immutable=1"):
        try:
            connection = sqlite3.connect(_uri(path, mode), uri=True)
            try:
                connection.execute("PRAGMA schema_version").fetchone()
            finally:
                connection.close()
            return "ok", mode
        except sqlite3.Error as exc:
            if "malformed" in str(exc):
                state = "damaged"
            elif "not a database" in str(exc):
                break
    for leftover in made_here:
        with contextlib.suppress(OSError):
            if leftover.name.endswith("-shm") or leftover.stat().st_size == 0:
                leftover.unlink()
    return state, ""


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only(path: Path) -> ProjectFileError:
    return ProjectFileError(
        f"{path}: the project file or its folder is read-only",
        "make both writable, or copy the project to a folder you can write to (SQLite keeps its lock and "
        "log files beside it)",
    )


def read_only_error(path: Path, exc: BaseException) -> ProjectFileError | None:
    """The clear error for a write that SQLite refused because the project is read-only, else None."""
    text = str(getattr(exc, "orig", exc)).casefold()
    if "readonly" in text or "read-only" in text or not _writable(path):
        return _read_only(path)
    return None


def busy_error(path: Path, exc: BaseException) -> ProjectBusyError | None:
    """The clear error for a read or write that waited in vain for another program's lock, else None."""
    if "database is locked" not in str(getattr(exc, "orig", exc)):
        return None
    return ProjectBusyError(
        f"{path}: the project is busy (another program kept it locked for {BUSY_TIMEOUT_MS // 1000} s); "
        "nothing was stored",
        "try again; if it stays busy, close what else has it open (a second workbench, qualcode serve, "
        "a sync tool)",
    )


def damaged_error(path: Path, exc: BaseException) -> ProjectFileError | None:
    """The clear error for a read or write that SQLite refused because the file is damaged, else None."""
    text = str(getattr(exc, "orig", exc))
    if "malformed" not in text and "not a database" not in text:
        return None
    return ProjectFileError(
        f"{path}: the project file is damaged ({text})",
        "nothing was changed; restore it from a backup, or recover a copy with: sqlite3 COPY .recover",
    )


def create_project_store(path: Path) -> Engine:
    """Create a new, empty project file at ``path`` with the latest schema.

    Raises:
        ProjectFileError: if something already exists at ``path``.
    """
    if path.exists():
        raise ProjectFileError(f"{path}: already exists", "open it, or choose another file name")
    if not path.parent.exists():
        raise ProjectFileError(f"{path.parent}: no such folder", "create the folder first")
    engine = sqlite_engine(path)
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        migrate(engine)
    except Exception:
        engine.dispose()
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return engine


def _probe(path: Path, mode: str = "") -> tuple[int, set[str], str | None]:
    """The file's application id, table names and recorded revision, read without the engine.

    The engine's connections switch the file to WAL; a file that turns out not to be ours (or to be from a
    newer qualcode) must be left exactly as it was, so it is read through a plain connection first (in
    URI ``mode`` when given).
    """
    connection = sqlite3.connect(_uri(path, mode), uri=True) if mode else sqlite3.connect(path)
    try:
        app_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None else str(row[0])
    finally:
        connection.close()
    return app_id, tables, revision


def open_project_store(path: Path, *, reading: bool = False) -> Engine:
    """Open an existing project file, upgrading an older schema in place.

    Args:
        reading: The caller only reads. A project that cannot be written (an archive on read-only
            storage) is then opened read-only instead of refused; a write through it is refused then.

    Raises:
        ProjectFileError: if the file is missing, is not a qualcode project, or comes from a newer qualcode.
    """
    if not path.exists():
        raise ProjectFileError(f"{path}: no such project file", f"create it with: qualcode init {path}")
    state, mode = ("not sqlite", "") if path.is_dir() else _sqlite_state(path)
    if state == "damaged":
        raise ProjectFileError(
            f"{path}: the project file is damaged or was not copied whole (SQLite: disk image malformed)",
            "restore it from a backup, or recover a copy with: sqlite3 COPY .recover",
        )
    if state != "ok":
        raise ProjectFileError(
            f"{path}: not a qualcode project (not an SQLite file)",
            "check the file name; projects are made with `qualcode init`",
        )
    read_only = reading and not _writable(path)
    try:
        app_id, tables, current = _probe(path, mode if read_only else "")
    except sqlite3.Error as exc:
        if not _writable(path):
            raise _read_only(path) from exc
        raise ProjectFileError(
            f"{path}: cannot be read as a project ({exc.args[0]})",
            "the file may be damaged; restore it from a backup",
        ) from exc
    if app_id != APPLICATION_ID or "alembic_version" not in tables:
        raise ProjectFileError(
            f"{path}: not a qualcode project",
            "it is an SQLite file of another program; projects are made with `qualcode init`",
        )
    known, _head = _known_revisions()
    if current is not None and current not in known:
        raise ProjectFileError(
            f"{path}: made by a newer qualcode (schema {current})",
            "upgrade qualcode (pip install -U qualcode) to open it; the file was not changed",
        )
    if read_only:
        if current != _head:
            raise ProjectFileError(
                f"{path}: is read-only and comes from an older qualcode (schema {current})",
                "copy it to a folder you can write to: it is brought up to date when opened there",
            )
        wal = path.with_name(path.name + "-wal")
        if "immutable" in mode and wal.exists() and wal.stat().st_size > 0:
            # Read as immutable, SQLite would not look at the log: the project would show without them.
            raise ProjectFileError(
                f"{path}: is read-only and its latest changes are still in {wal.name}, which SQLite cannot "
                "read there without the -shm file",
                "copy the project and its -wal file together to a folder you can write to",
            )
        return _read_only_engine(path, mode)
    engine = sqlite_engine(path)
    if current == _head:
        return engine
    try:
        migrate(engine)
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        if (refused := read_only_error(path, exc)) is not None:
            raise refused from exc
        raise ProjectFileError(
            f"{path}: cannot be read as a project ({exc.args[0]})",
            "the file may be damaged; restore it from a backup",
        ) from exc
    return engine


def migrate(engine: Engine) -> None:
    """Bring the store to the latest schema (no-op when it is current), in one transaction."""
    from alembic import command

    _known, head = _known_revisions()
    if schema_version(engine) == head:
        return
    with schema_change(engine) as conn:
        command.upgrade(_alembic_config(conn), "head")


@contextlib.contextmanager
def schema_change(engine: Engine) -> Iterator[Connection]:
    """A write transaction for changing the schema (a migration, up or down), foreign keys checked at its end.

    A migration that rebuilds a table (SQLite cannot alter most of one in place) drops the old table: with
    foreign keys on, that drop would cascade to the rows pointing at it (a transcript's turns, segments and
    codings). SQLite only switches them outside a transaction, so on the driver's own connection; every
    reference is checked before the commit instead.

    Raises:
        ProjectFileError: when the change would leave a reference broken (nothing is changed then).
    """
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
        raw: Any = conn.connection.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                yield conn
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise ProjectFileError(
                        f"{engine.url.database}: changing the schema would break {len(broken)} references "
                        f"(first: table {broken[0][0]}, row {broken[0][1]})",
                        "nothing was changed; restore the project from a backup, or report this",
                    )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")
