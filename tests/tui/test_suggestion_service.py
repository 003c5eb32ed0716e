"""The workbench's suggestion service on the tiny project: what its workers get, and stopping early."""

from __future__ import annotations

from pathlib import Path

from qualcode.model import Span
from qualcode.project import Project
from qualcode.tui.suggestion_service import Progress, SuggestionService

FIRST = Span(63, 87)  # "I felt like an outsider." in alpha


def test_codebook_first_then_the_trained_model(project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.code("alpha", "Othered", coder="ana", start=63, end=87)
    service = SuggestionService(project_path, "ana")
    try:
        first = service.batch("alpha")
        assert (first.transcript, first.learned, first.labelled) == ("alpha", False, 0)
        assert ("Othered", Span(126, 156)) in [(s.code, s.span) for s in first.suggestions]
        assert ("Othered", FIRST) not in [(s.code, s.span) for s in first.suggestions]  # already coded
        assert service.stale()
        steps: list[Progress] = []
        service.retrain(steps.append)
        assert [p.stage for p in steps] == ["reading", "reading", "training", "done"]
        assert not service.stale()
        trained = service.batch("alpha")
        assert (trained.learned, trained.labelled) == (True, 3)  # segments 0-2: up to the coded one
    finally:
        service.close()


def test_a_cancelled_retrain_keeps_the_model_as_it_was(project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.code("alpha", "Othered", coder="ana", start=63, end=87)
    service = SuggestionService(project_path, "ana")
    try:
        steps: list[Progress] = []
        service.retrain(steps.append, cancelled=lambda: True)
        assert steps == [] and service.stale()
        assert service.batch("alpha").learned is False
    finally:
        service.close()


def test_everywhere_stops_between_transcripts_when_asked(project_path: Path) -> None:
    service = SuggestionService(project_path, "ana")
    try:
        everything = service.everywhere()
        assert {s.transcript for s in everything} >= {"alpha"}
        asked: list[int] = []

        def cancelled() -> bool:
            asked.append(1)
            return len(asked) > 1  # stop after the first transcript

        partial = service.everywhere(cancelled)
        assert {s.transcript for s in partial} <= {"alpha"}
        assert len(asked) == 2
    finally:
        service.close()


def test_scores_show_cut_to_two_places_so_a_weak_guess_never_shows_as_the_limit() -> None:
    # A guess at 0.1996 was listed as 0.20 under "Only weak guesses (under 0.20)".
    from qualcode.tui.widgets.suggestion_panel import shown_score

    assert [shown_score(s) for s in (0.1996, 0.2, 0.29, 0.6667, 0.995, 1.0, 0.0)] == [
        "0.19", "0.20", "0.29", "0.66", "0.99", "1.00", "0.00",
    ]  # fmt: skip
