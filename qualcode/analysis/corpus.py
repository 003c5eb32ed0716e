"""What an analysis reads: a project's codings, transcripts, segments, turns and cases as pandas frames.

A :class:`Corpus` is built once from model objects (``build_corpus``) and then serves every table and
chart; ``subset`` narrows it to some transcripts, codes, coders or attribute values without reloading.

Positions are kept twice: ``start``/``end`` inside a transcript, and ``gstart``/``gend`` in one global
coordinate where every transcript has its own range (its text placed after the previous one's and a
separator). Global positions let one sorted array and ``numpy.searchsorted`` answer "which segments does
each coding touch" for the whole project at once, instead of a loop per transcript.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from qualcode.errors import InputError
from qualcode.model import Case, Codebook, Coding, CodingFilter, Segment, Span, Transcript, spoken_words
from qualcode.model.codebook import ordered
from qualcode.model.speakers import Speaker, SpeakerRule, decide_speakers

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    IntArray = npt.NDArray[np.int64]

NOT_SET = "(not set)"  # the value of an attribute a case does not have
RESEARCH_TEAM = "(research team)"  # the case and attribute value of what the research team said
BUILT_IN_DIMENSIONS = ("code", "transcript", "case", "coder")
# Every character Python's str.split() treats as white space (they all lie below U+3001), so word counts
# here equal len(text.split()).
_WHITESPACE = tuple(c for c in range(0x3001) if chr(c).isspace())


@dataclass(frozen=True, eq=False)
class Corpus:
    """A project's coded material, as frames an analysis can compute over.

    Attributes:
        codebook: The codebook (its order is the order of every table's rows).
        transcripts: One row per transcript: ``transcript``, ``case``, ``base`` (global offset),
            ``length``, ``words``; row position is the transcript's index (``tidx``) everywhere else.
        attributes: One row per transcript (same order), one column per case attribute.
        codings: One row per coding: ``id``, ``tidx``, ``code``, ``coder``, ``origin``, ``start``, ``end``,
            ``gstart``, ``gend``, ``created_at``; sorted by ``gstart``.
        segments: One row per segment: ``tidx``, ``segment``, ``turn``, ``start``, ``end``, ``gstart``,
            ``gend``; sorted by ``gstart``.
        turns: One row per turn: ``tidx``, ``turn``, ``speaker``, ``start``, ``end``, ``gstart``, ``gend``,
            ``team`` (the research team's role, e.g. "interviewer", or "" for a participant) and
            ``speaker_case`` (a participant's case, "" for the team).
        texts: Transcript name to its text.
        speakers: (transcript, label) -> who that speaker is, decided over the whole project (a subset keeps
            the decisions: "speaks in most transcripts" is about the study, not the selection).
        case_attributes: Case name -> its attributes (a participant's case may differ from the transcript's).
        cases_in: Transcript name -> the cases of the participants who speak in it (a focus group has
            several); the transcript's own case when none is labelled.
    """

    codebook: Codebook
    transcripts: pd.DataFrame
    attributes: pd.DataFrame
    codings: pd.DataFrame
    segments: pd.DataFrame
    turns: pd.DataFrame
    texts: Mapping[str, str]
    speakers: Mapping[tuple[str, str], Speaker]
    case_attributes: Mapping[str, Mapping[str, str]]
    cases_in: Mapping[str, tuple[str, ...]]

    # -- codes ------------------------------------------------------------------------------------

    @cached_property
    def code_names(self) -> list[str]:
        """Every code: the codebook's, in tree order, then any coded code the codebook lacks."""
        names = [c.name for c in ordered(self.codebook.codes)]
        known = set(names)
        extra = sorted(set(self.codings["code"]) - known)
        return names + extra

    @cached_property
    def code_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.code_names)}

    @cached_property
    def code_ids(self) -> IntArray:
        """Per coding row, its code's position in :attr:`code_names`."""
        import pandas as pd

        ids: IntArray = pd.Index(self.code_names).get_indexer(pd.Index(self.codings["code"])).astype("int64")
        return ids

    @cached_property
    def code_level(self) -> dict[str, int]:
        """How deep each code sits: 0 for a top-level code."""
        return {name: max(len(self.codebook.path(name)) - 1, 0) for name in self.code_names}

    def parent_of(self, name: str) -> str:
        code = self.codebook.get(name)
        return (code.parent or "") if code else ""

    @cached_property
    def lineage(self) -> dict[str, tuple[str, ...]]:
        """Each code with its ancestors, itself first: the codes a coding counts for when rolled up."""
        return {name: tuple(reversed(self.codebook.path(name))) or (name,) for name in self.code_names}

    def descendants(self, names: Iterable[str]) -> set[str]:
        """The named codes (any case) and every code below them."""
        wanted = {n.casefold() for n in names}
        return {name for name, line in self.lineage.items() if any(a.casefold() in wanted for a in line)}

    # -- dimensions -------------------------------------------------------------------------------

    @property
    def attribute_names(self) -> list[str]:
        return list(self.attributes.columns)

    def check_dimension(self, by: str | None) -> str | None:
        """``by`` if it names something to break tables down by; None for "by code" alone.

        Raises:
            InputError: for a name that is neither built in nor an attribute of any case.
        """
        if by is None or by == "code":
            return None
        if by in BUILT_IN_DIMENSIONS or by in self.attributes.columns:
            return by
        folded = {a.casefold(): a for a in self.attributes.columns}
        if by.casefold() in folded:
            return folded[by.casefold()]
        choices = ", ".join([*BUILT_IN_DIMENSIONS, *self.attributes.columns])
        raise InputError(f"cannot break down by {by!r}: no such attribute", f"use one of: {choices}")

    @cached_property
    def case_ids(self) -> IntArray:
        """Per transcript, a number for its case (transcripts without a case are their own case)."""
        import pandas as pd

        codes, _ = pd.factorize(self.transcripts["case"], sort=True)
        return codes.astype("int64")

    @cached_property
    def case_scope(self) -> tuple[IntArray, npt.NDArray[np.object_]]:
        """The cases in the material: (transcript row, case) pairs, one per participant case per transcript."""
        import numpy as np

        names = self.transcripts["transcript"].tolist()
        pairs = [(t, case) for t, name in enumerate(names) for case in self.cases_in.get(name, ())]
        return (
            np.array([t for t, _ in pairs], dtype="int64"),
            np.array([c for _, c in pairs], dtype=object),
        )

    @cached_property
    def coding_team(self) -> npt.NDArray[np.object_]:
        """Per coding row, the research team's role of the speaker it starts in ("" for a participant)."""
        return self._coding_speaker[0]

    @cached_property
    def coding_case(self) -> npt.NDArray[np.object_]:
        """Per coding row, the case of the participant who said it (:data:`RESEARCH_TEAM` for the team).

        A coding is credited to the speaker of the turn it starts in; one outside every turn, to the
        transcript's case.
        """
        return self._coding_speaker[1]

    @cached_property
    def _coding_speaker(self) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
        import numpy as np

        first, _ = self.unit_range("turn")
        team = np.array([*self.turns["team"].tolist(), ""], dtype=object)[first]
        own = np.array([*self.turns["speaker_case"].tolist(), ""], dtype=object)[first]
        fallback = self.transcripts["case"].to_numpy(dtype=object)[
            self.codings["tidx"].to_numpy(dtype="int64")
        ]
        case = np.where(team != "", RESEARCH_TEAM, np.where(own != "", own, fallback))
        return team.astype(object), case.astype(object)

    def case_attribute(self, cases: npt.NDArray[np.object_], name: str) -> npt.NDArray[np.object_]:
        """The value of attribute ``name`` for each case (:data:`RESEARCH_TEAM` for the team's words)."""
        import numpy as np

        values = {
            case: (
                RESEARCH_TEAM
                if case == RESEARCH_TEAM
                else self.case_attributes.get(case, {}).get(name) or NOT_SET
            )
            for case in set(cases.tolist())
        }
        return np.array([values[c] for c in cases.tolist()], dtype=object)

    # -- positions --------------------------------------------------------------------------------

    @cached_property
    def word_bounds(self) -> tuple[IntArray, IntArray]:
        """Global start and end offsets of every word (white-space separated) of every transcript."""
        import numpy as np

        names = list(self.transcripts["transcript"])
        if not names:
            empty = np.zeros(0, dtype="int64")
            return empty, empty
        joined = "\n".join(self.texts[n] for n in names)  # the same layout as ``base``
        chars = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        is_space = np.zeros(0x3002, dtype=bool)
        is_space[list(_WHITESPACE)] = True  # a lookup table: one gather instead of a search per character
        space = is_space[np.minimum(chars, 0x3001)]
        word = ~space
        before = np.concatenate(([True], space[:-1]))
        after = np.concatenate((space[1:], [True]))
        starts = np.flatnonzero(word & before).astype("int64")
        ends = np.flatnonzero(word & after).astype("int64") + 1
        return starts, ends

    def words_in(self, gstart: IntArray, gend: IntArray) -> IntArray:
        """How many words each global range ``[gstart, gend)`` touches."""
        import numpy as np

        starts, ends = self.word_bounds
        touched: IntArray = np.searchsorted(starts, gend, side="left") - np.searchsorted(
            ends, gstart, side="right"
        )
        return touched

    def units(self, unit: str) -> tuple[IntArray, IntArray]:
        """Which segments (or turns) each coding touches, as parallel arrays of coding row and unit row.

        Args:
            unit: ``segment`` or ``turn``.
        """
        return self._units_segment if unit == "segment" else self._units_turn

    def unit_range(self, unit: str) -> tuple[IntArray, IntArray]:
        """Per coding row, the first and last segment (or turn) row it touches; -1 when it touches none."""
        return self._range_segment if unit == "segment" else self._range_turn

    @cached_property
    def _range_segment(self) -> tuple[IntArray, IntArray]:
        return _first_and_last(*self._units_segment, len(self.codings))

    @cached_property
    def _range_turn(self) -> tuple[IntArray, IntArray]:
        return _first_and_last(*self._units_turn, len(self.codings))

    @cached_property
    def _units_segment(self) -> tuple[IntArray, IntArray]:
        return _touching(self.codings, self.segments)

    @cached_property
    def _units_turn(self) -> tuple[IntArray, IntArray]:
        return _touching(self.codings, self.turns)

    # -- narrowing --------------------------------------------------------------------------------

    def filtered(self, flt: CodingFilter) -> Corpus:
        """The material a :class:`CodingFilter` selects (as :meth:`subset`, with the filter's fields)."""
        return self.subset(
            transcripts=flt.transcripts,
            codes=flt.codes,
            coders=flt.coders,
            origins=[o.value for o in flt.origins],
            where=flt.attributes,
        )

    def subset(
        self,
        *,
        transcripts: Sequence[str] = (),
        codes: Sequence[str] = (),
        coders: Sequence[str] = (),
        origins: Sequence[str] = (),
        where: Sequence[tuple[str, str]] = (),
    ) -> Corpus:
        """The same material narrowed down; empty arguments do not narrow.

        Args:
            transcripts: Only these transcripts.
            codes: Only codings of these codes or of codes below them (a group selects its children).
            coders: Only codings by these coders.
            origins: Only codings of these origins (manual, suggestion, imported, consensus).
            where: Only transcripts whose case has every one of these (attribute, value) pairs.

        Raises:
            InputError: for an attribute no case has.
        """
        import numpy as np

        keep = np.ones(len(self.transcripts), dtype=bool)
        if transcripts:
            keep &= self.transcripts["transcript"].isin(list(transcripts)).to_numpy()
        codings = self.codings
        mask = np.ones(len(codings), dtype=bool)
        # The (transcript, case) pairs every case filter admits: a focus group holds several cases, and
        # only those the filter names stay in scope.
        scope_t, scope_case = self.case_scope
        scoped = np.ones(len(scope_case), dtype=bool)
        by_case = False
        for attr, value in where:
            name = self.check_dimension(attr)
            if name == "transcript":
                keep &= (self.transcripts[name] == value).to_numpy()
            elif name is None or name == "coder":
                raise InputError(
                    f"{attr}={value} does not name transcripts by an attribute",
                    f"filter with --{attr or 'code'} instead",
                )
            else:
                by_case = True
                scoped &= (scope_case if name == "case" else self.case_attribute(scope_case, name)) == value
                # What the interviewer (or another participant) said is not this case's: by its speaker.
                spoken = self.coding_case if name == "case" else self.case_attribute(self.coding_case, name)
                mask &= spoken == value
        if codes:
            mask &= codings["code"].isin(sorted(self.descendants(codes))).to_numpy()
        if coders:
            mask &= codings["coder"].isin(list(coders)).to_numpy()
        if origins:
            mask &= codings["origin"].isin(list(origins)).to_numpy()
        narrowed = self
        if by_case:
            has = np.zeros(len(self.transcripts), dtype=bool)
            has[scope_t[scoped]] = True
            keep &= has
            names = self.transcripts["transcript"].tolist()
            cases_in: dict[str, tuple[str, ...]] = {}
            for t, case in zip(scope_t[scoped].tolist(), scope_case[scoped].tolist(), strict=True):
                cases_in[names[t]] = (*cases_in.get(names[t], ()), case)
            narrowed = replace(self, cases_in=cases_in)
        if keep.all() and mask.all():
            return narrowed
        kept = np.flatnonzero(keep)
        return _renumbered(narrowed, kept, mask)


def _renumbered(corpus: Corpus, kept: IntArray, coding_mask: Any) -> Corpus:
    """The corpus with only the transcripts at positions ``kept`` (and the codings in the mask)."""
    import numpy as np

    remap = np.full(len(corpus.transcripts), -1, dtype="int64")
    remap[kept] = np.arange(len(kept))

    transcripts = corpus.transcripts.iloc[kept].reset_index(drop=True)
    # Global positions are laid out again, so they stay in step with the texts kept (words are found in
    # the kept texts joined in the same layout).
    lengths = transcripts["length"].to_numpy(dtype="int64")
    bases = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype("int64") if len(kept) else lengths
    transcripts["base"] = bases

    def narrowed(frame: pd.DataFrame, mask: Any = None) -> pd.DataFrame:
        inside = remap[frame["tidx"].to_numpy()] >= 0
        if mask is not None:
            inside &= mask
        out: pd.DataFrame = frame[inside].reset_index(drop=True)
        out["tidx"] = remap[out["tidx"].to_numpy()]
        out["gstart"] = bases[out["tidx"].to_numpy()] + out["start"].to_numpy()
        out["gend"] = bases[out["tidx"].to_numpy()] + out["end"].to_numpy()
        return out

    names = set(transcripts["transcript"])
    return Corpus(
        codebook=corpus.codebook,
        transcripts=transcripts,
        attributes=corpus.attributes.iloc[kept].reset_index(drop=True),
        codings=narrowed(corpus.codings, coding_mask),
        segments=narrowed(corpus.segments),
        turns=narrowed(corpus.turns),
        texts={k: v for k, v in corpus.texts.items() if k in names},
        speakers=corpus.speakers,
        case_attributes=corpus.case_attributes,
        cases_in={k: v for k, v in corpus.cases_in.items() if k in names},
    )


def _touching(codings: pd.DataFrame, units: pd.DataFrame) -> tuple[IntArray, IntArray]:
    """Pairs (coding row, unit row) where the coding's span and the unit's span share a character.

    Units (segments or turns) do not overlap each other, so sorted by start their ends are sorted too,
    and the units a range touches are one run found by two binary searches.
    """
    import numpy as np

    unit_start = units["gstart"].to_numpy()
    unit_end = units["gend"].to_numpy()
    first = np.searchsorted(unit_end, codings["gstart"].to_numpy(), side="right")
    stop = np.searchsorted(unit_start, codings["gend"].to_numpy(), side="left")
    count = np.maximum(stop - first, 0)
    rows = np.repeat(np.arange(len(codings), dtype="int64"), count)
    offsets = np.arange(int(count.sum()), dtype="int64") - np.repeat(np.cumsum(count) - count, count)
    return rows, np.repeat(first, count).astype("int64") + offsets


def _first_and_last(rows: IntArray, units: IntArray, n_codings: int) -> tuple[IntArray, IntArray]:
    import numpy as np

    first = np.full(n_codings, -1, dtype="int64")
    last = np.full(n_codings, -1, dtype="int64")
    if len(rows):
        # Each coding's units are one ascending run: its first and last entries.
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        stops = np.concatenate((starts[1:], [len(rows)])) - 1
        first[rows[starts]] = units[starts]
        last[rows[starts]] = units[stops]
    return first, last


def merged_ranges(group: IntArray, gstart: IntArray, gend: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Per group, the union of its ranges as disjoint ranges (touching ranges join, so no word is split).

    Groups are laid side by side on one axis (``group * stride``), so a single running maximum over the
    sorted ranges finds every union at once.

    Returns:
        Group, start and end of each merged range.
    """
    import numpy as np

    if len(group) == 0:
        empty = np.zeros(0, dtype="int64")
        return empty, empty, empty
    stride = int(gend.max()) + 1
    lo = group.astype("int64") * stride + gstart
    hi = group.astype("int64") * stride + gend
    order = np.lexsort((hi, lo))
    lo, hi = lo[order], hi[order]
    reach = np.maximum.accumulate(hi)
    new = np.empty(len(lo), dtype=bool)
    new[0] = True
    new[1:] = lo[1:] > reach[:-1]
    starts = np.flatnonzero(new)
    merged_lo = lo[starts]
    merged_hi = np.maximum.reduceat(hi, starts)
    merged_group = merged_lo // stride
    return merged_group, merged_lo - merged_group * stride, merged_hi - merged_group * stride


def build_corpus(
    codebook: Codebook,
    transcripts: Iterable[Transcript],
    segments: Mapping[str, Sequence[Segment]],
    cases: Iterable[Case],
    codings: Iterable[Coding],
    speaker_rules: Sequence[SpeakerRule] = (),
) -> Corpus:
    """Put a project's model objects into the frames an analysis computes over.

    Args:
        codebook: The codebook.
        transcripts: Every transcript in the analysis (with its text and turns).
        segments: Each transcript's segments, by transcript name.
        cases: The cases, with their attributes.
        codings: The codings (those of transcripts not given are left out).
        speaker_rules: The user's decisions on who speakers are (the rest is detected).
    """
    records = list(transcripts)
    return corpus_from_rows(
        codebook,
        [(t.name, t.text, t.case) for t in records],
        [(t.name, u.index, u.speaker, u.span.start, u.span.end) for t in records for u in t.turns],
        [
            (t.name, s.index, s.turn_index, s.span.start, s.span.end)
            for t in records
            for s in segments.get(t.name, ())
        ],
        cases,
        [
            (c.id, c.transcript, c.code, c.coder, c.origin.value, c.span.start, c.span.end, c.created_at)
            for c in codings
        ],
        speaker_rules,
    )


def corpus_from_rows(
    codebook: Codebook,
    transcripts: Sequence[tuple[str, str, str | None]],
    turns: Sequence[tuple[str, int, str, int, int]],
    segments: Sequence[tuple[str, int, int, int, int]],
    cases: Iterable[Case],
    codings: Sequence[tuple[int, str, str, str, str, int, int, datetime]],
    speaker_rules: Sequence[SpeakerRule] = (),
) -> Corpus:
    """Build a corpus from plain rows, as a bulk read of the store gives them (no model objects).

    Args:
        codebook: The codebook.
        transcripts: (name, text, case or None) per transcript.
        turns: (transcript, index, speaker, start, end) per turn.
        segments: (transcript, index, turn index, start, end) per segment.
        cases: The cases, with their attributes.
        codings: (id, transcript, code, coder, origin, start, end, created_at) per coding; codings of
            transcripts not given are left out.
        speaker_rules: The user's decisions on who speakers are (the rest is detected).
    """
    import numpy as np
    import pandas as pd

    records = sorted(transcripts, key=lambda t: t[0])
    attributes_of = {case.name: case.attributes for case in cases}
    speakers = _decided_speakers(records, turns, speaker_rules)
    names = [name for name, _, _ in records]
    lengths = np.array([len(text) for _, text, _ in records], dtype="int64")
    bases = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype("int64") if records else lengths
    texts = {name: text for name, text, _ in records}
    case_names = [case or name for name, _, case in records]
    turn_spans: dict[str, list[Span]] = {}
    for name, _, _, start, end in turns:
        turn_spans.setdefault(name, []).append(Span(start, end))
    frame = pd.DataFrame(
        {
            "transcript": pd.Series(names, dtype="object"),
            "case": pd.Series(case_names, dtype="object"),
            "base": bases,
            "length": lengths,
            "words": np.array(  # spoken words only: labels and timestamps lie outside the turns
                [spoken_words(text, turn_spans.get(name, ())) for name, text, _ in records], dtype="int64"
            ),
        }
    )
    cases_in: dict[str, tuple[str, ...]] = {}
    for (name, _label), speaker in speakers.items():
        if not speaker.is_team and speaker.case and speaker.case not in cases_in.get(name, ()):
            cases_in[name] = (*cases_in.get(name, ()), speaker.case)
    for name, case in zip(names, case_names, strict=True):
        cases_in.setdefault(name, (case,))
    own = [attributes_of.get(case or "", {}) for _, _, case in records]
    attribute_names = sorted(
        {k for values in own for k in values}
        | {k for scoped in cases_in.values() for case in scoped for k in attributes_of.get(case, {})}
    )
    attributes = pd.DataFrame(
        {a: pd.Series([values.get(a) or NOT_SET for values in own], dtype="object") for a in attribute_names},
        index=pd.RangeIndex(len(records)),
    )
    tidx = pd.Series(np.arange(len(names), dtype="int64"), index=pd.Index(names, dtype="object"))

    def positioned(rows: Sequence[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
        table = pd.DataFrame(list(rows), columns=columns)
        known = table["tidx"].isin(tidx.index)
        table = table[known].reset_index(drop=True) if not known.all() else table
        table["tidx"] = tidx.reindex(table["tidx"]).to_numpy(dtype="int64")
        return _positioned(table, bases)

    turn_frame = positioned(turns, ["tidx", "turn", "speaker", "start", "end"])
    who = [
        speakers.get((names[i], label))
        for i, label in zip(turn_frame["tidx"], turn_frame["speaker"], strict=True)
    ]
    turn_frame["team"] = pd.Series([s.role.value if s and s.is_team else "" for s in who], dtype="object")
    turn_frame["speaker_case"] = pd.Series([(s.case or "") if s else "" for s in who], dtype="object")
    return Corpus(
        codebook,
        frame,
        attributes,
        positioned(codings, ["id", "tidx", "code", "coder", "origin", "start", "end", "created_at"]),
        positioned(segments, ["tidx", "segment", "turn", "start", "end"]),
        turn_frame,
        texts,
        speakers,
        attributes_of,
        cases_in,
    )


def _decided_speakers(
    transcripts: Sequence[tuple[str, str, str | None]],
    turns: Sequence[tuple[str, int, str, int, int]],
    rules: Sequence[SpeakerRule],
) -> dict[tuple[str, str], Speaker]:
    """Who each (transcript, label) is, decided over every transcript given."""
    counts: dict[str, dict[str, int]] = {name: {} for name, _, _ in transcripts}
    for name, _idx, label, _start, _end in sorted(turns, key=lambda r: (r[0], r[1])):
        if name in counts:
            counts[name][label] = counts[name].get(label, 0) + 1
    decided = decide_speakers(
        {name: list(labels.items()) for name, labels in counts.items()},
        {name: case for name, _, case in transcripts},
        rules,
    )
    return {(s.transcript, s.label): s for s in decided}


def _positioned(frame: pd.DataFrame, bases: IntArray) -> pd.DataFrame:
    """The frame with global positions added, sorted by them."""
    import numpy as np

    for column in ("tidx", "start", "end"):
        frame[column] = frame[column].astype("int64")
    tidx = frame["tidx"].to_numpy()
    frame["gstart"] = bases[tidx] + frame["start"].to_numpy() if len(frame) else np.zeros(0, dtype="int64")
    frame["gend"] = bases[tidx] + frame["end"].to_numpy() if len(frame) else np.zeros(0, dtype="int64")
    ordered_frame: pd.DataFrame = frame.sort_values(["gstart", "gend"], kind="stable").reset_index(drop=True)
    return ordered_frame
