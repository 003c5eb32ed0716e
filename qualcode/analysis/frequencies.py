"""Code frequencies: codings, coded segments, words coded, transcripts and cases with each code.

By code alone (parent codes rolled up: a parent counts its own codings and its children's), or broken
down by transcript, case, coder or any case attribute (role, site, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.analysis.corpus import Corpus, merged_ranges
from qualcode.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

MEASURES = ("codings", "segments", "words", "transcripts", "cases", "cases_share")
FREQUENCY_COLUMNS = ("code", "parent", "level")  # then the dimension's column, then MEASURES' counts


def frequencies(corpus: Corpus, by: str | None = None, *, rollup: bool = True) -> pd.DataFrame:
    """How often each code was applied, and how widely, optionally broken down.

    Every code of the codebook has a row (per value of ``by``), zeros included, in codebook order.

    Args:
        corpus: The material (narrow it first with :meth:`Corpus.subset` to filter).
        by: ``None`` (or ``"code"``) for one row per code; ``"transcript"``, ``"case"``, ``"coder"`` or an
            attribute name (``"role"``) for one row per code and value.
        rollup: Count a code's descendants' codings for it too (a group then shows its children's total).

    Returns:
        Columns ``code``, ``parent``, ``level``, then the dimension (named as ``by``) when given, then
        ``codings`` (number of codings), ``segments`` (segments the codings touch), ``words`` (words in
        the union of the coded spans), ``transcripts`` and ``cases`` (with at least one coding),
        ``cases_total`` (cases in scope for that row) and ``cases_share`` (cases / cases_total, 4 places).

    Raises:
        InputError: if ``by`` is neither built in nor an attribute.
    """
    import numpy as np
    import pandas as pd

    dimension = corpus.check_dimension(by)
    codings = corpus.codings
    names = corpus.code_names
    code_ids = corpus.code_ids
    rows = np.arange(len(codings), dtype="int64")
    # Each coding counts for its own code and, rolled up, for each ancestor: one row per (coding, code).
    pairs = [
        (corpus.code_index[name], corpus.code_index[ancestor])
        for name in names
        for ancestor in (corpus.lineage[name] if rollup else (name,))
        if ancestor in corpus.code_index
    ]
    lineage = pd.DataFrame(pairs, columns=["code_id", "counted"], dtype="int64")
    expanded = pd.DataFrame({"row": rows, "code_id": code_ids}).merge(lineage, on="code_id")
    row = expanded["row"].to_numpy(dtype="int64")
    counted = expanded["counted"].to_numpy(dtype="int64")

    tidx = codings["tidx"].to_numpy(dtype="int64")
    values, value_of_row, totals = _dimension_values(corpus, dimension)
    n_values = len(values)
    group = counted * n_values + value_of_row[row]
    n_groups = len(names) * n_values

    counts = {"codings": np.bincount(group, minlength=n_groups)}
    counts["transcripts"] = _distinct(group, tidx[row], n_groups)
    # Cases whose participants said it: the research team's words count for no case.
    case_number, _ = pd.factorize(corpus.coding_case, sort=True)
    by_participant = corpus.coding_team[row] == ""
    counts["cases"] = _distinct(group[by_participant], case_number[row][by_participant], n_groups)
    unit_rows, units = corpus.units("segment")
    counts["segments"] = _distinct_units(group, row, unit_rows, units, len(codings), n_groups)
    merged_group, start, end = merged_ranges(
        group, codings["gstart"].to_numpy()[row], codings["gend"].to_numpy()[row]
    )
    counts["words"] = np.bincount(merged_group, weights=corpus.words_in(start, end), minlength=n_groups)

    frame = pd.DataFrame(
        {
            "code": np.repeat(np.array(names, dtype=object), n_values),
            "parent": np.repeat(np.array([corpus.parent_of(n) for n in names], dtype=object), n_values),
            "level": np.repeat(np.array([corpus.code_level[n] for n in names], dtype="int64"), n_values),
        }
    )
    if dimension is not None:
        frame[dimension] = np.tile(np.array(values, dtype=object), len(names))
    for measure in ("codings", "segments", "words", "transcripts", "cases"):
        frame[measure] = counts[measure].astype("int64")
    frame["cases_total"] = np.tile(totals, len(names)).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(frame["cases_total"] > 0, frame["cases"] / frame["cases_total"], 0.0)
    frame["cases_share"] = np.round(share.astype(float), 4)
    return frame


def code_matrix(
    corpus: Corpus, by: str = "case", measure: str = "codings", *, rollup: bool = True
) -> pd.DataFrame:
    """A code-by-case (or code-by-attribute, -transcript, -coder) matrix of one measure.

    Args:
        corpus: The material.
        by: ``case`` (default), ``transcript``, ``coder`` or an attribute name.
        measure: One of ``codings``, ``segments``, ``words``, ``transcripts``, ``cases``, ``cases_share``.
        rollup: As for :func:`frequencies`.

    Returns:
        A ``code`` column, then one column per value of ``by`` (sorted; "(not set)" last).

    Raises:
        InputError: for an unknown dimension or measure.
    """
    if measure not in MEASURES:
        raise InputError(f"unknown measure {measure!r}", f"use one of: {', '.join(MEASURES)}")
    dimension = corpus.check_dimension(by)
    if dimension is None:
        raise InputError("a matrix needs a second dimension besides the code", "e.g. --by case or --by role")
    return widen(frequencies(corpus, dimension, rollup=rollup), dimension, measure)


def widen(table: pd.DataFrame, dimension: str, measure: str) -> pd.DataFrame:
    """A long :func:`frequencies` table (by ``dimension``) turned into a code-by-value matrix of ``measure``.

    Rows keep the table's code order and columns its value order.
    """
    wide = table.pivot(index="code", columns=dimension, values=measure)
    wide = wide.reindex(
        index=list(dict.fromkeys(table["code"])), columns=list(dict.fromkeys(table[dimension]))
    )
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reset_index()
    wide.columns.name = None
    return wide


def _dimension_values(
    corpus: Corpus, dimension: str | None
) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The values of a dimension, each coding row's value number, and the cases in scope per value."""
    import numpy as np
    import pandas as pd

    codings = corpus.codings
    scope_t, scope_case = corpus.case_scope  # every participant's case in the material, per transcript
    all_cases = len(set(scope_case.tolist()))
    n = len(codings)
    if dimension is None:
        return ["(all)"], np.zeros(n, dtype="int64"), np.array([all_cases], dtype="int64")
    if dimension == "coder":
        of_row, coders = pd.factorize(codings["coder"], sort=True)
        names = [str(c) for c in coders]
        return names, of_row.astype("int64"), np.full(len(names), all_cases, dtype="int64")
    if dimension == "transcript":
        per_transcript = corpus.transcripts[dimension]
        values = _sorted_values(per_transcript)
        index = {v: i for i, v in enumerate(values)}
        value_of_transcript = per_transcript.map(index).to_numpy(dtype="int64")
        of_row = (
            value_of_transcript[codings["tidx"].to_numpy(dtype="int64")] if n else np.zeros(0, dtype="int64")
        )
        scope_value = value_of_transcript[scope_t]
    else:
        # By the case of who said it: the interviewer's words are the research team's, not the participant's.
        spoken = (
            corpus.coding_case
            if dimension == "case"
            else corpus.case_attribute(corpus.coding_case, dimension)
        )
        in_scope = scope_case if dimension == "case" else corpus.case_attribute(scope_case, dimension)
        values = _sorted_values(pd.Series([*in_scope.tolist(), *spoken.tolist()], dtype=object))
        index = {v: i for i, v in enumerate(values)}
        of_row = np.array([index[v] for v in spoken.tolist()], dtype="int64")
        scope_value = np.array([index[v] for v in in_scope.tolist()], dtype="int64")
    # Cases in scope per value: distinct (value, case) pairs.
    pairs = pd.DataFrame({"v": scope_value, "c": scope_case}).drop_duplicates()
    totals = np.bincount(pairs["v"].to_numpy(dtype="int64"), minlength=len(values))
    return values, of_row, totals.astype("int64")


def _sorted_values(series: pd.Series) -> list[str]:
    from qualcode.analysis.corpus import NOT_SET, RESEARCH_TEAM

    values = sorted(
        {str(v) for v in series}, key=lambda v: (v == RESEARCH_TEAM, v == NOT_SET, v.casefold(), v)
    )
    return values


def _distinct(
    group: npt.NDArray[np.int64], item: npt.NDArray[np.int64], n_groups: int
) -> npt.NDArray[np.int64]:
    """Per group, how many distinct items it has."""
    import numpy as np

    if len(group) == 0:
        return np.zeros(n_groups, dtype="int64")
    stride = int(item.max()) + 1
    unique = np.unique(group * stride + item)
    return np.bincount(unique // stride, minlength=n_groups)


def _distinct_units(
    group: npt.NDArray[np.int64],
    row: npt.NDArray[np.int64],
    unit_rows: npt.NDArray[np.int64],
    units: npt.NDArray[np.int64],
    n_codings: int,
    n_groups: int,
) -> npt.NDArray[np.int64]:
    """Per group, how many distinct units (segments) its codings touch."""
    import numpy as np

    # Units of each coding row are a contiguous run in (unit_rows, units): find it by counting.
    per_coding = np.bincount(unit_rows, minlength=n_codings)
    first = np.cumsum(per_coding) - per_coding
    count = per_coding[row]
    expanded_group = np.repeat(group, count)
    offsets = np.arange(int(count.sum()), dtype="int64") - np.repeat(np.cumsum(count) - count, count)
    expanded_units = units[np.repeat(first[row], count) + offsets]
    return _distinct(expanded_group, expanded_units, n_groups)
