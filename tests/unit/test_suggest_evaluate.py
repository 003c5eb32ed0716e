"""`evaluate`: the simulated coder's learning curve, and the metrics it reports."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest
from test_suggest_synthetic import build

from qualcode.errors import InputError, NotFoundError
from qualcode.model import Span
from qualcode.project import Project
from qualcode.suggest import evaluate
from qualcode.suggest.engine import Scored
from qualcode.suggest.evaluate import (
    SUMMARY_HEADER,
    Bin,
    CurvePoint,
    EvaluationReport,
    Metrics,
    _intersection,
    _span_overlap,
    _union,
    calibration_error,
    cohen_kappa,
    reliability_table,
    summarise,
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


def test_several_splits_read_once_measure_each_as_its_own_seed_would(synthetic_path: Path) -> None:
    with Project.open(synthetic_path) as project:
        reports = project.evaluate_suggestions_on_splits("gold", steps=(10, 30), holdout=2, seed=1, splits=3)
        alone = project.evaluate_suggestions("gold", steps=(10, 30), holdout=2, seed=2)
        coded = project.codings(coders=("gold",))
    # Seed 3 holds out the same two transcripts as an earlier seed: it is skipped, not counted twice.
    assert [r.seed for r in reports] == [1, 2, 4]
    assert len({r.held_out for r in reports}) == 3
    names = sorted({c.transcript for c in coded})
    assert tuple(sorted(random.Random(3).sample(names, 2))) in {r.held_out for r in reports[:2]}
    # The second split is the run with --seed 2, figure for figure (but the training time): nothing
    # carries over between splits.
    assert reports[1].held_out == alone.held_out
    assert [row[:-1] for row in reports[1].rows()] == [row[:-1] for row in alone.rows()]
    summary = summarise(reports)
    assert len(summary) == 6 and all(len(row) == len(SUMMARY_HEADER) for row in summary)
    kappa, splits, kappa_sd = (SUMMARY_HEADER.index(c) for c in ("kappa", "splits", "kappa_sd"))
    last = [r.points[-1].model.kappa for r in reports]
    assert summary[4][:4:3] == ["all", "model"] and summary[4][splits] == 3
    assert summary[4][kappa] == round(float(np.mean(last)), 3)
    assert summary[4][kappa_sd] == round(float(np.std(last, ddof=1)), 3)


def _metrics(value: float) -> Metrics:
    return Metrics(*([value] * 13))


def _report(seed: int, points: list[tuple[int, float]]) -> EvaluationReport:
    curve = tuple(
        CurvePoint(coded, coded // 2, _metrics(v), _metrics(v / 2), 1.0 + seed) for coded, v in points
    )
    return EvaluationReport("gold", "segment", "document", seed, ("a",), points[-1][0], 10, ("c",), (), curve)


def test_the_summary_averages_each_step_over_the_splits_that_reached_it() -> None:
    # Split 0 has 150 units to learn from, split 1 only 80: its curve has no step 100.
    rows = summarise([_report(0, [(50, 0.4), (100, 0.5), (150, 0.7)]), _report(1, [(50, 0.6), (80, 0.9)])])
    by = {(row[0], row[3]): dict(zip(SUMMARY_HEADER, row, strict=True)) for row in rows}
    assert [(row[0], row[1], row[3]) for row in rows] == [
        ("50", 50, "model"), ("50", 50, "keywords"), ("100", 100, "model"), ("100", 100, "keywords"),
        ("all", 115, "model"), ("all", 115, "keywords"),
    ]  # fmt: skip
    assert by["50", "model"]["kappa"] == 0.5 and by["50", "model"]["kappa_sd"] == round(0.2 / 2**0.5, 3)
    assert by["50", "keywords"]["span_F1"] == 0.25 and by["50", "keywords"]["train_s"] is None
    assert by["50", "model"]["train_s"] == 1.5 and by["50", "model"]["splits"] == 2
    assert by["100", "model"]["splits"] == 1 and by["100", "model"]["kappa_sd"] is None
    # The last points (all there was to learn from: 150 and 80 units) are one step, "all", whose coded is
    # their mean; a step one split passed beyond the other's total stays before it, and says so.
    assert by["all", "model"]["kappa"] == 0.8 and by["all", "model"]["codings"] == 58
    later = summarise([_report(0, [(50, 0.4), (140, 0.5), (150, 0.7)]), _report(1, [(50, 0.6), (120, 0.9)])])
    assert [(row[0], row[1], row[SUMMARY_HEADER.index("splits")]) for row in later[::2]] == [
        ("50", 50, 2), ("140", 140, 1), ("all", 135, 2),
    ]  # fmt: skip
    # A kappa a hair under zero is reported as 0.0, not as "-0.0".
    (row, _keywords) = summarise([_report(0, [(50, -0.0001)])])
    assert str(row[SUMMARY_HEADER.index("kappa")]) == "0.0"
    assert str(_report(0, [(50, -0.0001)]).rows()[0][EvaluationReport.HEADER.index("kappa")]) == "0.0"


def _with_bins(report: EvaluationReport, *bins: Bin) -> EvaluationReport:
    point = report.points[-1]
    model = dataclasses.replace(point.model, reliability=bins)
    return dataclasses.replace(report, points=(dataclasses.replace(point, model=model),))


def test_the_reliability_table_pools_each_band_over_the_splits() -> None:
    # Split 0: 10 suggestions at 0.8, 8 right, and 4 at 0.3, 1 right; split 1: 30 at 0.84, 27 right.
    one = _with_bins(_report(0, [(100, 0.5)]), Bin(0.3, 0.4, 4, 0.3, 0.25), Bin(0.8, 0.9, 10, 0.8, 0.8))
    two = _with_bins(_report(1, [(120, 0.5)]), Bin(0.8, 0.9, 30, 0.84, 0.9))
    assert reliability_table([one, two]) == [
        ["all", 110, 2, "0.3-0.4", 4, 0.3, 0.25],
        ["all", 110, 2, "0.8-0.9", 40, 0.83, 0.875],  # (10 x 0.8 + 30 x 0.84) / 40 and (8 + 27) / 40
    ]
    assert reliability_table([one]) == [
        ["all", 100, 1, "0.3-0.4", 4, 0.3, 0.25],
        ["all", 100, 1, "0.8-0.9", 10, 0.8, 0.8],
    ]


def test_every_split_is_checked_before_any_is_trained(
    synthetic_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[int] = []
    trained: list[int] = []

    def check(*args: object) -> None:
        checked.append(1)
        if len(checked) == 3:
            raise InputError("the third split has nothing coded", "")

    real_train = evaluate.train_model
    monkeypatch.setattr(evaluate, "_check_coded", check)
    monkeypatch.setattr(evaluate, "train_model", lambda *a, **k: trained.append(1) or real_train(*a, **k))
    with Project.open(synthetic_path) as project, pytest.raises(InputError, match="third split"):
        project.evaluate_suggestions_on_splits("gold", steps=(10,), holdout=2, splits=3)
    assert len(checked) == 3 and not trained
    with Project.open(synthetic_path) as project, pytest.raises(ValueError, match="on_splits"):
        project.evaluate_suggestions("gold", splits=2)


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
        "'ana' coded none of the 1 unit spoken by Interviewer in the transcripts held out (held out: beta; "
        "seed 0)"
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
    assert [(b.count, b.mean_score, b.right) for b in bins] == [
        (10, pytest.approx(0.3), pytest.approx(0.3)),
        (10, pytest.approx(0.8), pytest.approx(0.8)),
    ]
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
