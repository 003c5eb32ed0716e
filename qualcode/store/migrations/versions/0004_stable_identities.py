"""Stable identities: ids that are never handed out again, and a uuid on every row others point at.

Revision ID: 0004
Revises: 0003

Without AUTOINCREMENT, SQLite gives a new row the id of the newest row once that is deleted: a memo on a
deleted coding then showed as a memo on whichever coding was made next. The six tables are rebuilt with
AUTOINCREMENT (SQLite can only set it when it makes a table) and each row gets a uuid. Ids, data and
foreign keys are kept as they are; the engine runs migrations with foreign keys off, so dropping the old
tables does not cascade, and checks every reference before it commits.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Parents first: the order does not matter to SQLite with foreign keys off, but reads as the schema does.
TABLES = ("coders", "cases", "transcripts", "codes", "codings", "memos")

# Ids that events (row images undo writes back) still hold for rows that may be gone now: a deleted
# row's id must not go to a new row, or undoing that delete would be refused (or a memo reattach).
_REFERENCED_IN_EVENTS = (
    "SELECT max(CAST(j.value AS INTEGER)) FROM events, json_each(events.payload, :path) AS j"
)


def upgrade() -> None:
    conn = op.get_bind()
    for table in TABLES:
        # Nullable at first: the rows there are given their uuids before the rebuild makes it required.
        op.add_column(table, sa.Column("uuid", sa.String(36), nullable=True))
        ids = conn.execute(sa.text(f"SELECT id FROM {table}")).scalars().all()
        if ids:
            conn.execute(
                sa.text(f"UPDATE {table} SET uuid = :uuid WHERE id = :id"),
                [{"id": row_id, "uuid": str(uuid.uuid4())} for row_id in ids],
            )
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch:
            batch.alter_column("uuid", existing_type=sa.String(36), nullable=False)
            batch.create_unique_constraint(f"uq_{table}_uuid", ["uuid"])
    if conn.dialect.name == "sqlite":
        _reserve_freed_ids(conn)


def _reserve_freed_ids(conn: sa.Connection) -> None:
    """Start each table's sequence past every id a memo or the event log still holds.

    The rebuild starts the sequence at the largest id left in the table; an id freed before this
    migration (the newest coding deleted, a memo still on it) would otherwise be handed out once more.
    """
    for table in ("codes", "codings", "memos"):
        taken = [
            conn.execute(sa.text(f"SELECT max(id) FROM {table}")).scalar(),
            conn.execute(sa.text(_REFERENCED_IN_EVENTS), {"path": f"$.rows.{table}.ids"}).scalar(),
        ]
        if table == "codings":
            taken.append(
                conn.execute(
                    sa.text(
                        "SELECT max(CAST(target_name AS INTEGER)) FROM memos "
                        "WHERE target = 'coding' AND target_name GLOB '[0-9]*'"
                    )
                ).scalar()
            )
        highest = max((int(v) for v in taken if v is not None), default=0)
        if highest == 0:
            continue
        params = {"name": table, "seq": highest}
        done = conn.execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = :name"), params
        )
        if done.rowcount == 0:
            conn.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"), params)


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ) as batch:
            batch.drop_constraint(f"uq_{table}_uuid", type_="unique")
            batch.drop_column("uuid")
