"""The learned model's fitting: class balance for exclusive codes, and reproducible fits."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse import random as sparse_random

from qualcode.suggest.learn import BALANCE, fit_classifiers


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
    # it for 3 units, 2 of them with the cue; fully balanced for 38 (the prior all but ignored).
    assert int((picks_plain == 1).sum()) == 0
    chosen = picks_balanced == 1
    assert int(chosen.sum()) == 3 and float(matrix[chosen, 0].sum()) == 2.0
    full = fit_classifiers(matrix, labels, ["often", "rare"], balance=1.0).decision(matrix).argmax(axis=1)
    assert int((full == 1).sum()) == 38


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
