"""How good are the suggestions? Simulate a coder learning from a gold coder's codings.

Some transcripts are held out. The simulated coder codes the others unit by unit, in document order (or
in active-learning order: the units the model is least sure of first); after each step of the learning
curve the engine is trained on what has been coded so far and scored on the held-out transcripts against
the gold coder. The keyword-only baseline (the codebook's keywords and patterns, nothing learned, no
examples) is scored the same way.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from qualcode.errors import InputError
from qualcode.model import Span
from qualcode.suggest.engine import Knowledge, Scored, TrainedModel, train_model
from qualcode.suggest.features import RawFeatures, raw_features
from qualcode.suggest.learn import Calibration
from qualcode.suggest.nlp import suggestion_reader
from qualcode.suggest.session import ProjectData, source_texts
from qualcode.suggest.units import Granularity, Unit, choose_granularity, label_units, units_of

DEFAULT_STEPS = (25, 50, 100, 200, 500)
DEFAULT_HOLDOUT = 0.2
CALIBRATION_FLOOR = 0.1  # calibration is measured on the suggestions a coder could be shown
ACTIVE_START = 10  # the active-learning coder codes this many in document order before the model chooses


@dataclass(frozen=True, slots=True)
class Bin:
    """One bin of the reliability diagram: suggestions scored in [low, high), how often they were right."""

    low: float
    high: float
    count: int
    mean_score: float
    right: float


@dataclass(frozen=True, slots=True)
class Metrics:
    """Agreement of one method with the gold coder on the held-out units."""

    precision_micro: float
    recall_micro: float
    f1_micro: float
    precision_macro: float
    recall_macro: float
    f1_macro: float
    kappa: float
    calibration_error: float
    precision_at_3: float
    hit_at_3: float
    span_precision: float
    span_recall: float
    span_f1: float
    reliability: tuple[Bin, ...] = ()


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """The learning curve after ``coded`` units (``codings`` of them carrying a code)."""

    coded: int
    codings: int
    model: Metrics
    baseline: Metrics
    train_seconds: float


@dataclass(frozen=True, slots=True)
class EvaluationProgress:
    """Where an evaluation is: ``stage`` ("reading", "training"), ``done`` of ``total``."""

    stage: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """A learning curve against a gold coder, with what it was measured on."""

    gold_coder: str
    granularity: str
    order: str
    seed: int
    held_out: tuple[str, ...]
    train_units: int
    test_units: int
    codes: tuple[str, ...]
    speakers: tuple[str, ...]
    points: tuple[CurvePoint, ...]

    HEADER = (
        "coded", "codings", "method", "P_micro", "R_micro", "F1_micro", "P_macro", "R_macro", "F1_macro",
        "kappa", "ECE", "P@3", "hit@3", "span_P", "span_R", "span_F1", "train_s",
    )  # fmt: skip

    def rows(self) -> list[list[Any]]:
        """One row per step and method (model, then the keyword baseline), in HEADER's columns."""
        out: list[list[Any]] = []
        for point in self.points:
            for method, m in (("model", point.model), ("keywords", point.baseline)):
                out.append(
                    [
                        point.coded,
                        point.codings,
                        method,
                        *(_figure(getattr(m, name)) for name in METRIC_FIELDS),
                        round(point.train_seconds, 2) if method == "model" else None,  # null in JSON
                    ]
                )
        return out


def _figure(value: float) -> float:
    """A figure as reported: three decimals, and a kappa of -0.0001 as 0.0, not -0.0."""
    return round(value, 3) + 0.0


