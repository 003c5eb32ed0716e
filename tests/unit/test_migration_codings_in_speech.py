"""Codings made before codings were cut to speech are cut when the project is opened (migration 0006)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qualcode.model import MemoTarget
from qualcode.project import Project


def test_a_coding_across_turns_from_before_is_cut_per_turn_keeping_its_id_and_memo(
    project_path: Path,
) -> None:
    # alpha: "Interviewer: How did you start? Tell me about it.\nParticipant: I felt like an outsider. ..."
    with Project.open(project_path) as project:
        [kept] = project.code("alpha", "Hope", coder="ana", start=63, end=87)
        memo = project.add_memo(
            "why this matters", coder="ana", target=MemoTarget.CODING, target_name=str(kept.id)
        )
        text = project.transcript("alpha").text
    # As an older qualcode stored it: one coding from the interviewer's words into the participant's.
    with sqlite3.connect(project_path) as conn:
        conn.execute('UPDATE codings SET start = 32, "end" = 87 WHERE id = ?', (kept.id,))
        conn.execute("UPDATE alembic_version SET version_num = '0005'")
    with Project.open(project_path) as project:
        codings = sorted(project.codings(), key=lambda c: c.span.start)
        assert [(c.span.start, c.span.end, c.code, c.coder) for c in codings] == [
            (32, 49, "Hope", "ana"),
            (63, 87, "Hope", "ana"),
        ]
        assert [text[c.span.start : c.span.end] for c in codings] == [
            "Tell me about it.",
            "I felt like an outsider.",
        ]
        assert codings[0].id == kept.id and codings[1].id > kept.id
        assert codings[0].created_at == codings[1].created_at
        [on] = project.memos()
        assert (on.id, on.target_name, on.target_removed) == (memo.id, str(kept.id), False)
        [event] = [e for e in project.events() if e.action == "codings.cut"]
        assert event.coder is None
        assert event.payload["cut"] == [
            {"coding": kept.id, "was": [32, 87], "now": [[32, 49], [63, 87]], "added": [codings[1].id]}
        ]
