"""Coded quotes with attribution ("Peer worker, Site B"), optional context, and pseudonymisation."""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING

from qualcode.analysis.corpus import NOT_SET, Corpus
from qualcode.errors import InputError
from qualcode.model.speakers import SpeakerRole

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    IntArray = npt.NDArray[np.int64]

    from qualcode.analysis.pseudonyms import Pseudonymiser

DEFAULT_TEMPLATE = "{role}, {site}"
CONTEXTS = ("none", "segment", "turn")
QUOTE_COLUMNS = (
    "code", "transcript", "case", "speaker", "start", "end", "coders", "attribution", "quote", "context",
)  # fmt: skip
_BUILT_IN_FIELDS = ("case", "transcript", "speaker")


def default_template(corpus: Corpus) -> str:
    """ "{role}, {site}" when the cases have those attributes, else what of them exists, else "{case}"."""
    present = [f for f in ("role", "site") if f in corpus.attributes.columns]
    return ", ".join(f"{{{f}}}" for f in present) or "{case}"


def template_fields(template: str, corpus: Corpus) -> list[str]:
    """The fields an attribution template uses.

    Raises:
        InputError: for a malformed template or a field that neither is built in nor names an attribute.
    """
    allowed = [*_BUILT_IN_FIELDS, *corpus.attributes.columns]
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise InputError(f"attribution template {template!r}: {exc}", "write fields as {role}") from exc
    for name in fields:
        if name not in allowed:
            raise InputError(
                f"attribution template {template!r} uses {{{name}}}, which no case has",
                "use: " + ", ".join(f"{{{a}}}" for a in allowed),
            )
    return fields


def quotes(
    corpus: Corpus,
    *,
    context: str = "none",
    template: str | None = None,
    pseudonymiser: Pseudonymiser | None = None,
    per_code: int | None = None,
) -> pd.DataFrame:
    """Every coded quote, per code, with its attribution and (optionally) its context.

    A span coded with the same code by several coders is one quote, with every coder listed.

    Args:
        corpus: The material (narrow it with :meth:`Corpus.subset` for some codes or cases).
        context: ``none``, ``segment`` (the sentences the quote lies in) or ``turn`` (the speaker's turn).
        template: Attribution, with fields ``{case}``, ``{transcript}``, ``{speaker}`` and any attribute;
            None for :func:`default_template`.
        pseudonymiser: When given, speakers become participant ids and names in the text are replaced.
        per_code: Only the top quotes of each code, chosen as :func:`top_quotes` does (and in its order),
            without cutting out the text of the others first.

    Returns:
        Columns ``code``, ``transcript``, ``case``, ``speaker``, ``start``, ``end``, ``coders`` (sorted,
        "; "-separated), ``attribution``, ``quote`` and ``context`` (white space collapsed; empty for
        ``none``); in codebook order, then transcript and position (or rank, with ``per_code``).

    Raises:
        InputError: for an unknown context or a bad template.
    """
    import numpy as np
    import pandas as pd

    if context not in CONTEXTS:
        raise InputError(f"unknown context {context!r}", f"use one of: {', '.join(CONTEXTS)}")
    template = template if template is not None else default_template(corpus)
    template_fields(template, corpus)  # refuses a bad template before any work
    codings = corpus.codings
    if codings.empty:
        return pd.DataFrame(columns=list(QUOTE_COLUMNS))
    # One quote per (code, transcript, span): sort, then mark where each run of equal keys begins.
    order = corpus.code_ids
    tidx_all = codings["tidx"].to_numpy(dtype="int64")
    start_all = codings["start"].to_numpy(dtype="int64")
    end_all = codings["end"].to_numpy(dtype="int64")
    coder_all = codings["coder"].to_numpy()
    coder_number, _ = pd.factorize(codings["coder"], sort=True)  # numbers sort faster than strings
    sort = np.lexsort((coder_number, end_all, start_all, tidx_all, order))
    keys = np.stack([order[sort], tidx_all[sort], start_all[sort], end_all[sort]])
    new = np.ones(len(sort), dtype=bool)
    new[1:] = (keys[:, 1:] != keys[:, :-1]).any(axis=0)
    firsts = np.flatnonzero(new)
    rows = sort[firsts]
    sizes = np.diff(np.append(firsts, len(sort)))
    coders = coder_all[rows].astype(object)
    for i in np.flatnonzero(sizes > 1):  # several coders chose the same span: list them all
        coders[i] = "; ".join(sorted(set(coder_all[sort[firsts[i] : firsts[i] + sizes[i]]])))

    first_turn, _ = corpus.unit_range("turn")
    speakers = [*corpus.turns["speaker"].tolist(), ""]  # index -1 (no turn) reads the empty label
    speaker_of = np.array([speakers[u] for u in first_turn[rows].tolist()], dtype=object)
    if per_code is not None:
        words = corpus.words_in(codings["gstart"].to_numpy()[rows], codings["gend"].to_numpy()[rows])
        chosen = _ranked(
            order[rows],
            corpus.coding_team[rows] != "",
            sizes,
            np.abs(words - 25),
            corpus.case_ids[tidx_all[rows]],
            per_code,
        )
        rows, coders, speaker_of = rows[chosen], coders[chosen], speaker_of[chosen]
    tidx = tidx_all[rows]
    starts, ends = start_all[rows], end_all[rows]
    names = corpus.transcripts["transcript"].to_numpy()
    transcript_cases = corpus.transcripts["case"].to_numpy()
    # Each quote is its speaker's: a participant's case, or the research team's (never the participant's).
    team_of = corpus.coding_team[rows]
    cases = np.where(team_of != "", "", corpus.coding_case[rows]).astype(object)
    texts = [corpus.texts[n] for n in names]
    # Loops below run over plain lists: indexing numpy arrays one item at a time is slow.
    tidx_list = tidx.tolist()
    quote_text = [
        _clean(texts[t][s:e]) for t, s, e in zip(tidx_list, starts.tolist(), ends.tolist(), strict=True)
    ]
    speaker = list(speaker_of)
    if pseudonymiser is not None:
        speaker = [
            pseudonymiser.speaker(names[t], s) if s else s for t, s in zip(tidx_list, speaker, strict=True)
        ]
    if context == "none":
        context_text = [""] * len(rows)
    else:
        units = corpus.segments if context == "segment" else corpus.turns
        first, last = corpus.unit_range(context)
        unit_start, unit_end = units["start"].tolist(), units["end"].tolist()
        cache: dict[tuple[int, int], str] = {}  # many quotes share a turn: cut and clean it once
        context_text = []
        for t, f, la, q in zip(tidx_list, first[rows].tolist(), last[rows].tolist(), quote_text, strict=True):
            if f < 0:
                context_text.append(q)
                continue
            if (f, la) not in cache:
                cache[(f, la)] = _clean(texts[t][unit_start[f] : unit_end[la]])
            context_text.append(cache[(f, la)])
    made: dict[tuple[int, str, str, str], str] = {}
    attribution = []
    for t, s, case, team in zip(tidx_list, speaker, cases.tolist(), team_of.tolist(), strict=True):
        who = (int(t), str(s), case, team)
        if who not in made:
            # The interview's participant, for "Interviewer, speaking with Peer worker, Site A".
            host = transcript_cases[t] if team else case
            own = corpus.case_attributes.get(host, {})
            # Every attribute the template may name, "(not set)" where this case lacks it (as in a table).
            values = {name: own.get(name) or NOT_SET for name in corpus.attributes.columns}
            text = _attribution(template, values, names[t], host, s)
            made[who] = f"{SpeakerRole(team).display_name}, speaking with {text}" if team else text
        attribution.append(made[who])
    frame = pd.DataFrame(
        {
            "code": np.array(corpus.code_names, dtype=object)[order[rows]],
            "transcript": names[tidx],
            "case": cases,
            "speaker": speaker,
            "start": starts,
            "end": ends,
            "coders": coders,
            "attribution": attribution,
            "quote": quote_text,
            "context": context_text,
        },
        columns=list(QUOTE_COLUMNS),
    )
    if pseudonymiser is not None:
        frame = pseudonymiser.frame(frame)
    return frame