# Metrics' fields in the order of the report's columns (after coded, codings, method).
METRIC_FIELDS = (
    "precision_micro", "recall_micro", "f1_micro", "precision_macro", "recall_macro", "f1_macro",
    "kappa", "calibration_error", "precision_at_3", "hit_at_3", "span_precision", "span_recall", "span_f1",
)  # fmt: skip
# The spread across splits is given for the headline figures: kappa (one code per unit), micro F1, the
# top 3 (many codes), span overlap.
SPREAD_FIELDS = ("kappa", "f1_micro", "precision_at_3", "span_f1")
# "step": the number of units coded, or "all" for the last point of every curve (all the units to learn
# from, a number that differs by split: "coded" is then its mean).
SUMMARY_HEADER = (
    "step", *EvaluationReport.HEADER, "splits", "kappa_sd", "F1_micro_sd", "P@3_sd", "span_F1_sd"
)  # fmt: skip
RELIABILITY_HEADER = ("step", "coded", "splits", "scores", "suggestions", "mean_score", "right")


def _by_step(reports: Sequence[EvaluationReport]) -> list[tuple[str, list[CurvePoint]]]:
    """The curves' points grouped by step, in order, each with its step ("200", or "all" for the last
    point of every curve)."""
    steps: dict[int | str, list[CurvePoint]] = {}
    for report in reports:
        for k, point in enumerate(report.points):
            steps.setdefault("all" if k == len(report.points) - 1 else point.coded, []).append(point)
    keys = sorted((k for k in steps if k != "all"), key=int) + (["all"] if "all" in steps else [])
    return [(str(key), steps[key]) for key in keys]


def _mean_count(values: Iterable[int]) -> int:
    import numpy as np

    return round(float(np.mean(list(values))))


def summarise(reports: Sequence[EvaluationReport]) -> list[list[Any]]:
    """The learning curves of several held-out splits averaged, in SUMMARY_HEADER's columns.

    One row per step and method: each figure's mean over the splits that reached the step, how many did,
    and the sample standard deviation of the headline figures (None from one split).
    """
    import numpy as np

    out: list[list[Any]] = []
    for step, points in _by_step(reports):
        for method in ("model", "keywords"):
            metrics = [p.model if method == "model" else p.baseline for p in points]
            values = {name: np.array([getattr(m, name) for m in metrics]) for name in METRIC_FIELDS}
            spread = [
                _figure(float(values[name].std(ddof=1))) if len(points) > 1 else None
                for name in SPREAD_FIELDS
            ]
            out.append(
                [
                    step,
                    _mean_count(p.coded for p in points),
                    _mean_count(p.codings for p in points),
                    method,
                    *(_figure(float(values[name].mean())) for name in METRIC_FIELDS),
                    round(float(np.mean([p.train_seconds for p in points])), 2)
                    if method == "model"
                    else None,
                    len(points),
                    *spread,
                ]
            )
    return out


def reliability_table(reports: Sequence[EvaluationReport]) -> list[list[Any]]:
    """The model's reliability diagram at each step, in RELIABILITY_HEADER's columns: per band of scores
    (0.1 wide, from 0.1), how many held-out suggestions were scored in it, their mean score and the share
    that the gold coder did code. Calibrated scores have the two close. Several splits are pooled (a
    step some splits did not reach pools fewer: see the splits column). The model only: the keywords'
    scores are each rule's smoothed precision so far, not calibrated."""
    out: list[list[Any]] = []
    for step, points in _by_step(reports):
        pooled: dict[tuple[float, float], tuple[int, float, float]] = {}
        for point in points:
            for b in point.model.reliability:
                count, score, right = pooled.get((b.low, b.high), (0, 0.0, 0.0))
                pooled[b.low, b.high] = (
                    count + b.count,
                    score + b.count * b.mean_score,
                    right + b.count * b.right,
                )
        for (low, high), (count, score, right) in sorted(pooled.items()):
            out.append(
                [
                    step,
                    _mean_count(p.coded for p in points),
                    len(points),
                    f"{low:.1f}-{high:.1f}",
                    count,
                    _figure(score / count),
                    _figure(right / count),
                ]
            )
    return out


