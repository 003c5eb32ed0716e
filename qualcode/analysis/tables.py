"""Plain tables of what a project holds, for exports: codings, the codebook, memos."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from qualcode.analysis.corpus import Corpus
from qualcode.model import Codebook, Memo
from qualcode.model.codebook import ordered

if TYPE_CHECKING:
    import pandas as pd

    from qualcode.analysis.pseudonyms import Pseudonymiser

CODING_COLUMNS = (
    "id", "transcript", "start", "end", "code", "coder", "origin", "created_at", "text", "case", "speaker",
    "speaker_role",
)  # fmt: skip
CODEBOOK_COLUMNS = (
    "code", "parent", "level", "group", "definition", "include", "exclude", "examples", "keywords",
    "colour", "hotkey", "codings",
)  # fmt: skip
MEMO_COLUMNS = ("id", "target", "on", "author", "created_at", "updated_at", "text")


def timestamp(value: datetime) -> str:
    """A time as exports write it: ISO 8601 in UTC, to the second."""
    return value.isoformat(timespec="seconds")


def codings_table(corpus: Corpus, pseudonymiser: Pseudonymiser | None = None) -> pd.DataFrame:
    """One row per coding, in transcript and position order.

    Returns:
        Columns ``id``, ``transcript``, ``start``, ``end``, ``code``, ``coder``, ``origin``,
        ``created_at`` (ISO 8601, UTC), ``text`` (the coded characters), ``case`` (the case of the
        participant who said it; empty for the research team), ``speaker`` (of the turn where the coding
        starts) and ``speaker_role`` (participant, interviewer, facilitator or note-taker). Pseudonymised, ``text`` has names replaced while ``start`` and
        ``end`` still point into the original transcript.
    """
    import numpy as np
    import pandas as pd

    codings = corpus.codings
    names = corpus.transcripts["transcript"].to_numpy()
    tidx = codings["tidx"].to_numpy(dtype="int64")
    team = corpus.coding_team
    first_turn, _ = corpus.unit_range("turn")
    speakers = corpus.turns["speaker"].to_numpy()
    speaker = [speakers[u] if u >= 0 else "" for u in first_turn]
    transcript = names[tidx] if len(tidx) else np.array([], dtype=object)
    if pseudonymiser is not None:
        speaker = [pseudonymiser.speaker(t, s) if s else s for t, s in zip(transcript, speaker, strict=True)]
    frame = pd.DataFrame(
        {
            "id": codings["id"].to_numpy(dtype="int64"),
            "transcript": transcript,
            "start": codings["start"].to_numpy(dtype="int64"),
            "end": codings["end"].to_numpy(dtype="int64"),
            "code": codings["code"].to_numpy(),
            "coder": codings["coder"].to_numpy(),
            "origin": codings["origin"].to_numpy(),
            "created_at": [timestamp(v) for v in codings["created_at"]],
            "text": [
                corpus.texts[names[t]][s:e]
                for t, s, e in zip(tidx, codings["start"].to_numpy(), codings["end"].to_numpy(), strict=True)
            ],
            "case": np.where(team != "", "", corpus.coding_case).astype(object),
            "speaker": speaker,
            "speaker_role": np.where(team != "", team, "participant").astype(object),
        },
        columns=list(CODING_COLUMNS),
    )
    frame = frame.sort_values(["transcript", "start", "end", "code", "coder"], kind="stable")
    frame = frame.reset_index(drop=True)
    return pseudonymiser.frame(frame) if pseudonymiser is not None else frame


def codebook_table(codebook: Codebook, counts: Mapping[str, int] | None = None) -> pd.DataFrame:
    """One row per code, parents before children.

    Returns:
        Columns ``code``, ``parent``, ``level`` (0 at the top), ``group`` ("yes" for a group that only
        holds codes, else ""), ``definition``, ``include``, ``exclude``, ``examples``, ``keywords``
        (lists), ``colour``, ``hotkey``, ``codings`` (codings of the code itself).
    """
    import pandas as pd

    counts = counts or {}
    rows = [
        {
            "code": code.name,
            "parent": code.parent or "",
            "level": max(len(codebook.path(code.name)) - 1, 0),
            "group": "yes" if code.group else "",
            "definition": " ".join(code.definition.split()),
            "include": list(code.include),
            "exclude": list(code.exclude),
            "examples": list(code.examples),
            "keywords": list(code.keywords),
            "colour": code.colour or "",
            "hotkey": code.hotkey or "",
            "codings": int(counts.get(code.name, 0)),
        }
        for code in ordered(codebook.codes)
    ]
    return pd.DataFrame(rows, columns=list(CODEBOOK_COLUMNS))


def memos_table(memos: Iterable[Memo]) -> pd.DataFrame:
    """One row per memo, oldest first.

    Returns:
        Columns ``id``, ``target`` (project, transcript, code or coding), ``on`` (the transcript or code
        name, or the coding id, with " (removed)" when that coding is gone; empty for the project),
        ``author``, ``created_at``, ``updated_at``, ``text``.
    """
    import pandas as pd

    rows = [
        [
            m.id,
            m.target.value,
            m.about,
            m.author,
            timestamp(m.created_at),
            timestamp(m.updated_at),
            m.text,
        ]
        for m in sorted(memos, key=lambda m: m.id)
    ]
    return pd.DataFrame(rows, columns=list(MEMO_COLUMNS))
