"""CSV export: one table, a header row of the documented column names, UTF-8, LF line ends."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.formats.exports import Document

NAME = "csv"


def render(document: Document) -> str:
    """The document's one table as CSV (lists joined with "; ", shares as fractions 0..1).

    Raises:
        InputError: if the document holds more than one table.
    """
    from qualcode.formats.exports import cell_text, only_table

    table = only_table(document, NAME)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in table.frame.columns])
    for row in table.frame.itertuples(index=False):
        writer.writerow([cell_text(v) for v in row])
    return buffer.getvalue()
