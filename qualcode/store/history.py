"""Undo and redo through the project's event log, across sessions and restarts.

Every undoable action logs the before and after images of the rows it touched (codes, codings, memos,
suggestion decisions).
Undo writes the before images back; redo writes the after images. Which action is next to undo or redo
is worked out from the acting coder's own events, so a coder's undo never reaches into another coder's
work, and the log stays append-only: undo and redo are events too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from qualcode.errors import ConflictError
from qualcode.store import schema as t

# Tables an action may touch, in the order rows are restored (parents first) and removed (reverse).
_TABLES = {
    "codes": t.codes,
    "codings": t.codings,
    "memos": t.memos,
    "suggestion_decisions": t.suggestion_decisions,
    "speaker_rules": t.speaker_rules,
}
_ORDER = ("codes", "codings", "memos", "suggestion_decisions", "speaker_rules")
UNDO, REDO = "undo", "redo"


class RowImages:
    """Collects the rows an action touches, as they were before it and as they are after it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._before: dict[str, dict[int, dict[str, Any] | None]] = {name: {} for name in _TABLES}

    def capture(self, table: str, ids: list[int]) -> None:
        """Remember rows as they are now, before the action changes them (first capture wins)."""
        fresh = [i for i in ids if i not in self._before[table]]
        if not fresh:
            return
        found = {r["id"]: r for r in _rows(self.conn, table, fresh)}
        for row_id in fresh:
            self._before[table][row_id] = found.get(row_id)

    def created(self, table: str, row_id: int) -> None:
        """Note a row the action made (it had no before image)."""
        self._before[table].setdefault(row_id, None)

    def payload(self) -> dict[str, Any]:
        """Before and after images of every touched row, ready for the event log (JSON)."""
        out: dict[str, Any] = {}
        for name, before in self._before.items():
            if not before:
                continue
            after = {r["id"]: r for r in _rows(self.conn, name, list(before))}
            out[name] = {
                "before": [_jsonable(r) for r in before.values() if r is not None],
                "after": [_jsonable(r) for r in after.values()],
                "ids": sorted(before),
            }
        return out


def _rows(conn: Connection, table: str, ids: list[int]) -> list[dict[str, Any]]:
    tbl = _TABLES[table]
    # One id is the common case (a key press codes one span): a plain comparison compiles once and is
    # cached, where IN with a list is re-rendered for every call.
    where = tbl.c.id == ids[0] if len(ids) == 1 else tbl.c.id.in_(ids)
    return [dict(r._mapping) for r in conn.execute(select(tbl).where(where))]


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def _restorable(table: str, row: dict[str, Any]) -> dict[str, Any]:
    tbl = _TABLES[table]
    return {
        k: datetime.fromisoformat(v) if isinstance(tbl.c[k].type, DateTime) and isinstance(v, str) else v
        for k, v in row.items()
    }


def apply_images(conn: Connection, images: dict[str, Any], which: str) -> None:
    """Make the touched rows look as they did ``which`` ("before" or "after") the action.

    Raises:
        ConflictError: when the rows have since changed so that the images cannot be written back
            (for example, another coder reused a name or a hotkey).
    """
    wanted = {name: {r["id"]: r for r in images[name][which]} for name in images}
    verb = "undo" if which == "before" else "redo"
    _check_untouched_since(conn, images, "after" if which == "before" else "before", verb)
    if conn.dialect.name == "sqlite":
        # Rows point at each other (codings at codes, codes at parents): check references at commit.
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    try:
        with conn.begin_nested():
            # Hotkeys may move between codes (and to codes this removes): free every touched one first.
            if "codes" in images:
                ids = list(images["codes"]["ids"])
                conn.execute(update(t.codes).where(t.codes.c.id.in_(ids)).values(hotkey=None))
            for name in _ORDER:
                if name in images:
                    other = {r["id"]: r for r in images[name]["after" if which == "before" else "before"]}
                    _upsert(conn, _TABLES[name], name, list(wanted[name].values()), other)
            for name in reversed(_ORDER):
                if name in images:
                    gone = [i for i in images[name]["ids"] if i not in wanted[name]]
                    tbl = _TABLES[name]
                    conn.execute(delete(tbl).where(tbl.c.id.in_(gone)))
    except IntegrityError as exc:  # the project moved on in a way that blocks it (a name was reused)
        raise ConflictError(
            f"cannot {verb} this: the codes or codings it touched have changed since",
            "make the change by hand instead",
        ) from exc