def iter_evaluate(
    data: ProjectData,
    gold_coder: str,
    *,
    steps: Sequence[int] = DEFAULT_STEPS,
    seed: int = 0,
    splits: int = 1,
    order: str = "document",
    holdout: float = DEFAULT_HOLDOUT,
    speakers: Sequence[str] = (),
    granularity: str = "auto",
    pipeline: str | None = None,
    threshold: float = 0.5,
) -> Iterator[EvaluationProgress | EvaluationReport]:
    """Run the simulation, yielding progress and a report per held-out split.

    Args:
        data: The project.
        gold_coder: Whose codings are the truth.
        steps: Numbers of coded units at which to measure (the whole training stream is always added).
        seed: Chooses the held-out transcripts (and breaks ties).
        splits: Held-out splits to measure on, with seeds ``seed``, ``seed + 1``, ... (skipping a seed
            that holds out the same transcripts as an earlier one): one split of a small project is a
            noisy measure (see ``summarise``).
        order: ``document`` (transcript by transcript, in order) or ``active`` (least certain first).
        holdout: Transcripts held out: a count (>= 1) or a fraction of the coded transcripts (< 1).
        speakers: Only units spoken by these speakers (case-insensitive), in training and in testing.
        granularity: ``segment``, ``turn`` or ``auto`` (as the gold coder codes).
        pipeline: spaCy pipeline to read with (None: blank English).
        threshold: Score at which a non-exclusive code counts as applied.

    Raises:
        InputError: if there are too few coded transcripts to hold some out, or nothing to learn from.
    """
    if order not in ("document", "active"):
        raise InputError(f"unknown order {order!r}", "use document or active")
    if splits < 1:
        raise InputError(f"{splits} splits", "measure on 1 held-out split or more")
    gold = data.codings(coders=(gold_coder,))
    names = sorted({c.transcript for c in gold})
    if len(names) < 2:
        raise InputError(
            f"{gold_coder!r} coded {len(names)} transcript(s); the evaluation holds some out to test on",
            "code at least two transcripts (more for a useful curve)",
        )
    if not 0 < holdout < math.inf:
        raise InputError(
            f"holdout {holdout} is not a count or a fraction", "give 1, 2, ... or a fraction like 0.2"
        )
    n_hold = int(holdout) if holdout >= 1 else max(1, round(holdout * len(names)))
    if n_hold >= len(names):
        raise InputError(
            f"{gold_coder!r} coded {len(names)} transcripts; holding out {n_hold} leaves none to learn from",
            f"hold out at most {len(names) - 1}",
        )
    possible = math.comb(len(names), n_hold)
    if splits > possible:
        raise InputError(
            f"{gold_coder!r} coded {len(names)} transcripts; holding out {n_hold} makes {possible} different "
            f"split{'s' * (possible != 1)}, not {splits}",
            f"ask for at most {possible} (--splits)",
        )
    knowledge = Knowledge.build(data.codebook(), suggestion_reader(pipeline), sorted({c.code for c in gold}))
    yield EvaluationProgress("reading", 0, len(names))
    reads = []
    for start in range(0, len(names), 64):
        reads.extend(knowledge.read(source_texts(data, names[start : start + 64])))
        yield EvaluationProgress("reading", min(start + 64, len(names)), len(names))
    chosen: Granularity
    if granularity == "auto":
        chosen = choose_granularity(reads, gold)
    else:
        chosen = "turn" if granularity == "turn" else "segment"
    wanted = {s.casefold() for s in speakers}
    every = {read.source.name: units_of(read, chosen) for read in reads}
    known = {u.speaker.casefold(): u.speaker for units in every.values() for u in units}
    unknown = sorted(s for s in speakers if s.casefold() not in known)
    if unknown:
        raise InputError(
            f"--speaker {unknown[0]!r} does not speak in the transcripts {gold_coder!r} coded",
            f"the speakers there are: {', '.join(sorted(known.values(), key=str.casefold))}",
        )
    spoken = {
        name: [u for u in units if not wanted or u.speaker.casefold() in wanted]
        for name, units in every.items()
    }
    triples = [(c.transcript, c.span, c.code) for c in gold]
    # Every split is checked before any is trained: a bad fifth split must not cost the first four's work.
    prepared = []
    for split_seed, held in _splits(names, n_hold, seed, splits):
        out = set(held)
        train_units = [u for read in reads if read.source.name not in out for u in spoken[read.source.name]]
        test_units = [u for read in reads if read.source.name in out for u in spoken[read.source.name]]
        train_labels = label_units(train_units, triples)
        test_labels = label_units(test_units, triples)
        _check_coded(
            gold_coder,
            speakers,
            held,
            split_seed,
            splits,
            (test_units, test_labels),
            (train_units, train_labels),
        )
        prepared.append((split_seed, held, train_units, test_units, train_labels, test_labels))
    for split, (split_seed, held, train_units, test_units, train_labels, test_labels) in enumerate(prepared):
        raw_train, raw_test = raw_features(train_units), raw_features(test_units)
        test_spans = _gold_spans(test_units, gold)
        points_at = sorted({s for s in steps if 0 < s < len(train_units)} | {len(train_units)})
        chooser = _ActiveOrder(knowledge, raw_train, train_labels, split_seed) if order == "active" else None
        points: list[CurvePoint] = []
        stage = "training" if splits == 1 else f"training, split {split + 1} of {splits}"
        for done, n in enumerate(points_at):
            yield EvaluationProgress(stage, done, len(points_at))
            rows = chooser.first(n) if chooser is not None else list(range(n))
            part = raw_train.take(rows)
            labels = [train_labels[i] for i in rows]
            started = time.perf_counter()
            model = train_model(knowledge, part, labels, seed=split_seed)
            seconds = time.perf_counter() - started
            baseline = train_model(knowledge, part, labels, use_model=False, use_examples=False)
            points.append(
                CurvePoint(
                    n,
                    sum(1 for s in labels if s),
                    measure(model, raw_test, test_labels, test_spans, threshold),
                    measure(baseline, raw_test, test_labels, test_spans, threshold),
                    seconds,
                )
            )
        yield EvaluationProgress(stage, len(points_at), len(points_at))
        yield EvaluationReport(
            gold_coder,
            chosen,
            order,
            split_seed,
            tuple(held),
            len(train_units),
            len(test_units),
            knowledge.codes,
            tuple(speakers),
            tuple(points),
        )


