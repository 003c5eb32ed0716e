"""JSON export: a table as an array of records; several tables as an object keyed by table."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualcode.formats.exports import Document, Table

NAME = "json"


def records(table: Table) -> list[dict[str, Any]]:
    """The table's rows as records, with plain JSON values (lists stay lists, missing values null)."""
    from qualcode.formats.exports import plain_value

    columns = [str(c) for c in table.frame.columns]
    return [
        dict(zip(columns, (plain_value(v) for v in row), strict=True))
        for row in table.frame.itertuples(index=False)
    ]


def render(document: Document) -> str:
    """One table: ``[{column: value, ...}, ...]``; several: ``{"title", "generated", "tables": {key: [...]}}``."""
    tables = document.tables
    data: Any
    if len(tables) == 1:
        data = records(tables[0])
    else:
        data = {
            "title": document.title,
            "generated": document.generated,
            "tables": {t.key: records(t) for t in tables},
        }
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