def _check_untouched_since(conn: Connection, images: dict[str, Any], now: str, verb: str) -> None:
    """Refuse when the rows the action touched are no longer as it left them (``now``: that image).

    Another coder may have changed such a row since, or (in SQLite, which reuses the id of the newest row
    once it is deleted) a new row of someone else's may carry the id of one the action deleted. Writing
    the images back would overwrite that work. Removing a code also removes the suggestion decisions on
    it (ON DELETE CASCADE), so decisions made on it since, which the images do not hold, block it too.
    """
    conflict = ConflictError(
        f"cannot {verb} this: what it changed has been changed since (by another coder or action)",
        "make the change by hand instead",
    )
    for name, image in images.items():
        if not image["ids"]:
            continue
        expected = {r["id"]: r for r in image[now]}
        present = list(_rows(conn, name, image["ids"]))
        if any(not _as_left(name, _jsonable(row), expected.get(row["id"])) for row in present):
            raise conflict
        if set(expected) - {row["id"] for row in present}:  # gone since (deleted elsewhere)
            raise conflict
    if "codes" in images:
        codes = images["codes"]
        removed = set(codes["ids"]) - {r["id"] for r in codes["before" if now == "after" else "after"]}
        known = set(images.get("suggestion_decisions", {}).get("ids", ()))
        decisions = t.suggestion_decisions
        if removed and any(
            i not in known
            for i in conn.execute(select(decisions.c.id).where(decisions.c.code_id.in_(removed))).scalars()
        ):
            raise conflict


# Columns that renames elsewhere keep up to date without an undoable event of their own: a memo follows
# its transcript or code when that is renamed. They never block an undo, and are written back only by the
# action that changed them.
_FOLLOWS_RENAMES = {"memos": frozenset({"target_name"})}


def _as_left(table: str, row: dict[str, Any], image: dict[str, Any] | None) -> bool:
    """Whether a row is as the image shows it (columns added by a later migration are not in older images)."""
    follows = _FOLLOWS_RENAMES.get(table, frozenset())
    return image is not None and all(row.get(k) == v for k, v in image.items() if k not in follows)


def _upsert(
    conn: Connection, tbl: Any, name: str, rows: list[dict[str, Any]], other: dict[int, dict[str, Any]]
) -> None:
    """Write ``rows`` back; ``other``: the same rows in the opposite image.

    A column that follows renames is written back only where this action itself changed it (a code
    rename moving its memos): elsewhere it may have followed a rename since, and keeps that.
    """
    follows = _FOLLOWS_RENAMES.get(name, frozenset())
    for row in rows:
        values = _restorable(name, row)
        if conn.execute(select(tbl.c.id).where(tbl.c.id == row["id"])).first() is not None:
            then = other.get(row["id"], {})
            kept = {k: v for k, v in values.items() if k not in follows or then.get(k) != row.get(k)}
            conn.execute(update(tbl).where(tbl.c.id == row["id"]).values(**kept))
        else:
            conn.execute(insert(tbl).values(**values))


# Actions whose events carry row images and so can be undone.
UNDOABLE = frozenset(
    {
        "coding.add", "coding.remove", "codings.import", "code.add", "code.update", "code.rename",
        "code.move", "code.merge", "code.split", "code.delete", "codebook.import", "memo.add", "memo.update", "suggestion.accept",
        "suggestion.reject", "suggestion.forget", "speaker.set",
    }
)  # fmt: skip


def pending(events: list[tuple[int, str, int | None]]) -> tuple[list[int], list[int]]:
    """From one coder's events (id, action, target event of an undo/redo) in order: what undo and redo take.

    Returns:
        The undo stack and the redo stack; the last item of each is next.
    """
    done: list[int] = []
    undone: list[int] = []
    for event_id, action, target in events:
        if action == UNDO:
            if done and done[-1] == target:
                undone.append(done.pop())
        elif action == REDO:
            if undone and undone[-1] == target:
                done.append(undone.pop())
        elif action in UNDOABLE:
            done.append(event_id)
            undone.clear()
    return done, undone