def _splits(names: Sequence[str], n_hold: int, seed: int, count: int) -> Iterator[tuple[int, list[str]]]:
    """``count`` different held-out sets with their seeds: ``seed``, ``seed + 1``, ... but for a seed that
    would hold out the same transcripts as an earlier one (a small project has few different splits)."""
    seen: set[tuple[str, ...]] = set()
    while len(seen) < count:
        held = sorted(random.Random(seed).sample(names, n_hold))
        if tuple(held) not in seen:
            seen.add(tuple(held))
            yield seed, held
        seed += 1


def _check_coded(
    gold_coder: str,
    speakers: Sequence[str],
    held: Sequence[str],
    seed: int,
    splits: int,
    tested: tuple[list[Unit], list[set[str]]],
    learned: tuple[list[Unit], list[set[str]]],
) -> None:
    """Refuse a split with nothing coded to test on or to learn from (kappa 1.0 would read as agreement)."""
    who = f" spoken by {', '.join(speakers)}" if speakers else ""
    shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
    for name, (units, labels) in (("held out", tested), ("learned from", learned)):
        if not any(labels):
            found = (
                f"coded none of the {len(units)} unit{'s' * (len(units) != 1)}" if units else "has no units"
            )
            raise InputError(
                f"{gold_coder!r} {found}{who} in the transcripts {name} (held out: {shown}; seed {seed})",
                "choose speakers the gold coder codes (--speaker), or other transcripts to hold out (--seed"
                + (", or fewer --splits)" if splits > 1 else ")"),
            )


