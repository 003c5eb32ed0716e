"""What the engine scores: units (segments, or whole turns) with their tokens, context and rule hits.

A transcript is read once (tokenized at the segment level, rules matched) into a :class:`ReadTranscript`;
units at either granularity are views over it, so switching granularity or retraining re-reads nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from qualcode.model import Coding, Segment, Span, Turn
from qualcode.suggest.nlp import warm_tokenizer
from qualcode.suggest.rules import CodebookRules, RuleHit

if TYPE_CHECKING:
    import numpy as np

Granularity = Literal["segment", "turn"]
# A coding labels a unit when it covers at least this share of the shorter of the two.
LABEL_OVERLAP = 0.5
KEPT_PUNCT = ("?", "!")
# Segments either side that make up a segment's passage in a long turn. Five, set before measuring: the
# answers coders mark in PDPilot and EPITOME are shorter (3.5 sentences on average), so they are whole.
PASSAGE_REACH = 5


@dataclass(frozen=True, slots=True)
class SourceText:
    """What the engine needs of one transcript (built by the project from its store)."""

    name: str
    text: str
    turns: tuple[Turn, ...]
    segments: tuple[Segment, ...]
    role: str = ""  # the participant's role attribute, if the transcript's case has one
    version: str = ""  # the content hash: a cached reading is reused while it matches


@dataclass(slots=True)
class ReadTranscript:
    """A transcript read by spaCy: per segment its token ids, content-word mask, rule hits (and vector)."""

    source: SourceText
    tokens: list[np.ndarray]
    content: list[np.ndarray]
    hits: list[tuple[RuleHit, ...]]
    vectors: np.ndarray | None = None
    _units: dict[str, list[Unit]] = field(default_factory=dict)
    # All kept tokens in order, and where each segment's start (``tokens`` are views of these)
    flat: tuple[np.ndarray, np.ndarray, list[int]] | None = None


@dataclass(slots=True, eq=False)
class Unit:
    """One thing to suggest codes for: a segment, or a whole turn. Read-only by convention (not frozen:
    a frozen dataclass is three times slower to make, and a large project has hundreds of thousands)."""

    transcript: str
    index: int
    turn: int
    segment: int
    span: Span
    text: str
    speaker: str
    previous_speaker: str
    role: str
    tokens: np.ndarray  # spaCy LOWER (or LEMMA) hashes, uint64
    content: np.ndarray  # bool: not a stop word, not punctuation
    previous: np.ndarray  # content-word hashes of the previous turn
    following: np.ndarray  # all word hashes of the next turn (how the other speaker takes it)
    # Content-word hashes of the passage around a segment: its turn, or in a turn of more than
    # 2 x PASSAGE_REACH + 1 segments the segments up to PASSAGE_REACH either side. Thematic coders code
    # passages, so a short "Yeah, it was." is coded for what is said around it. Empty for a one-segment
    # turn and for a whole-turn unit (its own words already say it).
    passage: np.ndarray
    hits: tuple[RuleHit, ...]
    vector: np.ndarray | None = None
    # All word hashes of the previous turn (``previous`` has its content words): what it means
    said_before: np.ndarray | None = None
    # Where the unit's turn starts: a whole-turn unit's own start, a segment's the start of its turn's
    # first segment (by it the calibration keeps a turn's units in one fold)
    turn_start: int = -1


def read_transcripts(
    sources: Sequence[SourceText], nlp: Any, rules: CodebookRules, *, lemmas: bool, vectors: bool
) -> list[ReadTranscript]:
    """Tokenize each transcript and match the codebook rules, then split the tokens by segment.

    One spaCy Doc per transcript, not per segment: the matchers and the array export then run once per
    transcript, which is several times faster than per sentence; tokens outside every segment (speaker
    labels, blank lines) are dropped.
    """
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LOWER

    key = LEMMA if lemmas else LOWER
    marks = [nlp.vocab.strings.add(m) for m in KEPT_PUNCT]
    texts = [src.text for src in sources]
    warm_tokenizer(nlp, texts)
    docs = nlp.pipe(texts, batch_size=16) if lemmas else (nlp.make_doc(text) for text in texts)
    out: list[ReadTranscript] = []
    for src, doc in zip(sources, docs, strict=True):
        n_seg = len(src.segments)
        starts = np.fromiter((s.span.start for s in src.segments), dtype=np.int64, count=n_seg)
        ends = np.fromiter((s.span.end for s in src.segments), dtype=np.int64, count=n_seg)
        array = doc.to_array([key, IS_STOP, IS_PUNCT, IS_SPACE, IDX])
        words, offsets = array[:, 0], array[:, 4].astype(np.int64)
        owner = np.searchsorted(starts, offsets, side="right") - 1
        inside = (owner >= 0) & (offsets < ends[np.clip(owner, 0, None)]) if n_seg else owner < -1
        # Punctuation is noise to the model except the marks that carry meaning (a question, an exclamation).
        keep = inside & (array[:, 3] == 0) & ((array[:, 2] == 0) | np.isin(words, marks))
        owner, kept = owner[keep], array[keep]
        bounds = np.searchsorted(owner, np.arange(n_seg + 1))
        tokens = np.ascontiguousarray(kept[:, 0], dtype=np.uint64)
        content = (kept[:, 1] == 0) & (kept[:, 2] == 0)
        hits: list[list[RuleHit]] = [[] for _ in range(n_seg)]
        found = rules.match(doc, text=src.text)
        if found:
            at_of = np.searchsorted(
                starts, np.fromiter((h.start for h in found), np.int64, len(found)), "right"
            )
            for hit, at in zip(found, (at_of - 1).tolist(), strict=True):
                if at >= 0 and hit.start < ends[at]:
                    hits[at].append(hit)
        b = bounds.tolist()
        read = ReadTranscript(
            src,
            [tokens[b[i] : b[i + 1]] for i in range(n_seg)],
            [content[b[i] : b[i + 1]] for i in range(n_seg)],
            [tuple(h) for h in hits],
            flat=(tokens, content, b),
        )
        if vectors and n_seg:
            token_of = np.flatnonzero(keep)
            read.vectors = np.array(
                [
                    doc[int(token_of[bounds[i]]) : int(token_of[bounds[i + 1] - 1]) + 1].vector
                    if bounds[i + 1] > bounds[i]
                    else np.zeros(doc.vocab.vectors.shape[1], dtype=np.float32)
                    for i in range(n_seg)
                ],
                dtype=np.float32,
            )
        out.append(read)
    return out


def units_of(read: ReadTranscript, granularity: Granularity) -> list[Unit]:
    """The transcript's units at this granularity (cached on the reading)."""
    cached = read._units.get(granularity)
    if cached is not None:
        return cached
    import numpy as np

    src = read.source
    text, name, role = src.text, src.name, src.role
    turns = {turn.index: turn for turn in src.turns}
    by_turn: dict[int, list[int]] = {}
    for n, seg in enumerate(src.segments):
        by_turn.setdefault(seg.turn_index, []).append(n)
    order = sorted(by_turn)
    empty = np.zeros(0, dtype=np.uint64)
    # Per turn (in order): all its words (for the turn before) and its content words (for the turn after).
    whole: dict[int, Any] = {}
    said: dict[int, Any] = {}
    for t in order:
        members = by_turn[t]
        if read.flat is not None and members[-1] - members[0] + 1 == len(members):
            tokens, content, bounds = read.flat
            lo, hi = bounds[members[0]], bounds[members[-1] + 1]
            whole[t] = tokens[lo:hi]
            said[t] = whole[t][content[lo:hi]]
        else:
            whole[t] = _join([read.tokens[n] for n in members], np.uint64)
            said[t] = _join([read.tokens[n][read.content[n]] for n in members], np.uint64)
    speakers = {t: _speaker(turns, t) for t in order}
    units: list[Unit] = []
    before: int | None = None
    for position, turn_index in enumerate(order):
        members = by_turn[turn_index]
        after = order[position + 1] if position + 1 < len(order) else None
        speaker = speakers[turn_index]
        previous_speaker = speakers[before] if before is not None else ""
        previous = said[before] if before is not None else empty
        following = whole[after] if after is not None else empty
        said_before = whole[before] if before is not None else empty
        before = turn_index
        if granularity == "turn":
            turn = turns.get(turn_index)
            first, last = src.segments[members[0]], src.segments[members[-1]]
            span = turn.span if turn is not None else Span(first.span.start, last.span.end)
            units.append(
                Unit(
                    index=len(units),
                    segment=first.index,
                    span=span,
                    text=span.of(text),
                    tokens=whole[turn_index],
                    content=_join([read.content[n] for n in members], np.bool_),
                    hits=tuple(h for n in members for h in read.hits[n]),
                    vector=None if read.vectors is None else read.vectors[members].mean(axis=0),
                    transcript=name,
                    turn=turn_index,
                    speaker=speaker,
                    previous_speaker=previous_speaker,
                    role=role,
                    previous=previous,
                    following=following,
                    passage=empty,
                    turn_start=span.start,
                    said_before=said_before,
                )
            )
            continue
        passages = _passages(read, members, said[turn_index])
        for n, passage in zip(members, passages, strict=True):
            seg = src.segments[n]
            span = seg.span
            units.append(
                Unit(
                    name,
                    len(units),
                    turn_index,
                    seg.index,
                    span,
                    text[span.start : span.end],
                    speaker,
                    previous_speaker,
                    role,
                    read.tokens[n],
                    read.content[n],
                    previous,
                    following,
                    passage,
                    read.hits[n],
                    None if read.vectors is None else read.vectors[n],
                    turn_start=src.segments[members[0]].span.start,
                    said_before=said_before,
                )
            )
    read._units[granularity] = units
    return units


