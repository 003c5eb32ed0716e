"""The learned model's fitting: class balance for exclusive codes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

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


def test_balance_weights_the_rare_code_up_in_an_exclusive_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qualcode.suggest.learn.FIT_THREADS", 1)  # liblinear's shuffling is then repeatable
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