class _ActiveOrder:
    """The order an active-learning coder codes in: a few in document order, then least certain first."""

    def __init__(self, knowledge: Knowledge, raw: RawFeatures, labels: list[set[str]], seed: int) -> None:
        self.knowledge, self.raw, self.labels, self.seed = knowledge, raw, labels, seed
        self.order: list[int] = list(range(min(ACTIVE_START, len(raw))))

    def first(self, n: int) -> list[int]:
        import numpy as np

        while len(self.order) < n:
            chosen = set(self.order)
            pool = [i for i in range(len(self.raw)) if i not in chosen]
            batch = min(n - len(self.order), max(5, math.ceil(len(self.order) / 5)))
            if len(self.order) >= len(self.raw) - batch:
                self.order.extend(pool[:batch])
                continue
            # No calibration while choosing: the ranking, not the probabilities, decides what comes next.
            model = train_model(
                self.knowledge,
                self.raw.take(self.order),
                [self.labels[i] for i in self.order],
                calibration=Calibration(),
            )
            unsure = model.uncertainty(model.score(self.raw.take(pool)))
            picks = np.argsort(-unsure, kind="stable")[:batch]
            self.order.extend(pool[int(i)] for i in picks)
        return self.order[:n]


def _gold_spans(units: list[Unit], gold: Sequence[Any]) -> dict[tuple[str, str], list[Span]]:
    """Gold spans per (transcript, code), clipped to the units tested (so --speaker applies to spans too)."""
    by_transcript: dict[str, list[Span]] = {}
    for unit in units:
        by_transcript.setdefault(unit.transcript, []).append(unit.span)
    out: dict[tuple[str, str], list[Span]] = {}
    for coding in gold:
        for span in by_transcript.get(coding.transcript, ()):
            lo, hi = max(span.start, coding.span.start), min(span.end, coding.span.end)
            if lo < hi:
                out.setdefault((coding.transcript, coding.code.casefold()), []).append(Span(lo, hi))
    return out


def measure(
    model: TrainedModel,
    raw: RawFeatures,
    gold: Sequence[set[str]],
    gold_spans: dict[tuple[str, str], list[Span]],
    threshold: float = 0.5,
) -> Metrics:
    """Compare a model's decisions and scores on ``raw``'s units with the gold labels."""
    scored = model.score(raw)
    predicted = model.decide(scored, threshold)
    gold_sets = [frozenset(c.casefold() for c in s) for s in gold]
    predicted_sets = [frozenset(c.casefold() for c in s) for s in predicted]
    codes = [c.casefold() for c in model.codes]
    micro, macro = _prf(gold_sets, predicted_sets, codes)
    at3, hit3 = _at_k(scored, codes, gold_sets, 3)
    ece, bins = calibration_error(scored, codes, gold_sets)
    span = _span_overlap(scored, predicted_sets, gold_spans)
    return Metrics(
        *micro, *macro, cohen_kappa(gold_sets, predicted_sets), ece, at3, hit3, *span, reliability=bins
    )


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return _ratio(2 * p * r, p + r)


