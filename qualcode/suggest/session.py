"""A coder's live suggestion model over a project: reads transcripts once, retrains as codings arrive.

The workbench keeps one :class:`Suggester` per coder. :meth:`Suggester.iter_retrain` is a plain generator
that a thread worker can run; the new model replaces the old one in a single assignment, so the UI thread
can keep asking for suggestions (from the old model) while it runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from qualcode.model import (
    Case,
    Codebook,
    Coding,
    CodingFilter,
    Decision,
    Event,
    Segment,
    Span,
    Suggestion,
    SuggestionDecision,
    Transcript,
    TranscriptSummary,
    UncertainSegment,
)
from qualcode.suggest.engine import Knowledge, Scored, TrainedModel, train_model
from qualcode.suggest.features import RawFeatures, raw_features, split_raw, stack_raw
from qualcode.suggest.learn import Calibration
from qualcode.suggest.nlp import suggestion_reader
from qualcode.suggest.units import (
    Granularity,
    ReadTranscript,
    SourceText,
    Unit,
    choose_granularity,
    label_units,
    units_of,
)

# Refit the calibration (3 extra fits) only when the labelled data has grown this much since the last fit.
RECALIBRATE_GROWTH = 1.25
DEFAULT_MIN_SCORE = 0.3


class ProjectData(Protocol):
    """What the suggester reads from a project (``qualcode.project.Project`` provides all of it)."""

    def codebook(self) -> Codebook: ...
    def transcripts(self, names: Collection[str] | None = None) -> list[TranscriptSummary]: ...
    def transcript(self, name: str) -> Transcript: ...
    def segments(self, name: str) -> list[Segment]: ...
    def cases(self) -> list[Case]: ...
    def codings(self, flt: CodingFilter | None = None, **criteria: Any) -> list[Coding]: ...
    def events(self, limit: int | None = None) -> list[Event]: ...
    def changes_after(self, event_id: int) -> list[tuple[int, str | None, str]]: ...
    def suggestion_decisions(
        self, coder: str | None = None, transcript: str | None = None, decision: Decision | None = None
    ) -> list[SuggestionDecision]: ...
    def read_spans(self, coder: str) -> dict[str, list[Span]]: ...


# Actions that change only the acting coder's own work: another coder's do not make this coder's model stale
OTHERS_PRIVATE = frozenset(
    {
        "coding.add",
        "coding.remove",
        "suggestion.accept",
        "suggestion.reject",
        "suggestion.forget",
        "memo.add",
        "memo.update",
    }
)


@dataclass(frozen=True, slots=True)
class RetrainProgress:
    """Where a retrain is: ``stage`` ("reading", "training", "done"), ``done`` of ``total``."""

    stage: str
    done: int
    total: int


def source_texts(data: ProjectData, names: Sequence[str]) -> list[SourceText]:
    """The transcripts as the engine needs them, with each participant's role attribute."""
    roles = {case.name: _role(case.attributes) for case in data.cases()}
    out: list[SourceText] = []
    for name in names:
        transcript = data.transcript(name)
        out.append(
            SourceText(
                name,
                transcript.text,
                transcript.turns,
                tuple(data.segments(name)),
                roles.get(transcript.case or "", ""),
                transcript.content_hash,
            )
        )
    return out


def _fingerprint(summary: TranscriptSummary, roles: dict[str, str]) -> tuple[Any, ...]:
    return (
        summary.source_name,
        summary.source_format,
        summary.case,
        roles.get(summary.case or "", ""),
        summary.characters,
        summary.words,
        summary.turns,
        summary.segments,
    )


def _role(attributes: dict[str, str]) -> str:
    for key, value in attributes.items():
        if key.casefold() == "role":
            return value
    return ""


