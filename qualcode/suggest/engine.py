"""The suggestion engine: codebook rules, example similarity and the learned model, scored and explained.

Scores are calibrated probabilities where the model covers a code; where it does not yet (too few of the
coder's codings), they come from the rules (the share of rule hits the coder has coded, a Beta(1, 1)
estimate) and from similarity to example quotes and to the coder's few codings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcode.model import Codebook, Suggestion, SuggestionSource, UncertainSegment
from qualcode.suggest import meaning
from qualcode.suggest.features import (
    Featurizer,
    RawFeatures,
    fit_featurizer,
    raw_features,
    word_columns,
    word_label,
)
from qualcode.suggest.learn import (
    BALANCE,
    MIN_CALIBRATION_POSITIVES,
    Calibration,
    Classifiers,
    fit_calibration,
    fit_classifiers,
    modelled,
)
from qualcode.suggest.nlp import Reader
from qualcode.suggest.rules import CodebookRules
from qualcode.suggest.units import ReadTranscript, SourceText, Unit, read_transcripts, units_of

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

NONE = "\x00none"  # the pseudo-code "no code here", learned when codes are exclusive
EXAMPLE_MIN = 0.3  # below this similarity an example quote is no evidence
EXAMPLE_SCALE = 0.6  # an unmodelled code's example score is at most this (similarity is not a probability)
NEAR_MIN = 0.2  # a coded unit this similar is named in the reason
MAX_EXCLUSIVE = 12  # more codes than this are themes, not a categorical scheme
MIN_EXCLUSIVE_EVIDENCE = 20  # coded units, each with one code, before a scheme counts as categories
_SOURCES = (SuggestionSource.RULE, SuggestionSource.EXAMPLE, SuggestionSource.MODEL)


@dataclass(slots=True)
class Knowledge:
    """What the engine knows before any coding: the codes, their rules and their example quotes."""

    reader: Reader
    codebook: Codebook
    codes: tuple[str, ...]
    rules: CodebookRules
    examples: RawFeatures
    example_codes: list[int]
    example_texts: list[str]

    @classmethod
    def build(cls, codebook: Codebook, reader: Reader, extra_codes: Iterable[str] = ()) -> Knowledge:
        """Compile the codebook's rules and read its example quotes."""
        codes = [c.name for c in codebook if not c.group]
        known = {c.casefold() for c in codes}
        groups = {c.name.casefold() for c in codebook if c.group}
        for code in extra_codes:
            if code.casefold() not in known and code.casefold() not in groups:
                codes.append(code)
                known.add(code.casefold())
        rules = CodebookRules(codebook, reader.nlp, lemmas=reader.lemmas)
        texts: list[str] = []
        owners: list[int] = []
        for k, name in enumerate(codes):
            entry = codebook.get(name)
            for quote in entry.examples if entry is not None else ():
                if quote.strip():
                    texts.append(quote.strip())
                    owners.append(k)
        sources = [
            SourceText(f"\x00example{i}", text, (), (_segment(len(text)),)) for i, text in enumerate(texts)
        ]
        read = read_transcripts(sources, reader.nlp, rules, lemmas=reader.lemmas, vectors=reader.vectors)
        units = [units_of(r, "segment")[0] for r in read]
        return cls(reader, codebook, tuple(codes), rules, raw_features(units), owners, texts)

    def read(self, sources: Sequence[SourceText]) -> list[ReadTranscript]:
        """Read transcripts with this knowledge's pipeline and rules."""
        return read_transcripts(
            sources, self.reader.nlp, self.rules, lemmas=self.reader.lemmas, vectors=self.reader.vectors
        )


def _segment(length: int) -> Any:
    from qualcode.model import Segment, Span

    return Segment(0, 0, Span(0, max(length, 1)))


@dataclass(slots=True)
class Scored:
    """Scores for a list of units: per unit and code a score in 0..1 and the source it came from."""

    units: list[Unit]
    scores: np.ndarray  # units x codes
    sources: np.ndarray  # units x codes: index into _SOURCES, -1 for no evidence
    words: csr_matrix
    matrix: csr_matrix
    rules: np.ndarray
    similarity: np.ndarray
    none: np.ndarray | None  # the "no code" score per unit, when codes are exclusive


