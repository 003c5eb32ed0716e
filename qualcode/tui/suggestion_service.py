"""The coder's suggestions for the workbench, worked out off the UI thread.

spaCy and scikit-learn load, transcripts are read and the model retrains in thread workers; the screen
only ever receives finished lists. The service keeps a project connection of its own, so the model's
caches (one spaCy read per transcript, its features) live as long as the workbench, and nothing it does
holds up a key press. Accepting and rejecting are writes, made by the screen through its own project.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.model import Span, Suggestion, UncertainSegment
from qualcode.project import Project
from qualcode.suggest.learn import MIN_POSITIVES

if TYPE_CHECKING:
    from qualcode.suggest.session import Suggester
    from qualcode.tui.first_suggestions import FirstSuggestions

MIN_SCORE = 0.2  # what the panel and the preview can show; the inline marks start at INLINE_SCORE
INLINE_SCORE = 0.5
# Where nothing reaches MIN_SCORE, the panel lists the best guesses down to WEAK_SCORE, as weak ones. In a
# large thematic codebook a model's scores are honest and low: a coder who has coded five PDPilot
# interviews (76 codes) and opens a sixth gets 2-9 suggestions at 0.2 or more and 128-154 weak guesses,
# one in six right (docs/suggestions.md); with a floor alone most segments said "No suggestions here".
WEAK_SCORE = 0.05
WEAK_PER_SEGMENT = 2


@dataclass(frozen=True, slots=True)
class SuggestionBatch:
    """Suggestions for one transcript, with what they come from (for the panel's title)."""

    transcript: str
    suggestions: tuple[Suggestion, ...]
    learned: bool  # False: the codebook's rules and examples alone, the model is not trained yet
    labelled: int  # segments (or turns) the model learned from
    note: str = ""  # why a configured spaCy pipeline is not in use
    modelled: bool = False  # the learned classifiers answer (False: too few codings to calibrate them yet)
    # (segment, code) pairs of codes on at least MIN_POSITIVES segments (8 needed)
    calibration_codings: int = 0
    weak: tuple[Suggestion, ...] = ()  # the best guesses below MIN_SCORE, on segments with nothing above
    coder: str = ""  # whose model made it (a list for one coder is never shown to another)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a retrain has come (``stage`` is reading, training or done)."""

    stage: str
    done: int
    total: int


class SuggestionService:
    """One coder's suggestions over one project file; every method is meant for a thread worker.

    Args:
        path: The project file (opened again here, with a connection of its own).
        coder: Whose codings and decisions the model learns from.
        first: A forked process preparing the first list (see :mod:`qualcode.tui.first_suggestions`).
    """

    def __init__(self, path: Path, coder: str, first: FirstSuggestions | None = None) -> None:
        self.path = path
        self.coder = coder
        self._project: Project | None = None
        self._lock = threading.Lock()  # one retrain at a time; listing may run beside it
        self._first = first
        self._closed = False

    def _suggester(self) -> Suggester:
        with self._lock:
            if self._closed:  # a worker still running as the workbench quits: do not open it again
                raise RuntimeError("the suggestions were closed with the workbench")
            if self._project is None:
                self._project = Project.open(self.path)
            return self._project.suggester(self.coder)

    def stale(self) -> bool:
        """Whether the coder's codings or decisions changed since the model was trained."""
        return self._suggester().stale()

    def warm(self) -> None:
        """Load spaCy and build the codebook's rules, so the first list (and training) need not."""
        self._suggester().current(wait=False)

    def _warm_quietly(self) -> None:
        with suppress(Exception):
            self.warm()

    def batch(self, transcript: str) -> SuggestionBatch:
        """The suggestions for a transcript from the model as it is now (never waits for training).

        The first call takes the list from the forked process when there is one, and warms this
        process meanwhile for what follows.
        """
        first = self._first
        if first is not None:
            # Meanwhile load spaCy here (quietly: the same failure is reported by what runs next).
            warming = threading.Thread(target=self._warm_quietly, name="qualcode-warm")
            warming.start()
            prepared = first.batch(transcript)
            self._first = None
            if prepared is not None:
                return prepared
            if self._closed:  # the workbench has quit meanwhile: nothing more to work out
                return SuggestionBatch(transcript, (), False, 0)
            warming.join()
        suggester = self._suggester()
        found = suggester.suggestions(transcript, min_score=MIN_SCORE, per_unit=None, wait=False)
        covered = {s.span for s in found}
        weak = tuple(
            s
            for s in suggester.suggestions(
                transcript, min_score=WEAK_SCORE, per_unit=WEAK_PER_SEGMENT, wait=False
            )
            if s.span not in covered
        )
        model = suggester.model
        labelled = model.labelled if model is not None else 0
        modelled = model is not None and bool(model.modelled_codes())
        counted = 0
        if model is not None:
            counted = sum(len(rows) for rows in model.positives.values() if len(rows) >= MIN_POSITIVES)
        return SuggestionBatch(
            transcript,
            tuple(found),
            model is not None,
            labelled,
            suggester.note,
            modelled,
            counted,
            weak,
            coder=self.coder,
        )

    def everywhere(self, cancelled: Callable[[], bool] = lambda: False) -> list[Suggestion]:
        """The suggestions for every transcript (for accepting all of a code across the project).

        ``cancelled`` is asked between transcripts, so quitting the workbench does not wait for them all.
        """
        suggester = self._suggester()
        names = [t.name for t in suggester.data.transcripts()]
        found: list[Suggestion] = []
        for name in names:
            if cancelled():
                break
            found.extend(suggester.suggestions(name, min_score=MIN_SCORE, per_unit=None, wait=False))
        return found

    def calibration_reused(self) -> bool:
        """Whether the model kept a calibration fitted on less of the coder's work (to retrain fast)."""
        model = self._suggester().model
        if model is None or not model.modelled_codes():
            return False
        return model.calibration.fitted_on not in (0, model.labelled)

    def retrain(
        self,
        report: Callable[[Progress], None],
        cancelled: Callable[[], bool] = lambda: False,
        *,
        refit: bool = False,
    ) -> None:
        """Bring the model up to date with the coder's work, reporting progress as it goes.

        ``cancelled`` is asked at each step; stopping early keeps the model as it was. ``refit`` fits the
        calibration afresh (three more fits), so the scores match a model trained from scratch.
        """
        from qualcode.suggest.learn import FAST_THREADS
        from qualcode.suggest.session import RetrainProgress

        suggester = self._suggester()
        with self._lock:
            # The coder is waiting for this one: fit two codes at a time (not reproducible to the last digit)
            steps: Iterator[object] = suggester.iter_retrain(refit=refit, threads=FAST_THREADS)
            for step in steps:
                if cancelled():
                    break
                if isinstance(step, RetrainProgress):
                    report(Progress(step.stage, step.done, step.total))
            if self._closed:  # the workbench quit meanwhile and could not close the connection: do it now
                self._close_project()

    def next_uncertain(
        self, transcript: str, passed: Collection[tuple[str, Span]] = ()
    ) -> UncertainSegment | None:
        """Where an answer teaches the model most: in this transcript first, then anywhere.

        ``passed``: places the coder was sent to and moved on from without deciding; the next one after them.
        """
        suggester = self._suggester()
        for scope in (transcript, None):
            found = suggester.uncertain(scope, len(passed) + 1, wait=False)
            fresh = [u for u in found if (u.transcript, u.span) not in passed]
            if fresh:
                return fresh[0]
        return None

    def close(self) -> None:
        """Close the connection, unless a retrain still holds it (quitting must not wait for one)."""
        self._closed = True
        if self._first is not None:
            self._first.close()
        if not self._lock.acquire(timeout=0.5):
            return  # the retrain closes it when it stops
        try:
            self._close_project()
        finally:
            self._lock.release()

    def _close_project(self) -> None:
        if self._project is not None:
            self._project.close()
            self._project = None