class Suggester:
    """One coder's suggestion model over one project.

    Args:
        data: The project (anything with the :class:`ProjectData` methods).
        coder: Whose codings and decisions it learns from.
        pipeline: spaCy pipeline (``blank:en``, ``auto`` or a package name); None: blank English.
        granularity: ``segment``, ``turn``, or ``auto`` (whole turns when the coder codes whole turns).
    """

    def __init__(
        self, data: ProjectData, coder: str, *, pipeline: str | None = None, granularity: str = "auto"
    ) -> None:
        self.data = data
        self.coder = coder
        self.pipeline = pipeline
        self.granularity_setting = granularity
        if granularity not in ("auto", "segment", "turn"):
            raise ValueError(f"granularity must be auto, segment or turn, not {granularity!r}")
        self.granularity: Granularity = "turn" if granularity == "turn" else "segment"
        self.model: TrainedModel | None = None
        self.trained_at: int | None = None  # the project's last event id when the model was trained
        self._lock = threading.RLock()  # spaCy reading and the caches; never held while training
        self._knowledge: tuple[Any, Knowledge] | None = None
        self._reads: dict[str, ReadTranscript] = {}
        self._prints: dict[str, tuple[Any, ...] | None] = {}  # the summary each cached reading was made from
        self._raw: dict[tuple[str, str, str], RawFeatures] = {}
        self._scored: dict[tuple[str, str], tuple[TrainedModel, Scored]] = {}
        self._quick: TrainedModel | None = None

    # -- reading ----------------------------------------------------------------------------------

    @property
    def note(self) -> str:
        """Why a configured spaCy pipeline is not in use (empty when all is well)."""
        return suggestion_reader(self.pipeline).note

    def knowledge(self, extra_codes: Sequence[str] = ()) -> Knowledge:
        """The codebook's rules and examples (rebuilt when the codebook changes)."""
        codebook = self.data.codebook()
        key = (codebook, tuple(sorted(set(extra_codes))))
        with self._lock:
            if self._knowledge is None or self._knowledge[0] != key:
                knowledge = Knowledge.build(codebook, suggestion_reader(self.pipeline), extra_codes)
                self._knowledge = (key, knowledge)
                self._reads.clear()  # rule hits depend on the codebook
                self._raw.clear()
                self._scored.clear()
            return self._knowledge[1]

    def read(self, names: Sequence[str], knowledge: Knowledge) -> list[ReadTranscript]:
        """Read (tokenize, match rules) the transcripts not read yet; reuse the others.

        A transcript read before is loaded from the project again only when its summary (case, role,
        source, counts of characters, words, turns and segments) changed: its text and segments never
        change under the same name unless it is deleted and another imported, which changes the summary.
        """
        summaries = {t.name: t for t in self.data.transcripts(names)}
        roles = {case.name: _role(case.attributes) for case in self.data.cases()}
        prints = {name: _fingerprint(summaries[name], roles) if name in summaries else None for name in names}
        with self._lock:
            unsure = [
                name
                for name in names
                if name not in self._reads or prints[name] is None or self._prints.get(name) != prints[name]
            ]
        sources = {s.name: s for s in source_texts(self.data, unsure)}
        with self._lock:
            todo = [
                s for s in sources.values() if s.name not in self._reads or self._reads[s.name].source != s
            ]
            # (the codebook may have changed meanwhile in another thread, emptying the cache)
            todo += source_texts(self.data, [n for n in names if n not in self._reads and n not in sources])
            if todo:
                for read in knowledge.read(todo):
                    self._reads[read.source.name] = read
                    for key in [k for k in self._raw if k[0] == read.source.name]:
                        del self._raw[key]
            for name in sources:
                self._prints[name] = prints[name]
            return [self._reads[name] for name in names]

    def _raw_of(self, read: ReadTranscript, granularity: Granularity) -> tuple[list[Unit], RawFeatures]:
        return self._raws_of([read], granularity)[0]

    def _raws_of(
        self, reads: Sequence[ReadTranscript], granularity: Granularity
    ) -> list[tuple[list[Unit], RawFeatures]]:
        """Each transcript's units and raw features; those not cached yet are computed in one batch."""
        keyed = [((r.source.name, granularity, r.source.version), units_of(r, granularity)) for r in reads]
        with self._lock:
            todo = [(key, units) for key, units in keyed if key not in self._raw]
            if todo:
                batch = raw_features([u for _key, units in todo for u in units])
                for (key, _units), raw in zip(
                    todo, split_raw(batch, [len(u) for _k, u in todo]), strict=True
                ):
                    self._raw[key] = raw
            return [(units, self._raw[key]) for key, units in keyed]

    # -- training ---------------------------------------------------------------------------------

    def project_version(self) -> int:
        last = self.data.events(limit=1)
        return last[-1].id if last else 0

    def stale(self) -> bool:
        """Whether the project changed since the model was trained in a way that concerns this coder.

        Another coder's codings, decisions and memos do not (the model learns from this coder's work
        only); anything else anyone does (the codebook, transcripts, attributes, an import, an undo) does.
        """
        if self.model is None or self.trained_at is None:
            return True
        since = self.data.changes_after(self.trained_at)
        if any(coder == self.coder or action not in OTHERS_PRIVATE for _, coder, action in since):
            return True
        if since:  # only other coders' own work: no need to look at it again
            self.trained_at = since[-1][0]
        return False

    def iter_retrain(self, refit: bool = False, threads: int = 1) -> Iterator[RetrainProgress | TrainedModel]:
        """Retrain on the coder's current codings and decisions, yielding progress, then the model.

        Safe to run in a worker thread: the new model is swapped in at the end in one assignment.
        ``refit`` fits the calibration afresh even where the last one could be reused. ``threads``: codes
        fitted at once (more is faster, one is reproducible: see ``learn.FAST_THREADS``).
        """
        version = self.project_version()
        codings = self.data.codings(coders=(self.coder,))
        decisions = self.data.suggestion_decisions(coder=self.coder)
        knowledge = self.knowledge(sorted({c.code for c in codings}))
        names = sorted({c.transcript for c in codings} | {d.transcript for d in decisions})
        yield RetrainProgress("reading", 0, len(names))
        reads = self.read(names, knowledge)
        yield RetrainProgress("reading", len(names), len(names))
        if self.granularity_setting == "auto":
            granularity = choose_granularity(reads, codings)
        else:
            granularity = self.granularity
        parts: list[RawFeatures] = []
        labels: list[set[str]] = []
        unknown: list[set[str]] = []
        triples = [(c.transcript, c.span, c.code) for c in codings]
        # "Accept all" takes suggestions from a preview: those segments were not read, so they do not
        # move the place the coder has read up to (else one accept all in every transcript would make
        # every segment before it a negative example of every code). Past that place they are left out
        # too: they are what the suggestions already said, and positives without the negatives around
        # them would teach the model that the code is everywhere (the demo: 42 accepted, then 1,286
        # suggestions scored 0.3 or more instead of 153).
        previewed = {(d.transcript, d.span, d.code) for d in decisions if d.bulk}
        read_there = [t for t in triples if t not in previewed]
        decided = [(d.transcript, d.span, d.code) for d in decisions if not d.bulk]
        reading = self.data.read_spans(self.coder)
        latest = _latest_place(
            [c for c in codings if (c.transcript, c.span, c.code) not in previewed],
            [d for d in decisions if not d.bulk],
        )
        for read, (units, raw) in zip(reads, self._raws_of(reads, granularity), strict=True):
            name = read.source.name
            unit_labels = label_units(units, [t for t in triples if t[0] == name])
            coded = label_units(units, [t for t in read_there if t[0] == name])
            touched = label_units(units, [t for t in decided if t[0] == name])
            seen = [i for i in range(len(units)) if coded[i] or touched[i]]
            if not seen:
                continue
            # Everything up to the last place the coder coded or decided counts as read, except, where
            # the workbench recorded what the coder had on screen, what they jumped over ("next
            # uncertain", a search): a segment they never saw is not a "no".
            last = max(seen)
            before = units[: last + 1]
            if name in reading:
                looked = label_units(before, [(name, span, "") for span in reading[name]])
                rows = [i for i in range(last + 1) if looked[i] or coded[i] or touched[i]]
            else:
                rows = list(range(last + 1))
            parts.append(raw.take(rows))
            labels.extend(unit_labels[i] for i in rows)
            # Where the coder worked last they may still be at work (one of two suggestions there
            # accepted): codes not answered there are left open, so the other keeps its score.
            open_here: list[set[str]] = [set() for _ in rows]
            if latest is not None and latest[0] == name:
                here = label_units(before, [(name, latest[1], "")])
                for k, i in enumerate(rows):
                    if here[i]:
                        answered = {c.casefold() for c in unit_labels[i] | touched[i]}
                        open_here[k] = {c for c in knowledge.codes if c.casefold() not in answered}
            unknown.extend(open_here)
        yield RetrainProgress("training", 0, len(labels))
        previous = self.model.calibration if self.model is not None else None
        reuse = None if refit else _reusable(previous, len(labels))
        open_somewhere = unknown if any(unknown) else None
        model = train_model(
            knowledge, stack_raw(parts), labels, calibration=reuse, unknown=open_somewhere, threads=threads
        )
        with self._lock:
            self.model, self.trained_at, self.granularity = model, version, granularity
            self._scored.clear()
        yield RetrainProgress("done", len(labels), len(labels))
        yield model

    def retrain(self, threads: int = 1) -> TrainedModel:
        """Retrain now and return the new model (the plain-function form of :meth:`iter_retrain`)."""
        model: TrainedModel | None = None
        for step in self.iter_retrain(threads=threads):
            if isinstance(step, TrainedModel):
                model = step
        assert model is not None
        return model

    def current(self, wait: bool = True) -> TrainedModel:
        """The model, trained first if there is none yet (retraining is the caller's choice after that).

        Args:
            wait: When there is no model yet, train one now (True), or return the codebook-only model at
                once (False: rules and example quotes, nothing learned; for a first paint while
                :meth:`iter_retrain` runs in a worker).
        """
        model = self.model
        if model is not None:
            return model
        if wait:
            return self.retrain()
        with self._lock:
            if self._quick is None or self._quick.knowledge is not self.knowledge():
                self._quick = train_model(self.knowledge(), raw_features([]), [], use_model=False)
            return self._quick

    # -- using ------------------------------------------------------------------------------------

    def _scored_for(self, transcript: str, model: TrainedModel) -> Scored:
        key = (transcript, self.granularity)
        with self._lock:
            hit = self._scored.get(key)
            if hit is not None and hit[0] is model:
                return hit[1]
        read = self.read([transcript], model.knowledge)[0]
        _units, raw = self._raw_of(read, self.granularity)
        scored = model.score(raw)
        with self._lock:
            self._scored[key] = (model, scored)
        return scored

    def _exclusions(self, transcript: str, units: list[Unit]) -> list[set[str]]:
        """Per unit, codes not to suggest: rejected there by the coder, or already coded there."""
        coded = self.data.codings(transcripts=(transcript,), coders=(self.coder,))
        rejected = self.data.suggestion_decisions(
            coder=self.coder, transcript=transcript, decision=Decision.REJECTED
        )
        triples = [(c.transcript, c.span, c.code) for c in coded]
        triples += [(d.transcript, d.span, d.code) for d in rejected]
        return [{c.casefold() for c in s} for s in label_units(units, triples)]

    def suggestions(
        self,
        transcript: str,
        *,
        codes: Sequence[str] | None = None,
        min_score: float = DEFAULT_MIN_SCORE,
        per_unit: int | None = 3,
        start: int | None = None,
        end: int | None = None,
        wait: bool = True,
    ) -> list[Suggestion]:
        """Ranked suggestions for a transcript (or the part of it in ``[start, end)``), best first per unit.

        ``wait=False`` never trains: before the first training it answers from the codebook alone.
        """
        model = self.current(wait)
        scored = self._scored_for(transcript, model)
        units = scored.units
        excluded = self._exclusions(transcript, units)
        # A model older than the coder's latest change (the workbench lists with it until its retrain)
        # learned as positives codings that an undo or a removal has since taken back, and scores those
        # very segments high ("close to your coding" to a coding no longer there). A positive it learned
        # is either still coded (excluded above) or taken back: either way not suggested by this model.
        learned = model.positive_places

        def exclude(unit: Unit, code: str) -> bool:
            folded = code.casefold()
            return folded in excluded[unit.index] or (unit.transcript, unit.span.start, folded) in learned

        found = model.suggestions(
            scored, min_score=min_score, codes=codes, per_unit=per_unit, exclude=exclude
        )
        if start is not None or end is not None:
            lo, hi = start or 0, end if end is not None else 1 << 62
            found = [s for s in found if s.span.start < hi and lo < s.span.end]
        return found

    def uncertain(
        self, transcript: str | None = None, count: int = 1, wait: bool = True
    ) -> list[UncertainSegment]:
        """Where an answer would teach the model most: uncoded, undecided units, most uncertain first."""
        model = self.current(wait)
        names = [transcript] if transcript else [t.name for t in self.data.transcripts()]
        if len(names) > 1:  # read and featurise the transcripts not cached yet in one batch
            self._raws_of(self.read(names, model.knowledge), self.granularity)
        found: list[UncertainSegment] = []
        for name in names:
            scored = self._scored_for(name, model)
            excluded = self._exclusions(name, scored.units)
            found.extend(model.uncertain(scored, count, skip=_skipper(excluded)))
        found.sort(key=lambda u: -u.uncertainty)
        return found[:count]


def _skipper(excluded: list[set[str]]) -> Callable[[Unit], bool]:
    """Skip a unit the coder already coded or decided on."""
    return lambda unit: bool(excluded[unit.index])


def _latest_place(
    codings: Sequence[Coding], decisions: Sequence[SuggestionDecision]
) -> tuple[str, Span] | None:
    """Where the coder last coded or decided something (not through accept all): (transcript, span).

    Ties in time (rows written in one transaction) go to the later row.
    """
    places = [(c.created_at, c.id, c.transcript, c.span) for c in codings]
    places += [(d.decided_at, d.id, d.transcript, d.span) for d in decisions]
    if not places:
        return None
    _when, _id, transcript, span = max(places, key=lambda p: (p[0], p[1]))
    return transcript, span


def _reusable(previous: Calibration | None, labelled: int) -> Calibration | None:
    """The previous calibration while the labelled data has grown a little since, else None (refit).

    Not once it has shrunk (undo takes codings back): what was enough to calibrate may no longer be.
    """
    if previous is None or previous.fitted_on == 0:
        return None
    return previous if previous.fitted_on <= labelled <= previous.fitted_on * RECALIBRATE_GROWTH else None
