"""The learned model: one linear SVM per code (scikit-learn's liblinear), and Platt calibration of its scores.

Why this and not spaCy's ``textcat_multilabel``: on AnnoMI (docs/suggestions.md) it was better at every
training size (kappa 0.60 vs 0.47 after 200 utterances) because it takes the conversational context as
features, and it retrains in well under a second. Why an SVM (squared hinge loss) and not a logistic
regression on the same features: the Platt scaling makes either's scores probabilities, and the SVM was
better with all the data (AnnoMI kappa +0.007 over five held-out splits, PDPilot P@3 0.117 against 0.097)
and fits a third faster; it was 0.003 worse after 200 AnnoMI utterances.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

# The features are sparse and L2-normalised. AnnoMI over five splits, kappa after 200 / after all: C 0.1
# 0.594 / 0.675, 0.2 0.594 / 0.680, 0.3 0.592 / 0.686, 1 0.580 / 0.680; C 1 also fits four times slower.
C = 0.3
# liblinear stopping tolerance: 1e-2 fits a fifth faster than 1e-3 with the same kappas on AnnoMI
TOL = 1e-2
MIN_POSITIVES = 2  # a code needs this many positive units (and as many negatives) before it is modelled
CALIBRATION_FOLDS = 3
MIN_CALIBRATION_POSITIVES = 8
MAX_FOLD_SHARE = 0.5  # folds by transcript only while no transcript holds more than this share of the units
MAX_ITER = 1000
# For exclusive codes, each one-vs-rest fit weights the classes by (n / (2 x class size)) ** BALANCE: the
# square root of "balanced", so the argmax favours the frequent codes less (AnnoMI, five splits, kappa after
# 200 / after all: unweighted 0.586 / 0.682, square root 0.592 / 0.686, fully balanced 0.590 / 0.687)
BALANCE = 0.5
# liblinear penalises the intercept like any weight, so a feature that is constant in the coder's data (the
# one interviewee's name as speaker, their role) takes part of each code's bias; in an interview without it
# that part is gone and the scores rise. On the demo, 20 codings in P01 put 169-200 suggestions scored 0.3
# or more in each of P03-P06 (other roles and names) against 46-52 in P01 and P02. Scaling the intercept
# feature by 3 (its penalty 9 times less, as scikit-learn advises) gives 38-80; by 10, 16-48, but the dual
# solver then takes 3.5 times as long (a retrain on 1,000 codings 1.7 s, over the 1 s goal; 3: 0.47 s).
INTERCEPT_SCALING = 3.0
# How many codes the workbench fits at once (the other cores, if any, stay free for its screen). Two fits
# at once are not reproducible to the last digit: liblinear's dual solver shuffles with one random
# generator that the threads share (coefficients differ by up to 1e-3 between runs, kappas by 0.001). So
# one at a time is the default, and only the workbench's background retrain, where a person waits, asks
# for this: 0.55 s instead of 0.85 s for the 3,719 AnnoMI utterances.
FAST_THREADS = min(2, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Calibration:
    """Platt scaling of the classifiers' decision values: p = sigmoid(a * z + b).

    Fitted on out-of-fold decision values, so the scores of new segments are honest probabilities.
    """

    a: float = 1.0
    b: float = 0.0
    fitted_on: int = 0  # how many labelled units the calibration saw (0: not fitted, identity)

    def apply(self, z: np.ndarray) -> np.ndarray:
        import numpy as np

        result: np.ndarray = 1.0 / (1.0 + np.exp(-(self.a * z + self.b)))
        return result


@dataclass(frozen=True, slots=True)
class Classifiers:
    """One binary linear classifier per modelled code, as a coefficient matrix."""

    codes: tuple[str, ...]
    coef: np.ndarray  # features x codes
    intercept: np.ndarray  # codes

    def decision(self, matrix: csr_matrix) -> np.ndarray:
        """Decision values (margins, before calibration), units x codes."""
        import numpy as np

        if not self.codes:
            return np.zeros((matrix.shape[0], 0))
        result: np.ndarray = np.asarray(matrix @ self.coef) + self.intercept
        return result


def modelled(labels: np.ndarray) -> np.ndarray:
    """Which label columns have enough positives and negatives to learn from."""
    import numpy as np

    positives = labels.sum(axis=0)
    negatives = labels.shape[0] - positives
    result: np.ndarray = (positives >= MIN_POSITIVES) & (negatives >= MIN_POSITIVES)
    return np.asarray(result)


def fit_classifiers(
    matrix: csr_matrix,
    labels: np.ndarray,
    codes: Sequence[str],
    weights: np.ndarray | None = None,
    balance: float = 0.0,
    threads: int = 1,
) -> Classifiers:
    """Fit a linear SVM (squared hinge loss) for every code that has enough positives and negatives.

    liblinear's dual solver: its cost grows with the number of labelled units, not with the (much
    larger) number of features, which keeps a retrain of a big codebook fast.

    Args:
        matrix: Units x features.
        labels: Units x codes, 1 where the unit carries the code (0 otherwise).
        codes: Names of the label columns.
        weights: Per unit and code, how much the example counts (0 leaves it out for that code).
        balance: Weight each code's two classes by (n / (2 x class size)) ** balance (0: unweighted).
        threads: Codes fitted at once; more than one is faster but not reproducible (see FAST_THREADS).
    """
    import numpy as np
    from sklearn.svm import LinearSVC

    keep = np.flatnonzero(modelled(labels))
    matrix = matrix.astype(np.float64)  # once, not once per code (liblinear works in float64)
    coef = np.zeros((matrix.shape[1], len(keep)))
    intercept = np.zeros(len(keep))

    def fit(j: int) -> None:
        k = keep[j]
        sample_weight = None if weights is None else weights[:, k]
        class_weight = None
        if balance:
            n, positive = labels.shape[0], float(labels[:, k].sum())
            class_weight = {1: (n / (2 * positive)) ** balance, 0: (n / (2 * (n - positive))) ** balance}
        model = LinearSVC(
            C=C,
            loss="squared_hinge",
            dual=True,
            tol=TOL,
            max_iter=MAX_ITER,
            class_weight=class_weight,
            intercept_scaling=INTERCEPT_SCALING,
            random_state=0,  # liblinear shuffles; reproducible when codes are fitted one at a time
        )
        model.fit(matrix, labels[:, k], sample_weight=sample_weight)
        coef[:, j] = model.coef_[0]
        intercept[j] = model.intercept_[0]

    if threads <= 1:
        for j in range(len(keep)):
            fit(j)
    else:  # liblinear releases the GIL, so the threads fit at the same time
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(fit, range(len(keep))))
    return Classifiers(tuple(codes[int(k)] for k in keep), coef, intercept)


def folds_by_place(places: Sequence[str], seed: int = 0) -> np.ndarray:
    """Each unit's calibration fold: the places in the order of a hash, cut into runs of about equal size.

    A place's units (the sentences of one turn) stay in one fold: a cut falls only between places, or a
    sentence would be scored by a fold model that learned from its neighbours. A new unit moves only the
    places at the cuts to another fold.
    """
    import zlib

    import numpy as np

    n = len(places)
    order = sorted(range(n), key=lambda i: (zlib.crc32(f"{seed}:{places[i]}".encode()), places[i]))
    fold_of = np.empty(n, dtype=np.int64)
    first = 0  # where the current place's run starts in the order
    for position, i in enumerate(order):
        if position and places[i] != places[order[position - 1]]:
            first = position
        fold_of[i] = first * CALIBRATION_FOLDS // n
    return fold_of


def fit_calibration(
    matrix: csr_matrix,
    labels: np.ndarray,
    codes: Sequence[str],
    groups: Sequence[str],
    places: Sequence[str],
    weights: np.ndarray | None = None,
    seed: int = 0,
    balance: float = 0.0,
    threads: int = 1,
) -> Calibration:
    """Platt scaling fitted on out-of-fold decision values (folds by transcript where there are enough).

    Returns the identity calibration when there is too little data to fit one.

    Args:
        groups: Each unit's transcript.
        places: Each unit's place (transcript and offset; units that share one, such as the sentences of a
            turn, go to one fold). Where folds cannot go by transcript, the places are ordered by a hash
            and cut into folds of about equal size (``folds_by_place``), so a unit keeps its fold as the
            coder codes on (but for the few at the cuts). A shuffled split redraws every fold when one
            unit is added: on the demo, with 26 codings in one interview, one rejection in another moved
            the scaling from a = 5.24, b = 0.23 to 4.40, -0.40 and the suggestions scored 0.3 or more
            from 252 to 91.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, PredefinedSplit

    n = matrix.shape[0]
    if labels[:, modelled(labels)].sum() < MIN_CALIBRATION_POSITIVES or n < 3 * CALIBRATION_FOLDS:
        return Calibration()
    splitter: GroupKFold | PredefinedSplit
    sizes = Counter(groups)
    # Folds by transcript keep a transcript's units, which resemble each other, out of the fold that
    # scores them. When one transcript holds most of the units (a coder early on), the fold that scores
    # it would learn from the few others only and model nothing: split by unit then.
    if len(sizes) >= CALIBRATION_FOLDS and max(sizes.values()) <= n * MAX_FOLD_SHARE:
        splitter = GroupKFold(n_splits=CALIBRATION_FOLDS)
    else:
        splitter = PredefinedSplit(folds_by_place(places, seed))
    z_parts: list[np.ndarray] = []
    y_parts: list[np.ndarray] = []
    folds = (
        splitter.split(np.zeros(n), groups=list(groups))
        if isinstance(splitter, GroupKFold)
        else splitter.split(np.zeros(n))
    )
    for train, test in folds:
        w = None if weights is None else weights[train]
        fold = fit_classifiers(matrix[train], labels[train], codes, w, balance, threads)
        if not fold.codes:
            continue
        columns = [list(codes).index(c) for c in fold.codes]
        z = fold.decision(matrix[test])
        y = labels[np.ix_(test, columns)]
        if weights is not None:
            mask = weights[np.ix_(test, columns)] > 0
            z, y = z[mask], y[mask]
        z_parts.append(np.ravel(z))
        y_parts.append(np.ravel(y))
    if not z_parts:
        return Calibration()
    z_all, y_all = np.concatenate(z_parts), np.concatenate(y_parts)
    if y_all.sum() < 3 or y_all.sum() == len(y_all):
        return Calibration()
    platt = LogisticRegression(C=1e4, solver="lbfgs")
    platt.fit(z_all.reshape(-1, 1), y_all)
    a = float(platt.coef_[0, 0])
    if a <= 0:
        # The scores carry no signal yet (held-out ranking no better than chance): say the base rate.
        rate = float(y_all.mean())
        return Calibration(0.0, math.log(rate / (1 - rate)), n)
    return Calibration(a, float(platt.intercept_[0]), n)