def top_quotes(frame: pd.DataFrame, per_code: int = 3) -> pd.DataFrame:
    """A few quotes per code for a report: those most coders chose, from as many cases as possible.

    Within a code, participants' words come before the interviewer's; then quotes are ranked by how
    many coders coded the span, then by how close they are to 25 words (long enough to stand alone,
    short enough to quote); the first pick comes from each case before a second from any.
    """
    import numpy as np
    import pandas as pd

    if frame.empty:
        return frame
    code, _ = pd.factorize(frame["code"])  # in order of appearance, which is codebook order
    case, _ = pd.factorize(frame["case"])
    chosen = _ranked(
        code.astype("int64"),
        (frame["case"] == "").to_numpy(dtype=bool),  # the research team's words have no case
        np.array([c.count(";") + 1 for c in frame["coders"].to_numpy()], dtype="int64"),
        # Quotes have single spaces, so spaces + 1 is the word count.
        np.array([abs(q.count(" ") + 1 - 25) for q in frame["quote"].to_numpy()], dtype="int64"),
        case.astype("int64"),
        per_code,
    )
    return frame.iloc[chosen].reset_index(drop=True)


def _ranked(
    code: IntArray,
    asked: npt.NDArray[np.bool_],
    coders: IntArray,
    fit: IntArray,
    case: IntArray,
    per_code: int,
) -> IntArray:
    """Positions of the top ``per_code`` quotes of each code, in code order then rank (see top_quotes)."""
    import numpy as np
    import pandas as pd

    ranked = pd.DataFrame(
        {
            "code": code,
            "asked": asked,
            "coders": coders,
            "fit": fit,
            "case": case,
            "seq": np.arange(len(code)),
        }
    )
    ranked = ranked.sort_values(
        ["code", "asked", "coders", "fit", "seq"], ascending=[True, True, False, True, True], kind="stable"
    )
    ranked["in_case"] = ranked.groupby(["code", "case"], sort=False).cumcount()
    ranked = ranked.sort_values(
        ["code", "asked", "in_case", "coders", "fit", "seq"],
        ascending=[True, True, True, False, True, True],
        kind="stable",
    )
    chosen: IntArray = ranked.groupby("code", sort=False).head(per_code)["seq"].to_numpy(dtype="int64")
    return chosen


def _attribution(template: str, attributes: dict[str, str], transcript: str, case: str, speaker: str) -> str:
    values = {k: ("" if v == NOT_SET else str(v)) for k, v in attributes.items()}
    values.update(case=case, transcript=transcript, speaker=speaker)
    text = template.format_map(values)
    # A missing value leaves its separator behind ("Peer worker, "): tidy those away.
    return re.sub(r"(?:\s*[,;/|-]\s*){2,}", ", ", text).strip(" ,;/|-") or case


def _clean(text: str) -> str:
    return " ".join(text.split())