@dataclass(slots=True)
class TrainedModel:
    """A trained, immutable model for one coder. Scoring never changes it, so threads can share it.

    Attributes:
        knowledge: Codes, rules, examples.
        featurizer: The fitted features.
        classifiers: The learned per-code classifiers (codes with enough of the coder's codings).
        calibration: The Platt scaling of the classifiers' scores.
        rule_counts: Per code, (rule hits the coder coded with it, rule hits the coder saw).
        positives: Per code, indices of its labelled units (rows of ``train_words``).
        train_words: Word vectors of the labelled units.
        train_refs: (transcript, turn) of each labelled unit, to name it in reasons.
        exclusive: The coder gives each unit one code at most, so the best code competes with "none".
        labelled: How many units the model learned from.
    """

    knowledge: Knowledge
    featurizer: Featurizer
    classifiers: Classifiers
    calibration: Calibration
    rule_counts: dict[str, tuple[int, int]]
    positives: dict[str, list[int]]
    train_words: csr_matrix
    train_refs: list[tuple[str, int]]
    exclusive: bool
    labelled: int
    use_model: bool = True
    use_examples: bool = True
    # (transcript, start, code in lower case) of every unit the model learned as a code's positive
    positive_places: frozenset[tuple[str, int, str]] = frozenset()
    _model_columns: dict[str, int] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return self.knowledge.codes

    def modelled_codes(self) -> tuple[str, ...]:
        return tuple(c for c in self.classifiers.codes if c != NONE)

    def score(self, raw: RawFeatures) -> Scored:
        """Score every unit for every code."""
        import numpy as np

        matrix, words, rules, similarity = self.featurizer.transform(raw)
        n, k = len(raw), len(self.codes)
        scores = np.zeros((n, k), dtype=np.float64)
        sources = np.full((n, k), -1, dtype=np.int8)
        for j, code in enumerate(self.codes):
            hit, seen = self.rule_counts.get(code, (0, 0))
            rule_score = (hit + 1.0) / (seen + 2.0)
            mask = rules[:, j] > 0
            scores[mask, j] = rule_score
            sources[mask, j] = 0
        if self.use_examples:
            example = similarity.copy()
            for j, code in enumerate(self.codes):
                rows = self.positives.get(code, [])
                if rows and code not in self._model_columns:
                    near = (words @ self.train_words[rows].T).toarray().max(axis=1)
                    np.maximum(example[:, j], near, out=example[:, j])
            example_score = np.where(example >= EXAMPLE_MIN, EXAMPLE_SCALE * example, 0.0)
            better = example_score > scores
            scores[better] = example_score[better]
            sources[better] = 1
        none = None
        if self.use_model and self.classifiers.codes:
            probabilities = self.calibration.apply(self.classifiers.decision(matrix))
            for code, column in self._model_columns.items():
                if code == NONE:
                    none = probabilities[:, column]
                    continue
                j = self.codes.index(code)
                scores[:, j] = probabilities[:, column]
                sources[:, j] = 2
        return Scored(raw.units, scores, sources, words, matrix, rules, similarity, none)

    def decide(self, scored: Scored, threshold: float = 0.5) -> list[frozenset[str]]:
        """The codes the model would apply to each unit (for evaluation against a coder)."""
        import numpy as np

        out: list[frozenset[str]] = []
        for i in range(len(scored.units)):
            row = scored.scores[i]
            if self.exclusive and len(row) and self._model_columns:
                best = int(np.argmax(row))
                floor = scored.none[i] if scored.none is not None else 0.0
                out.append(frozenset([self.codes[best]]) if row[best] > floor else frozenset())
            else:
                out.append(frozenset(self.codes[j] for j in np.flatnonzero(row >= threshold)))
        return out

    def suggestions(
        self,
        scored: Scored,
        *,
        min_score: float = 0.0,
        codes: Sequence[str] | None = None,
        per_unit: int | None = 3,
        exclude: Callable[[Unit, str], bool] | None = None,
    ) -> list[Suggestion]:
        """Ranked suggestions per unit (best first), each with its reason.

        Args:
            scored: The units' scores.
            min_score: Leave out suggestions scored below this.
            codes: Only these codes (case-insensitive); all when None.
            per_unit: At most this many per unit (None: all).
            exclude: Leaves out a (unit, code) when it returns True (rejected, or already coded).
        """
        import numpy as np

        wanted = None if codes is None else {c.casefold() for c in codes}
        columns = np.array(
            [j for j, c in enumerate(self.codes) if wanted is None or c.casefold() in wanted], dtype=np.int64
        )
        if not len(columns) or not len(scored.units):
            return []
        sub = np.where(scored.sources[:, columns] >= 0, scored.scores[:, columns], 0.0)
        sub[np.round(sub, 4) < min_score] = 0.0  # as the suggestions show them: 0.7125 passes 0.7125
        pairs: list[tuple[int, int]] = []
        for i in np.flatnonzero(sub.max(axis=1) > 0):
            unit, row = scored.units[int(i)], sub[int(i)]
            taken = 0
            for jj in np.argsort(-row, kind="stable"):
                if row[jj] <= 0 or (per_unit is not None and taken >= per_unit):
                    break
                j = int(columns[jj])
                if exclude is not None and exclude(unit, self.codes[j]):
                    continue
                pairs.append((int(i), j))
                taken += 1
        return self._build(scored, pairs)

    def _build(self, scored: Scored, pairs: Sequence[tuple[int, int]]) -> list[Suggestion]:
        """Suggestions for (unit, code) pairs, their reasons computed in batches per code."""
        import numpy as np

        reasons = self._reasons(scored, pairs)
        out: list[Suggestion] = []
        for (i, j), reason in zip(pairs, reasons, strict=True):
            unit = scored.units[i]
            out.append(
                Suggestion(
                    transcript=unit.transcript,
                    span=unit.span,
                    code=self.codes[j],
                    score=float(np.round(scored.scores[i, j], 4)),  # as min_score is compared
                    source=_SOURCES[int(scored.sources[i, j])],
                    reason=reason,
                    segment=unit.segment,
                    turn=unit.turn,
                    text=unit.text,
                )
            )
        return out

    def _reasons(self, scored: Scored, pairs: Sequence[tuple[int, int]]) -> list[str]:
        """Why each unit might take each code, in words, strongest evidence first."""
        import numpy as np

        by_code: dict[int, list[int]] = {}
        for n, (_i, j) in enumerate(pairs):
            by_code.setdefault(j, []).append(n)
        near: dict[int, str] = {}
        cues: dict[int, list[str]] = {}
        examples: dict[int, str] = {}
        names: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        layout = self.featurizer.layout
        for j, members in by_code.items():
            code = self.codes[j]
            rows = [pairs[n][0] for n in members]
            positives = self.positives.get(code, [])
            if positives:
                sims = (scored.words[rows] @ self.train_words[positives].T).toarray()
                best = sims.argmax(axis=1)
                for k, n in enumerate(members):
                    if sims[k, best[k]] >= NEAR_MIN:
                        transcript, turn = self.train_refs[positives[int(best[k])]]
                        near[n] = f"close to your coding in {transcript}, turn {turn + 1}"
            owners = np.flatnonzero(self.featurizer.example_codes == j)
            if len(owners):
                sims = (scored.words[rows] @ self.featurizer.examples[owners].T).toarray()
                best = sims.argmax(axis=1)
                for k, n in enumerate(members):
                    if scored.similarity[rows[k], j] >= EXAMPLE_MIN:
                        quote = self.knowledge.example_texts[int(owners[int(best[k])])]
                        short = quote if len(quote) <= 60 else quote[:57] + "..."
                        examples[n] = f"like the codebook example {short!r}"
            if code in self._model_columns:
                for n in members:
                    if scored.sources[pairs[n][0], j] == 2:
                        cues[n] = self._cues(scored, pairs[n][0], code, names, layout)
        out: list[str] = []
        for n, (i, j) in enumerate(pairs):
            code, source = self.codes[j], int(scored.sources[i, j])
            parts: list[str] = []
            hit = next((h for h in scored.units[i].hits if h.code == code), None)
            if source == 2:
                count = len(self.positives.get(code, []))
                found = cues.get(n)
                parts.append(
                    f"learned from your {count} coded segments" + (f" ({', '.join(found)})" if found else "")
                )
            if hit is not None and source == 0:
                parts.insert(0, f"{hit.reason()}; {self._rule_record(code)}")
            elif hit is not None:
                parts.append(hit.reason())
            if n in near:
                parts.append(near[n])
            if n in examples and (source == 1 or n not in near):
                parts.append(examples[n])
            out.append("; ".join(dict.fromkeys(parts)) or "weak evidence")
        return out

    def _rule_record(self, code: str) -> str:
        """How a code's rules have done in the coder's coding: what a rule's score rests on.

        Before any evidence a rule scores 0.5, which would read as a coin toss it has earned; the coder
        should see that it is untried (on PDPilot after 500 coded sentences, such hits were right 10 %).
        """
        hit, seen = self.rule_counts.get(code, (0, 0))
        if not seen:
            return "rules not yet checked on your coding"
        return f"rules right in {hit} of {seen} segment{'s' * (seen != 1)} you read"

    def _cues(
        self,
        scored: Scored,
        i: int,
        code: str,
        cache: dict[int, tuple[np.ndarray, np.ndarray]],
        layout: dict[str, tuple[int, int]],
        top: int = 2,
    ) -> list[str]:
        """The features of unit ``i`` that pushed ``code`` up most (for the reason)."""
        import numpy as np

        column = self._model_columns[code]
        matrix = scored.matrix
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        indices = matrix.indices[lo:hi]
        contributions = matrix.data[lo:hi] * self.classifiers.coef[indices, column]
        order = np.argsort(-contributions)
        unit = scored.units[i]
        found: list[str] = []
        for n in order[: top * 4].tolist():
            if contributions[n] <= 0 or len(found) >= top:
                break
            col = int(indices[n])
            label = ""
            if col < layout["words"][1]:
                if i not in cache:
                    cache[i] = word_columns(unit, self.featurizer.words.colmap)
                word = word_label(unit, col, cache[i], self.knowledge.reader.nlp.vocab)
                label = repr(word) if word.strip() else ""
            elif col < layout["previous"][1]:
                label = "what was said before"
            elif col < layout["following"][1]:
                label = "what was said next"
            elif col < layout["passage"][1]:
                label = "the passage around it"
            elif col < layout["context"][1]:
                label = self._context_label(unit, col - layout["context"][0])
            elif col < layout["shape"][1]:
                label = self.featurizer.shape_names[col - layout["shape"][0]]
                label = "" if label == "its length" else label
            elif col < layout["rules"][1]:
                label = ""  # the rule is named on its own
            elif col < layout["examples"][1]:
                label = "like the codebook examples"
            elif col < layout["meaning"][0] + meaning.DIMENSIONS:
                label = "what it means"
            elif col < layout["meaning"][1] - 1:
                label = "what was said before"
            elif matrix.data[lo + n] > 0:  # a negative cosine times a negative weight is no echo
                label = "says again what was said before"
            if label and label not in found:
                found.append(label)
        return found

    def _context_label(self, unit: Unit, offset: int) -> str:
        """The context feature at ``offset`` in the context block, in the unit's own words (the column is
        one of the unit's own: its speaker, whom it follows, or the interviewee's role)."""
        token = next((t for t, c in self.featurizer.context.items() if c == offset), "")
        kind = token.partition("=")[0]
        if kind == "speaker" and unit.speaker:
            return f"speaker {unit.speaker}"
        if kind == "previous" and unit.previous_speaker:
            return f"after {unit.previous_speaker}"
        if kind == "role" and unit.role:
            return f"role {unit.role}"
        return ""

    def uncertainty(self, scored: Scored) -> np.ndarray:
        """Per unit, 0 (sure) .. 1 (a coin toss), weighted towards typical units.

        The most uncertain code counts (for exclusive codes: the margin between the two best answers);
        typicality is the similarity to the centroid of the units scored, so the coder is sent to
        segments whose answer teaches the model about many others, not to outliers.
        """
        import numpy as np

        n = len(scored.units)
        if not n:
            return np.zeros(0)
        scores = scored.scores
        if self.exclusive and scored.none is not None:
            scores = np.column_stack([scores, scored.none])
        if self.exclusive and scores.shape[1] >= 2:
            top2 = -np.sort(-scores, axis=1)[:, :2]
            total = scores.sum(axis=1)
            total[total == 0] = 1.0
            unsure = 1.0 - (top2[:, 0] - top2[:, 1]) / total
        elif scores.shape[1]:
            unsure = (1.0 - np.abs(2.0 * scores - 1.0)).max(axis=1)
        else:
            unsure = np.zeros(n)
        centroid = np.asarray(scored.words.mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        density = np.asarray(scored.words @ centroid).ravel() / norm if norm else np.zeros(n)
        peak = density.max() if n else 0.0
        typical = 0.5 + 0.5 * (density / peak if peak > 0 else density)
        result: np.ndarray = np.clip(unsure, 0.0, 1.0) * typical
        return result

    def uncertain(
        self, scored: Scored, count: int = 1, skip: Callable[[Unit], bool] | None = None
    ) -> list[UncertainSegment]:
        """The ``count`` units where an answer would teach the model most, most uncertain first."""
        import numpy as np

        unsure = self.uncertainty(scored)
        out: list[UncertainSegment] = []
        for i in np.argsort(-unsure, kind="stable"):
            unit = scored.units[int(i)]
            if skip is not None and skip(unit):
                continue
            row = scored.scores[int(i)]
            best = [j for j in np.argsort(-row)[:3] if row[j] > 0]
            out.append(
                UncertainSegment(
                    unit.transcript,
                    unit.span,
                    round(float(unsure[int(i)]), 4),
                    tuple(self._build(scored, [(int(i), int(j)) for j in best])),
                    unit.segment,
                    unit.turn,
                    unit.text,
                )
            )
            if len(out) >= count:
                break
        return out


def _answered(
    unknown: Sequence[Iterable[str]],
    index: dict[str, int],
    label_sets: list[set[int]],
    shape: tuple[int, int],
) -> np.ndarray:
    """Per unit and label column, 1 where the coder's answer is known, 0 where it is not yet.

    A unit with unanswered codes and no code of its own says nothing about "no code" either.
    """
    import numpy as np

    weights = np.ones(shape, dtype=np.float64)
    for i, codes in enumerate(unknown):
        columns = [index[c.casefold()] for c in codes if c.casefold() in index]
        if not columns:
            continue
        weights[i, columns] = 0.0
        if shape[1] > len(index) and not label_sets[i]:
            weights[i, len(index)] = 0.0
    return weights


def calibration_places(units: Sequence[Unit]) -> list[str]:
    """Each unit's place for the calibration folds: its transcript and where its turn starts.

    The sentences of a turn share the passage around them and, with thematic coders, their codes; one
    of them in another fold made the scores look surer than they are on a new interview (PDPilot, five
    seeds, ECE after 100 / 200 / 500 coded sentences: 0.24 / 0.18 / 0.16 by sentence, 0.20 / 0.13 / 0.09
    by turn). The place comes from the transcript, not from which of the turn's sentences the coder has
    labelled, so a turn keeps its fold as the coder codes on. A whole-turn unit keeps its own place.
    """
    return [f"{u.transcript}\x00{u.turn_start if u.turn_start >= 0 else u.span.start}" for u in units]


def train_model(
    knowledge: Knowledge,
    raw: RawFeatures,
    labels: Sequence[Iterable[str]],
    *,
    calibration: Calibration | None = None,
    use_model: bool = True,
    use_examples: bool = True,
    seed: int = 0,
    unknown: Sequence[Iterable[str]] | None = None,
    threads: int = 1,
) -> TrainedModel:
    """Train on the coder's labelled units.

    Args:
        knowledge: Codes, rules and example quotes.
        raw: Raw features of the labelled units (those the coder has seen).
        labels: Per unit, the codes the coder applied (empty: seen and left uncoded, or rejected).
        calibration: Reuse this calibration instead of fitting one (fitting refits on folds).
        use_model: Learn classifiers (off: rules and examples only, the keyword baseline without examples).
        use_examples: Use example similarity.
        seed: For the calibration folds.
        unknown: Per unit, codes the coder has not answered there yet (they may still code them): left
            out of that unit's training for those codes, neither positive nor negative.
        threads: Codes fitted at once (more is faster, one is reproducible: see ``learn.FAST_THREADS``).
    """
    import numpy as np

    codes = list(knowledge.codes)
    index = {c.casefold(): k for k, c in enumerate(codes)}
    n = len(raw)
    label_sets = [{index[c.casefold()] for c in s if c.casefold() in index} for s in labels]
    coded = [s for s in label_sets if s]
    # Exclusive categories (one of a few codes per unit, as in utterance labelling schemes): the best code
    # then competes with "no code". A thematic codebook whose codes happen not to overlap is not that, and
    # a handful of codings says nothing either way (the demo's first three, one code each, made its 14
    # themes look like categories), so it takes MIN_EXCLUSIVE_EVIDENCE coded units to decide.
    used = {next(iter(s)) for s in coded if len(s) == 1}
    exclusive = (
        len(coded) >= MIN_EXCLUSIVE_EVIDENCE
        and all(len(s) == 1 for s in coded)
        and 2 <= len(used) <= MAX_EXCLUSIVE
    )
    featurizer = fit_featurizer(
        raw,
        knowledge.examples,
        knowledge.example_codes,
        codes,
        length_bands=exclusive and use_model,
        # For exclusive schemes only, as the bands: thematic codes learned nothing from it (PDPilot the
        # same, EPITOME 0.008 less span F1; docs/benchmarks.md).
        vocab=knowledge.reader.nlp.vocab if exclusive and use_model and n else None,
    )
    matrix, words, rules, _similarity = featurizer.transform(raw)
    y = np.zeros((n, len(codes)), dtype=np.int8)
    for i, s in enumerate(label_sets):
        y[i, list(s)] = 1
    label_names = list(codes)
    if exclusive and len(coded) < n:
        y = np.column_stack([y, np.array([0 if s else 1 for s in label_sets], dtype=np.int8)])
        label_names.append(NONE)
    weights = _answered(unknown, index, label_sets, y.shape) if unknown is not None else None
    rule_counts: dict[str, tuple[int, int]] = {}
    for j, code in enumerate(codes):
        mask = rules[:, j] > 0
        if weights is not None:
            mask &= weights[:, j] > 0
        rule_counts[code] = (int(y[mask, j].sum()), int(mask.sum()))
    classifiers = Classifiers((), np.zeros((matrix.shape[1], 0)), np.zeros(0))
    fitted_calibration = Calibration()
    if use_model and n:
        balance = BALANCE if exclusive else 0.0
        classifiers = fit_classifiers(matrix, y, label_names, weights, balance=balance, threads=threads)
        if calibration is not None:
            fitted_calibration = calibration
        elif classifiers.codes:
            groups = [u.transcript for u in raw.units]
            places = calibration_places(raw.units)
            fitted_calibration = fit_calibration(
                matrix, y, label_names, groups, places, weights, seed=seed, balance=balance, threads=threads
            )
            # The "no code" column's positives do not count: they are uncoded units, not the coder's codes.
            coded_positives = int(y[:, : len(codes)][:, modelled(y)[: len(codes)]].sum())
            if not fitted_calibration.fitted_on or coded_positives < MIN_CALIBRATION_POSITIVES:
                # Too few codings to calibrate: the classifiers' margins are not probabilities (a sigmoid of
                # them scores most segments 0.3-0.5). Until they can be calibrated, the coder's codings
                # answer through their similarity to each segment ("close to your coding in ..."), as
                # for any code the model does not cover.
                classifiers = Classifiers((), np.zeros((matrix.shape[1], 0)), np.zeros(0))
    positives = {code: np.flatnonzero(y[:, j]).tolist() for j, code in enumerate(codes) if y[:, j].any()}
    model = TrainedModel(
        knowledge=knowledge,
        featurizer=featurizer,
        classifiers=classifiers,
        calibration=fitted_calibration,
        rule_counts=rule_counts,
        positives=positives,
        train_words=words,
        train_refs=[(u.transcript, u.turn) for u in raw.units],
        exclusive=exclusive,
        labelled=n,
        use_model=use_model,
        use_examples=use_examples,
        positive_places=frozenset(
            (u.transcript, u.span.start, codes[j].casefold())
            for u, found in zip(raw.units, label_sets, strict=True)
            for j in found
        ),
    )
    model._model_columns = {code: column for column, code in enumerate(classifiers.codes)}
    return model