def _passages(read: ReadTranscript, members: list[int], said: Any) -> list[Any]:
    """Per segment of a turn, the content words of the passage around it (see ``Unit.passage``).

    A turn of up to 2 x PASSAGE_REACH + 1 segments is one passage, shared by its segments; in a longer
    one (a monologue, field notes) each segment gets its own window, so the cost stays linear in the
    turn's length. Each is a view into the turn's content words, not a copy.
    """
    import numpy as np

    if len(members) == 1:
        return [np.zeros(0, dtype=np.uint64)]
    if len(members) <= 2 * PASSAGE_REACH + 1:
        return [said] * len(members)
    counts = np.fromiter((int(read.content[n].sum()) for n in members), dtype=np.int64, count=len(members))
    ends = np.concatenate([[0], np.cumsum(counts)]).tolist()
    last = len(members)
    return [
        said[ends[max(0, k - PASSAGE_REACH)] : ends[min(last, k + PASSAGE_REACH + 1)]] for k in range(last)
    ]


def distinct_arrays(arrays: Sequence[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """The arrays that are distinct objects, and each input's index among them.

    The sentences of a turn share its arrays (the previous turn, the passage), so features of them are
    computed once per distinct array and then repeated.
    """
    import numpy as np

    first: dict[int, int] = {}
    distinct: list[np.ndarray] = []
    rows = np.empty(len(arrays), dtype=np.int64)
    for i, array in enumerate(arrays):
        at = first.get(id(array))
        if at is None:
            at = first[id(array)] = len(distinct)
            distinct.append(array)
        rows[i] = at
    return distinct, rows


def _speaker(turns: dict[int, Turn], index: int | None) -> str:
    turn = turns.get(index) if index is not None else None
    return turn.speaker if turn is not None else ""


def _join(parts: list[Any], dtype: Any) -> Any:
    import numpy as np

    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


def label_units(units: Sequence[Unit], codings: Iterable[tuple[str, Span, str]]) -> list[set[str]]:
    """The codes each unit carries: a coding labels every unit it covers substantially.

    Args:
        units: Units, of any transcripts, in transcript order.
        codings: (transcript, span, code) triples.

    Returns:
        One set of code names per unit.
    """
    labels: list[set[str]] = [set() for _ in units]
    index: dict[str, tuple[list[int], list[int]]] = {}
    for n, unit in enumerate(units):
        starts, positions = index.setdefault(unit.transcript, ([], []))
        starts.append(unit.span.start)
        positions.append(n)
    for name, (starts, positions) in index.items():
        order = sorted(range(len(starts)), key=starts.__getitem__)
        index[name] = ([starts[i] for i in order], [positions[i] for i in order])
    for transcript, span, code in codings:
        found = index.get(transcript)
        if found is None:
            continue
        starts, positions = found
        # Units never overlap each other, so only the one before the coding's start can reach into it.
        i = max(bisect.bisect_right(starts, span.start) - 1, 0)
        while i < len(starts) and starts[i] < span.end:
            unit_span = units[positions[i]].span
            shared = min(unit_span.end, span.end) - max(unit_span.start, span.start)
            if shared > 0 and shared >= LABEL_OVERLAP * min(len(unit_span), len(span)):
                labels[positions[i]].add(code)
            i += 1
    return labels


def choose_granularity(reads: Sequence[ReadTranscript], codings: Iterable[Coding]) -> Granularity:
    """``turn`` when the coder's codings mostly coincide with whole turns of several sentences, else ``segment``.

    A coding "is" a turn when it covers at least 90 % of a turn that has more than one segment and
    little beyond it; one-sentence turns say nothing either way. The pieces of one selection across
    turns (stored one per turn) are judged as the passage they were selected as.
    """
    turns: dict[str, list[Span]] = {}
    for read in reads:
        counts: dict[int, int] = {}
        for seg in read.source.segments:
            counts[seg.turn_index] = counts.get(seg.turn_index, 0) + 1
        turns[read.source.name] = [t.span for t in read.source.turns if counts.get(t.index, 0) > 1]
    whole = partial = 0
    for transcript, span in selections(reads, codings):
        for turn in turns.get(transcript, ()):
            shared = min(turn.end, span.end) - max(turn.start, span.start)
            if shared <= 0:
                continue
            if shared >= 0.9 * len(turn) and shared >= 0.9 * len(span):
                whole += 1
            else:
                partial += 1
            break
    return "turn" if whole > 0 and whole >= 2 * partial else "segment"


def selections(reads: Sequence[ReadTranscript], codings: Iterable[Coding]) -> list[tuple[str, Span]]:
    """Codings as the passages the coder selected: pieces of one selection across turns joined again.

    Pieces are codings of one code by one coder, stored in one action (the same time), each ending where
    its turn's words end and the next starting where the following turn's words start.
    """
    bounds: dict[str, tuple[dict[int, int], dict[int, int]]] = {}
    for read in reads:
        ordered_turns = sorted(read.source.turns, key=lambda t: t.span.start)
        ends = {t.span.end: i for i, t in enumerate(ordered_turns)}
        starts = {t.span.start: i for i, t in enumerate(ordered_turns)}
        bounds[read.source.name] = (ends, starts)
    groups: dict[tuple[str, str, str, object], list[Span]] = {}
    for c in codings:
        groups.setdefault((c.transcript, c.code, c.coder, c.created_at), []).append(c.span)
    out: list[tuple[str, Span]] = []
    for (transcript, *_), spans in groups.items():
        ends, starts = bounds.get(transcript, ({}, {}))
        spans.sort(key=lambda s: s.start)
        current = spans[0]
        for span in spans[1:]:
            before, after = ends.get(current.end), starts.get(span.start)
            if before is not None and after == before + 1:
                current = Span(current.start, span.end)
            else:
                out.append((transcript, current))
                current = span
        out.append((transcript, current))
    return out
