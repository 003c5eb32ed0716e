"""The learned model's fitting: class balance for exclusive codes, calibration folds, reproducible fits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from scipy.sparse import random as sparse_random

from qualcode.demo import build_demo
from qualcode.project import Project
from qualcode.suggest.engine import calibration_places
from qualcode.suggest.learn import BALANCE, fit_calibration, fit_classifiers, folds_by_place
from qualcode.suggest.units import Unit, units_of


def _data() -> tuple[csr_matrix, np.ndarray]:
    """90 units of a frequent code and 10 of a rare one; one feature is a noisy cue for the rare one."""
    rng = np.random.default_rng(0)
    rare = np.zeros(100, dtype=np.int8)
    rare[:10] = 1
    cue = (rng.random(100) < np.where(rare == 1, 0.6, 0.2)).astype(np.float32)
    noise = rng.random((100, 5)).astype(np.float32)
    labels = np.column_stack([1 - rare, rare]).astype(np.int8)
    return csr_matrix(np.column_stack([cue, noise])), labels


def test_balance_weights_the_rare_code_up_in_an_exclusive_decision() -> None:
    matrix, labels = _data()
    plain = fit_classifiers(matrix, labels, ["often", "rare"])
    balanced = fit_classifiers(matrix, labels, ["often", "rare"], balance=BALANCE)
    assert plain.codes == balanced.codes == ("often", "rare")
    picks_plain = plain.decision(matrix).argmax(axis=1)
    picks_balanced = balanced.decision(matrix).argmax(axis=1)
    # Unweighted, the argmax never picks the rare code; weighted by the square root of "balanced" it picks
    # it for 2 units, both with the cue; fully balanced for 37 (the prior all but ignored).
    assert int((picks_plain == 1).sum()) == 0
    chosen = picks_balanced == 1
    assert int(chosen.sum()) == 2 and float(matrix[chosen, 0].sum()) == 2.0
    full = fit_classifiers(matrix, labels, ["often", "rare"], balance=1.0).decision(matrix).argmax(axis=1)
    assert int((full == 1).sum()) == 37


def test_fits_are_reproducible_to_the_last_digit_by_default() -> None:
    # Two codes fitted at once draw from liblinear's one shared random generator in whatever order the
    # threads run, so their coefficients differ from run to run; `qualcode evaluate` and `qualcode suggest`
    # must give the same figures every time they are run on the same project.
    rng = np.random.default_rng(1)
    matrix = sparse_random(3000, 2000, density=0.01, format="csr", random_state=1)
    labels = (rng.random((3000, 6)) < 0.2).astype(np.int8)
    codes = [f"code {k}" for k in range(6)]
    first = fit_classifiers(matrix, labels, codes)
    for _ in range(2):
        again = fit_classifiers(matrix, labels, codes)
        assert np.array_equal(first.coef, again.coef) and np.array_equal(first.intercept, again.intercept)


def test_the_calibration_folds_keep_a_turns_sentences_together() -> None:
    # 60 turns of 3 sentences in one interview; each turn's sentences share a feature (the passage
    # around them) and a code drawn at random per turn, so nothing generalises to another turn. With a
    # turn's sentences in different folds the shared feature looked like evidence (a = 20.1); kept
    # together, the held-out scores show no signal and the scaling says the base rate.
    rng = np.random.default_rng(0)
    turns = np.repeat(np.arange(60), 3)
    passage = csr_matrix((np.ones(180), (np.arange(180), turns)), shape=(180, 60))
    noise = csr_matrix(rng.random((180, 5)) * 0.1)
    matrix = hstack([passage, noise]).tocsr()
    labels = np.repeat((rng.random(60) < 0.3).astype(np.int8), 3).reshape(-1, 1)
    groups = ["P1"] * 180
    by_sentence = fit_calibration(matrix, labels, ["code"], groups, [f"P1\x00{i}" for i in range(180)])
    by_turn = fit_calibration(matrix, labels, ["code"], groups, [f"P1\x00{t}" for t in turns])
    assert by_sentence.a > 10.0, by_sentence
    assert by_turn.a == 0.0 and by_turn.fitted_on == 180, by_turn


def test_no_cut_between_folds_falls_inside_a_turn() -> None:
    # 50 turns of 1 to 7 sentences: every turn's sentences in one fold, and the folds within one turn's
    # size of a third each. With cuts at exact thirds of the hashed order, seed 0 split 2 of these turns.
    sizes = [1 + (t * 5) % 7 for t in range(50)]
    places = [f"P1\x00{t}" for t, size in enumerate(sizes) for _ in range(size)]
    folds = folds_by_place(places)
    of_turn: dict[str, set[int]] = {}
    for place, fold in zip(places, folds.tolist(), strict=True):
        of_turn.setdefault(place, set()).add(fold)
    assert all(len(f) == 1 for f in of_turn.values()), [p for p, f in of_turn.items() if len(f) > 1]
    counts = np.bincount(folds, minlength=3)
    assert counts.sum() == len(places) and all(abs(c - len(places) / 3) <= 7 for c in counts), counts
    # A new turn moves only the turns at the cuts: at most two of the fifty change fold.
    more = folds_by_place([*places, "P1\x00new"])
    moved = {p for p, a, b in zip(places, folds.tolist(), more.tolist(), strict=False) if a != b}
    assert len(moved) <= 2, moved


def test_a_turns_sentences_share_one_place_whichever_the_coder_labelled_first(tmp_path: Path) -> None:
    # The demo's P01: turns of several sentences. The place is where the turn's first sentence starts,
    # also when only its later sentences are labelled, so a turn keeps its fold as the coder codes on.
    project = build_demo(tmp_path / "demo.qualcode")
    with project:
        suggester = project.suggester("ana")
        [read] = suggester.read(["P01"], suggester.current(wait=False).knowledge)
        units = units_of(read, "segment")
        by_turn: dict[int, list[Unit]] = {}
        for unit in units:
            by_turn.setdefault(unit.turn, []).append(unit)
        turn = next(t for t, members in by_turn.items() if len(members) >= 3)
        first, second, third = by_turn[turn][:3]
        expected = f"P01\x00{first.span.start}"
        assert calibration_places([third, second]) == [expected, expected]
        assert calibration_places([first]) == [expected]
        other = next(u for u in units if u.turn != turn)
        assert calibration_places([other]) != [expected]
        [whole] = [u for u in units_of(read, "turn") if u.turn == turn]
        assert calibration_places([whole]) == [f"P01\x00{whole.span.start}"]


def _demo_coded_in_p01(tmp_path: Path, codings: list[tuple[int, str]]) -> Project:
    """The demo project with these (segment, code) codings by "ana" in its first interview."""
    project = build_demo(tmp_path / "demo.qualcode")
    segments = project.segments("P01")
    for index, code in codings:
        span = segments[index].span
        project.code("P01", code, coder="ana", start=span.start, end=span.end)
    return project


# 20 codings a new coder made in the demo's first interview (segment, code), from an exploratory test
FIRST_TWENTY = [
    (4, "Lived experience and disclosure"), (5, "Lived experience and disclosure"),
    (9, "Lived experience and disclosure"), (13, "Shared expectations"),
    (14, "Autonomy to use lived experience"), (15, "Shared expectations"), (16, "Shared expectations"),
    (20, "Role dilution"), (21, "Role dilution"), (22, "Role dilution"), (23, "Role dilution"),
    (25, "Role dilution"), (24, "Role dilution"), (27, "Training and supervision"),
    (28, "Training and supervision"), (29, "Role dilution"), (30, "Role dilution"),
    (32, "Organisational support"), (35, "Role dilution"), (37, "Organisational support"),
]  # fmt: skip


# 26 codings a coder made in the demo's first interview (segment, code), from an exploratory test
EARLY_CODINGS = [
    (9, "Lived experience and disclosure"), (22, "Role dilution"), (24, "Role dilution"),
    (25, "Role dilution"), (27, "Training and supervision"), (29, "Training and supervision"),
    (39, "Professional jurisdiction and resistance"), (39, "Role dilution"),
    (40, "Professional jurisdiction and resistance"), (42, "Role dilution"), (43, "Role dilution"),
    (46, "Shared expectations"), (47, "Shared expectations"), (49, "Organisational support"),
    (50, "Organisational support"), (55, "Trust and relationship with patients"),
    (56, "Trust and relationship with patients"), (57, "Trust and relationship with patients"),
    (60, "Recovery and hope"), (68, "Distinctiveness of the role"), (69, "Distinctiveness of the role"),
    (75, "Lived experience and disclosure"), (75, "Training and supervision"), (77, "Boundaries"),
    (77, "Lived experience and disclosure"), (78, "Boundaries"),
]  # fmt: skip


def test_the_calibration_holds_still_as_an_early_coder_moves_to_other_interviews(tmp_path: Path) -> None:
    # With 26 codings in one interview, one rejection in a second interview redrew every calibration
    # fold (a shuffled split of all units): the scaling went from a = 5.24, b = 0.23 to 4.40, -0.40, and
    # the suggestions scored 0.3 or more from 252 to 91. One more in a third interview made the folds
    # group by interview, and the fold scoring the first one learned from 2 units: no calibration, so
    # the model was dropped altogether. With folds that keep a turn's sentences together, those 26 show
    # the model no held-out signal (a = 0, the base rate); with the other coder's 20 as well they do.
    codings = sorted(set(EARLY_CODINGS) | set(FIRST_TWENTY))
    with _demo_coded_in_p01(tmp_path, codings) as project:
        suggester = project.suggester("ana")
        scalings = []
        for transcript, index in ((None, 0), ("P05", 19), ("P03", 10)):
            if transcript is not None:
                span = project.segments(transcript)[index].span
                project.mark_read("ana", transcript, [span])
                [first, *_] = [
                    s for s in project.suggestions(transcript, "ana", min_score=0.0) if s.span == span
                ]
                project.reject_suggestion(first, "ana")
            suggester.model = None  # fit the calibration afresh, as `qualcode suggest` does
            model = suggester.retrain()
            assert model.modelled_codes() and model.calibration.fitted_on == model.labelled
            scalings.append((model.calibration.a, model.calibration.b))
        (a0, b0), *later = scalings
        assert a0 > 0.5, scalings  # a scaling with signal, so its holding still means something
        for a, b in later:
            assert abs(a - a0) < 0.3 and abs(b - b0) < 0.3, scalings


def test_a_shown_score_given_as_the_minimum_keeps_its_suggestion(tmp_path: Path) -> None:
    # Scores are shown to 4 decimals; the minimum was compared with the unrounded score, so copying a
    # shown 0.7125 into --min-score left that very suggestion out (16 of 30 scores in a user's test).
    with _demo_coded_in_p01(tmp_path, FIRST_TWENTY) as project:
        found = project.all_suggestions("ana", transcripts=["P03"], min_score=0.0, per_segment=None)
        scores = sorted({s.score for s in found}, reverse=True)[:30]
        assert len(scores) == 30
        for score in scores:
            kept = project.all_suggestions("ana", transcripts=["P03"], min_score=score, per_segment=None)
            assert any(s.score == score for s in kept), score
            assert all(s.score >= score for s in kept), score


def test_interviews_the_coder_has_not_opened_get_no_flood_of_suggestions(tmp_path: Path) -> None:
    # The interviewee's name and role are the same on every unit of the coder's first interview, so they
    # took part of each code's (negative) bias; the other interviews have other names and roles, lost
    # that part, and got 169-200 suggestions scored 0.3 or more each, against 46-52 in P01 and P02
    # (Role dilution on 112 of P03's 190 segments). The intercept now carries most of the bias (38-80).
    with _demo_coded_in_p01(tmp_path, FIRST_TWENTY) as project:
        project.suggester("ana").retrain()
        found = project.all_suggestions("ana", min_score=0.3, per_segment=3)
        per_interview = {name: sum(1 for s in found if s.transcript == name) for name in ("P01", "P02")}
        others = {t.name: sum(1 for s in found if s.transcript == t.name) for t in project.transcripts()}
        assert max(others.values()) <= 2 * max(per_interview.values()), others
