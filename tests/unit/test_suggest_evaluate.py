"""`evaluate`: the simulated coder's learning curve, and the metrics it reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_suggest_synthetic import build

from qualcode.errors import InputError, NotFoundError
from qualcode.model import Span
from qualcode.project import Project
from qualcode.suggest.engine import Scored
from qualcode.suggest.evaluate import (
    EvaluationReport,
    _intersection,
    _span_overlap,
    _union,
    calibration_error,
    cohen_kappa,
)


@pytest.fixture(scope="module")
def synthetic_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("evaluate"), count=6)


def test_the_learning_curve_beats_the_keywords_on_cued_codes(synthetic_path: Path) -> None:
    with Project.open(synthetic_path) as project:
        report = project.evaluate_suggestions("gold", steps=(10, 30), holdout=2, seed=1)
    assert isinstance(report, EvaluationReport)
    assert report.granularity == "segment"
    assert len(report.held_out) == 2
    assert [p.coded for p in report.points] == [10, 30, report.train_units]
    last = report.points[-1]
    assert last.model.f1_micro > 0.9
    assert last.model.kappa > 0.85
    assert last.model.f1_micro > last.baseline.f1_micro + 0.3
    assert last.model.hit_at_3 == pytest.approx(1.0)
    assert 0 <= last.model.calibration_error < 0.2
    assert last.model.reliability and sum(b.count for b in last.model.reliability) > 0
    rows = report.rows()
    assert len(rows) == 6 and rows[0][2] == "model" and rows[1][2] == "keywords"
    assert len(rows[0]) == len(EvaluationReport.HEADER)


def test_active_order_and_speaker_filter(synthetic_path: Path) -> None:
    with Project.open(synthetic_path) as project:
        report = project.evaluate_suggestions(
            "gold", steps=(12,), holdout=2, order="active", speakers=("Participant",)
        )
    assert report.order == "active" and report.speakers == ("Participant",)
    # Only participants' sentences: the interviewer's questions are neither taught nor tested.
    assert report.points[-1].model.kappa > 0.5


def test_evaluate_refuses_what_it_cannot_measure(synthetic_path: Path, project: Project) -> None:
    with Project.open(synthetic_path) as synthetic:
        with pytest.raises(NotFoundError, match="'nobody' has no codings"):
            synthetic.evaluate_suggestions("nobody")
        with pytest.raises(InputError) as unknown:
            synthetic.evaluate_suggestions("gold", speakers=("Narrator",))
        assert unknown.value.message == "--speaker 'Narrator' does not speak in the transcripts 'gold' coded"
        assert unknown.value.hint == "the speakers there are: Interviewer, Participant"
    project.code("alpha", "Hope", coder="ana", start=63, end=87)
    with pytest.raises(InputError, match="coded 1 transcript"):
        project.evaluate_suggestions("ana")
    # ana codes the participants only: tested on the interviewer, kappa came out 1.0 (no code against no
    # code), which reads as perfect agreement
    project.code("beta", "Hope", coder="ana", start=97, end=120)
    with pytest.raises(InputError) as uncoded:
        project.evaluate_suggestions("ana", holdout=1, speakers=("Interviewer",))
    assert uncoded.value.message == (
        "'ana' coded none of the 1 unit spoken by Interviewer in the transcripts held out (held out: beta)"
    )


def test_cohen_kappa_matches_the_textbook_value() -> None:
    # 2x2 table with 20 agreements on "yes", 15 on "no", 5 + 10 disagreements: kappa = 0.4.
    gold = [frozenset({"y"})] * 25 + [frozenset()] * 25
    pred = [frozenset({"y"})] * 20 + [frozenset()] * 5 + [frozenset({"y"})] * 10 + [frozenset()] * 15
    assert cohen_kappa(gold, pred) == pytest.approx(0.4)
    assert cohen_kappa(gold, gold) == pytest.approx(1.0)


def _scored(scores: list[list[float]]) -> Scored:
    array = np.array(scores)
    return Scored([], array, np.zeros(array.shape, dtype=np.int8), None, None, None, None, None)  # type: ignore[arg-type]


def test_calibration_error_is_zero_when_scores_match_the_hit_rate() -> None:
    # Ten suggestions at 0.8, eight of them right; ten at 0.3, three right.
    scores = [[0.8]] * 10 + [[0.3]] * 10
    gold = [frozenset({"c"})] * 8 + [frozenset()] * 2 + [frozenset({"c"})] * 3 + [frozenset()] * 7
    error, bins = calibration_error(_scored(scores), ["c"], gold)
    assert error == pytest.approx(0.0)
    assert [(b.count, b.mean_score, b.right) for b in bins] == [(10, 0.3, 0.3), (10, 0.8, 0.8)]
    error, _ = calibration_error(_scored([[0.9]] * 10), ["c"], [frozenset()] * 10)
    assert error == pytest.approx(0.9)


def test_span_overlap_counts_characters() -> None:
    assert _union([Span(5, 10), Span(0, 6), Span(20, 30)]) == [Span(0, 10), Span(20, 30)]
    assert _intersection([Span(0, 10), Span(20, 30)], [Span(5, 25)]) == 10

    class _Unit:
        def __init__(self, span: Span) -> None:
            self.transcript, self.span = "t", span

    scored = Scored([_Unit(Span(0, 10)), _Unit(Span(10, 20))], None, None, None, None, None, None, None)  # type: ignore[list-item, arg-type]
    p, r, f = _span_overlap(scored, [frozenset({"c"}), frozenset()], {("t", "c"): [Span(5, 15)]})
    assert (p, r) == (0.5, 0.5) and f == pytest.approx(0.5)
