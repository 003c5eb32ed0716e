"""Code co-occurrence: which codes meet in the same segment, the same turn, or on overlapping spans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.analysis.corpus import Corpus, merged_ranges
from qualcode.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]

UNITS = ("segment", "turn", "overlap")
COOCCURRENCE_COLUMNS = ("code_a", "code_b", "unit", "count", "n_a", "n_b", "jaccard")


def cooccurrence(corpus: Corpus, unit: str = "segment") -> pd.DataFrame:
    """Pairs of codes that occur together, with a count and the Jaccard index.

    Codes are taken as applied (no roll-up to parents); every coder's codings count (narrow the corpus
    to one coder, or the consensus, with :meth:`Corpus.subset`).

    Args:
        corpus: The material.
        unit: ``segment``: both codes touch the same segment; ``turn``: the same speaker turn;
            ``overlap``: a coding of one and a coding of the other share at least one character.

    Returns:
        One row per pair that occurs together at least once, ``code_a`` before ``code_b`` in codebook
        order: ``unit``; ``count`` (segments or turns with both codes; for ``overlap``, pairs of
        overlapping codings); ``n_a`` and ``n_b`` (segments or turns with each code; for ``overlap``,
        codings of each code); ``jaccard`` (count / (n_a + n_b - count); for ``overlap``, characters
        coded with both / characters coded with either), 4 places.

    Raises:
        InputError: for an unknown unit.
    """
    import numpy as np
    import pandas as pd

    names = np.array(corpus.code_names, dtype=object)
    a, b, count, n, jaccard = _pairs(corpus, unit)
    return pd.DataFrame(
        {
            "code_a": names[a] if len(a) else np.array([], dtype=object),
            "code_b": names[b] if len(b) else np.array([], dtype=object),
            "unit": unit,
            "count": count.astype("int64"),
            "n_a": n[a].astype("int64"),
            "n_b": n[b].astype("int64"),
            "jaccard": np.round(np.asarray(jaccard, dtype=float), 4),
        },
        columns=list(COOCCURRENCE_COLUMNS),
    )


def cooccurrence_matrix(
    corpus: Corpus, unit: str = "segment", measure: str = "count", *, diagonal: bool = True
) -> pd.DataFrame:
    """A symmetric code-by-code matrix of ``count`` or ``jaccard``, over the codes that were applied.

    The diagonal holds each code's own total (segments, turns or codings with it; 1 for ``jaccard``), or 0
    without ``diagonal`` (for a heatmap, where the totals would drown the pairs' shades).

    Returns:
        A ``code`` column, then one column per applied code, in codebook order.

    Raises:
        InputError: for an unknown unit or measure.
    """
    import numpy as np
    import pandas as pd

    if measure not in ("count", "jaccard"):
        raise InputError(f"unknown co-occurrence measure {measure!r}", "use count or jaccard")
    a, b, count, n, jaccard = _pairs(corpus, unit)
    applied = np.flatnonzero(n > 0)
    position = np.full(len(n), -1, dtype="int64")
    position[applied] = np.arange(len(applied))
    values = np.zeros((len(applied), len(applied)), dtype=float)
    if diagonal:
        values[np.arange(len(applied)), np.arange(len(applied))] = 1.0 if measure == "jaccard" else n[applied]
    cell = np.round(jaccard, 4) if measure == "jaccard" else count
    values[position[a], position[b]] = cell
    values[position[b], position[a]] = cell
    names = [corpus.code_names[i] for i in applied]
    frame = pd.DataFrame(values, columns=names)
    if measure == "count":
        frame = frame.astype("int64")
    frame.insert(0, "code", names)
    return frame


def _pairs(corpus: Corpus, unit: str) -> tuple[IntArray, IntArray, IntArray, IntArray, FloatArray]:
    """Code pairs (a < b): their ids, count, each code's total, and the Jaccard index."""
    import numpy as np

    if unit not in UNITS:
        raise InputError(f"unknown co-occurrence unit {unit!r}", f"use one of: {', '.join(UNITS)}")
    code_ids = corpus.code_ids
    n_codes = len(corpus.code_names)
    if unit == "overlap":
        a, b, count, n = _overlap_pairs(corpus, code_ids, n_codes)
        jaccard = _character_jaccard(corpus, code_ids, a, b, n_codes)
    else:
        a, b, count, n = _unit_pairs(corpus, unit, code_ids, n_codes)
        union = n[a] + n[b] - count
        jaccard = np.where(union > 0, count / np.maximum(union, 1), 0.0).astype(float)
    return a, b, count, n, jaccard


def _unit_pairs(
    corpus: Corpus, unit: str, code_ids: IntArray, n_codes: int
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    import numpy as np
    import pandas as pd

    rows, units = corpus.units(unit)
    n_units = len(corpus.segments if unit == "segment" else corpus.turns)
    keyed = np.unique(code_ids[rows] * max(n_units, 1) + units) if len(rows) else np.zeros(0, dtype="int64")
    code_of, unit_of = keyed // max(n_units, 1), keyed % max(n_units, 1)
    n = np.bincount(code_of, minlength=n_codes)
    present = pd.DataFrame({"unit": unit_of, "code": code_of})
    joined = present.merge(present, on="unit", suffixes=("_a", "_b"))
    joined = joined[joined["code_a"] < joined["code_b"]]
    counted = joined.groupby(["code_a", "code_b"], sort=True).size()
    a: IntArray = counted.index.get_level_values(0).to_numpy(dtype="int64")
    b: IntArray = counted.index.get_level_values(1).to_numpy(dtype="int64")
    together: IntArray = np.asarray(counted, dtype=np.int64)
    return a, b, together, n.astype("int64")


def _overlapping(gstart: IntArray, gend: IntArray) -> tuple[IntArray, ...]:
    """Index pairs (i, j), i before j in start order, of ranges that share a character.

    ``gstart`` must be sorted. A range j after i overlaps i exactly when it starts before i ends, so the
    partners of i are a run found by one binary search.
    """
    import numpy as np

    stop = np.searchsorted(gstart, gend, side="left")
    count = np.maximum(stop - np.arange(len(gstart)) - 1, 0)
    i = np.repeat(np.arange(len(gstart), dtype="int64"), count)
    offsets = np.arange(int(count.sum()), dtype="int64") - np.repeat(np.cumsum(count) - count, count)
    return i, i + 1 + offsets


def _overlap_pairs(
    corpus: Corpus, code_ids: IntArray, n_codes: int
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    import numpy as np

    gstart = corpus.codings["gstart"].to_numpy(dtype="int64")
    gend = corpus.codings["gend"].to_numpy(dtype="int64")
    i, j = _overlapping(gstart, gend)
    a, b = code_ids[i], code_ids[j]
    different = a != b
    lo, hi = np.minimum(a, b)[different], np.maximum(a, b)[different]
    key, count = np.unique(lo * n_codes + hi, return_counts=True)
    n = np.bincount(code_ids, minlength=n_codes)
    key = key.astype("int64")
    return key // n_codes, key % n_codes, count.astype("int64"), n.astype("int64")


def _character_jaccard(
    corpus: Corpus,
    code_ids: IntArray,
    a: IntArray,
    b: IntArray,
    n_codes: int,
) -> FloatArray:
    """Characters coded with both codes over characters coded with either, for each pair (a, b)."""
    import numpy as np

    if len(a) == 0:
        return np.zeros(0, dtype=float)
    group, start, end = merged_ranges(
        code_ids,
        corpus.codings["gstart"].to_numpy(dtype="int64"),
        corpus.codings["gend"].to_numpy(dtype="int64"),
    )
    covered = np.bincount(group, weights=end - start, minlength=n_codes)
    order = np.argsort(start, kind="stable")
    group, start, end = group[order], start[order], end[order]
    i, j = _overlapping(start, end)
    x, y = group[i], group[j]
    shared = np.minimum(end[i], end[j]) - np.maximum(start[i], start[j])
    different = x != y
    lo, hi = np.minimum(x, y)[different], np.maximum(x, y)[different]
    both = np.zeros(n_codes * n_codes, dtype=float)
    np.add.at(both, lo * n_codes + hi, shared[different])
    inter = both[a * n_codes + b]
    union = covered[a] + covered[b] - inter
    result: FloatArray = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    return result