def _prf(
    gold: Sequence[frozenset[str]], predicted: Sequence[frozenset[str]], codes: Sequence[str]
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    for g, p in zip(gold, predicted, strict=True):
        for c in g & p:
            tp[c] = tp.get(c, 0) + 1
        for c in p - g:
            fp[c] = fp.get(c, 0) + 1
        for c in g - p:
            fn[c] = fn.get(c, 0) + 1
    t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p_micro, r_micro = _ratio(t, t + f_p), _ratio(t, t + f_n)
    present = [c for c in codes if tp.get(c, 0) + fn.get(c, 0) > 0]  # codes the gold coder used here
    ps = [_ratio(tp.get(c, 0), tp.get(c, 0) + fp.get(c, 0)) for c in present]
    rs = [_ratio(tp.get(c, 0), tp.get(c, 0) + fn.get(c, 0)) for c in present]
    fs = [_f1(p, r) for p, r in zip(ps, rs, strict=True)]
    n = len(present)
    macro = (sum(ps) / n, sum(rs) / n, sum(fs) / n) if n else (0.0, 0.0, 0.0)
    return (p_micro, r_micro, _f1(p_micro, r_micro)), macro


def cohen_kappa(gold: Sequence[frozenset[str]], predicted: Sequence[frozenset[str]]) -> float:
    """Cohen's kappa over units, each unit's set of codes taken as one category ("none" included).

    For a coder who gives each unit one code this is the usual multi-class kappa.
    """
    n = len(gold)
    if not n:
        return 0.0
    a = ["|".join(sorted(s)) for s in gold]
    b = ["|".join(sorted(s)) for s in predicted]
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    counts_a: dict[str, int] = {}
    counts_b: dict[str, int] = {}
    for x in a:
        counts_a[x] = counts_a.get(x, 0) + 1
    for y in b:
        counts_b[y] = counts_b.get(y, 0) + 1
    expected = sum(counts_a[k] * counts_b.get(k, 0) for k in counts_a) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _at_k(
    scored: Scored, codes: Sequence[str], gold: Sequence[frozenset[str]], k: int
) -> tuple[float, float]:
    """Precision at k (right codes among the k best, over k) and hit at k, over units the gold coder coded."""
    import numpy as np

    precisions: list[float] = []
    hits: list[float] = []
    for i, g in enumerate(gold):
        if not g:
            continue
        row = np.where(scored.sources[i] >= 0, scored.scores[i], 0.0)
        top = [codes[j] for j in np.argsort(-row, kind="stable")[:k] if row[j] > 0]
        right = sum(1 for c in top if c in g)
        precisions.append(right / k)
        hits.append(1.0 if right else 0.0)
    return (_ratio(sum(precisions), len(precisions)), _ratio(sum(hits), len(hits)))


def calibration_error(
    scored: Scored, codes: Sequence[str], gold: Sequence[frozenset[str]], bins: int = 10
) -> tuple[float, tuple[Bin, ...]]:
    """Expected calibration error over the suggestions a coder could see (score >= 0.1), 10 bins.

    ECE = sum over bins of (share of suggestions in the bin) x |mean score - share that were right|.
    """
    import numpy as np

    truth = np.array([[c in g for c in codes] for g in gold], dtype=np.float64).reshape(len(gold), len(codes))
    scores = np.where(scored.sources >= 0, scored.scores, 0.0)
    mask = scores >= CALIBRATION_FLOOR
    s, y = scores[mask], truth[mask]
    if not len(s):
        return 0.0, ()
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(s, edges) - 1, 0, bins - 1)
    error = 0.0
    out: list[Bin] = []
    for b in range(bins):
        members = which == b
        count = int(members.sum())
        if not count:
            continue
        mean, right = float(s[members].mean()), float(y[members].mean())
        error += count / len(s) * abs(mean - right)
        out.append(Bin(float(edges[b]), float(edges[b + 1]), count, mean, right))
    return error, tuple(out)


def _span_overlap(
    scored: Scored,
    predicted: Sequence[frozenset[str]],
    gold_spans: dict[tuple[str, str], list[Span]],
) -> tuple[float, float, float]:
    """Character-level precision, recall and F1 of the applied codes' spans against the gold spans."""
    suggested: dict[tuple[str, str], list[Span]] = {}
    for unit, codes in zip(scored.units, predicted, strict=True):
        for code in codes:
            suggested.setdefault((unit.transcript, code), []).append(unit.span)
    shared = total_pred = total_gold = 0
    for key in set(suggested) | set(gold_spans):
        pred = _union(suggested.get(key, []))
        gold = _union(gold_spans.get(key, []))
        total_pred += sum(len(s) for s in pred)
        total_gold += sum(len(s) for s in gold)
        shared += _intersection(pred, gold)
    p, r = _ratio(shared, total_pred), _ratio(shared, total_gold)
    return p, r, _f1(p, r)


def _union(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in sorted(spans):
        if out and span.start <= out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return out


def _intersection(a: list[Span], b: list[Span]) -> int:
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i].start, b[j].start), min(a[i].end, b[j].end)
        total += max(0, hi - lo)
        if a[i].end < b[j].end:
            i += 1
        else:
            j += 1
    return total
