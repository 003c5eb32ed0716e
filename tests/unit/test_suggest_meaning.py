"""The meaning block: pretrained word vectors from the installed WordLlama files, read offline."""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.model import Codebook, Segment, Span, Turn
from qualcode.suggest import meaning
from qualcode.suggest.engine import Knowledge, train_model
from qualcode.suggest.features import fit_featurizer, raw_features
from qualcode.suggest.learn import Calibration
from qualcode.suggest.nlp import Reader, suggestion_reader
from qualcode.suggest.rules import CodebookRules
from qualcode.suggest.units import SourceText, Unit, read_transcripts, units_of

# A client's turn and three therapist turns: a reflection of it, a question, unrelated advice.
LINES = (
    "Client: I am really worried about my drinking and what it does to my family.",
    "Therapist: So you are concerned that alcohol is hurting the people you love.",
    "Client: Yes.",
    "Therapist: How many cigarettes do you smoke in a day?",
    "Client: Twenty.",
    "Therapist: The clinic opens at nine on Mondays.",
)


def _units(reader: Reader | None = None, codebook: Codebook | None = None) -> tuple[list[Unit], object]:
    """One unit per turn, read by blank English (or ``reader``) as the engine reads them, with the rules
    of ``codebook`` (none by default)."""
    text = "\n".join(LINES)
    turns, segments, start = [], [], 0
    for index, line in enumerate(LINES):
        body = start + line.index(":") + 2
        turns.append(Turn(index, line.split(":")[0], Span(body, start + len(line))))
        segments.append(Segment(index, index, Span(body, start + len(line))))
        start += len(line) + 1
    reader = reader or suggestion_reader(None)
    rules = CodebookRules(codebook or Codebook(()), reader.nlp)
    [read] = read_transcripts(
        [SourceText("s1", text, tuple(turns), tuple(segments))],
        reader.nlp,
        rules,
        lemmas=False,
        vectors=False,
    )
    return units_of(read, "segment"), reader.nlp.vocab


def test_words_said_alike_get_close_vectors_and_every_vector_has_length_one() -> None:
    units, vocab = _units()
    vectors = meaning.word_vectors()
    assert vectors is not None, "wordllama is a dependency: its files must be installed"
    own = meaning.mean_vectors([u.tokens for u in units], vocab, vectors)
    assert own.shape == (6, meaning.DIMENSIONS) and own.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(own, axis=1), 1.0, rtol=1e-5)
    worry, reflection, question, advice = own[0], own[1], own[3], own[5]
    # the reflection says the client's turn again in other words: closer to it than the other two
    assert float(worry @ reflection) > float(worry @ question) + 0.1
    assert float(worry @ reflection) > float(worry @ advice) + 0.1


def test_a_turn_shared_by_many_units_gets_one_vector_and_no_words_give_zeros() -> None:
    units, vocab = _units()
    vectors = meaning.word_vectors()
    assert vectors is not None
    shared = units[0].tokens
    empty = np.zeros(0)  # float64, as np.zeros makes by default: it must not turn the hashes into floats
    out = meaning.mean_vectors([shared, empty, shared], vocab, vectors)
    assert np.array_equal(out[0], out[2]) and not out[1].any()
    np.testing.assert_allclose(out[0], meaning.mean_vectors([shared], vocab, vectors)[0], rtol=1e-6)
    # the previous turn's words: a therapist turn's are the client's turn before it
    assert units[1].said_before is not None and np.array_equal(units[1].said_before, units[0].tokens)


def test_the_meaning_block_is_the_units_vector_the_previous_turns_and_their_cosine() -> None:
    units, vocab = _units()
    raw = raw_features(units)
    without = fit_featurizer(raw, raw_features([]), [], ["Reflection"])
    assert without.layout["meaning"] == (without.layout["examples"][1],) * 2
    featurizer = fit_featurizer(raw, raw_features([]), [], ["Reflection"], vocab=vocab)
    lo, hi = featurizer.layout["meaning"]
    assert hi - lo == 2 * meaning.DIMENSIONS + 1
    matrix = featurizer.transform(raw)[0].toarray()
    assert matrix.shape[1] == hi and without.transform(raw)[0].shape[1] == lo
    block = matrix[:, lo:hi]
    own, before, echo = block[:, : meaning.DIMENSIONS], block[:, meaning.DIMENSIONS : -1], block[:, -1]
    np.testing.assert_allclose(np.linalg.norm(own, axis=1), 0.5, rtol=1e-5)  # half weight
    np.testing.assert_allclose(before[1], own[0], rtol=1e-5)  # the turn before the reflection
    assert not before[0].any() and echo[0] == 0.0  # the first turn has none
    np.testing.assert_allclose(echo, (own * before).sum(axis=1) * 4, rtol=1e-4)  # cosine, at full weight
    assert echo[1] > echo[3] and echo[1] > echo[5]


def test_without_the_package_the_model_learns_without_meanings(monkeypatch: pytest.MonkeyPatch) -> None:
    units, vocab = _units()
    monkeypatch.setattr(meaning, "_PACKAGE", "qualcode_no_such_package")
    monkeypatch.setattr(meaning, "_loaded", None)
    monkeypatch.setattr(meaning, "_missing_said", False)
    assert not meaning.available() and meaning.word_vectors() is None
    featurizer = fit_featurizer(raw_features(units), raw_features([]), [], ["Reflection"], vocab=vocab)
    assert featurizer.vocab is None
    assert featurizer.layout["meaning"][0] == featurizer.layout["meaning"][1]


def test_only_a_positive_cosine_is_named_as_saying_again_what_was_said_before() -> None:
    knowledge = Knowledge.build(Codebook(()), suggestion_reader(None), ["reflection", "question", "input"])
    units, _vocab = _units(knowledge.reader)
    # Seven copies of the three therapist turns, one code each: 21 units, an exclusive scheme, so the
    # model has the meaning block (the client's turns are uncoded). Calibration is not what is tested.
    labels: list[set[str]] = [{"reflection"}, set(), {"question"}, set(), {"input"}]  # units 1 to 5
    raw = raw_features(units[1:] * 7)
    model = train_model(knowledge, raw, labels * 7, calibration=Calibration())
    assert model.exclusive and model.featurizer.vocab is not None
    layout = model.featurizer.layout
    echo = layout["meaning"][1] - 1
    # The reflection: its cosine with the client's turn before it is above 0.
    scored = model.score(raw_features(units[1:2]))
    at = int(np.flatnonzero(scored.matrix.indices == echo)[0])
    column = model._model_columns["reflection"]
    model.classifiers.coef[echo, column] = 100.0  # the echo outweighs every other feature
    assert "says again what was said before" in model._cues(scored, 0, "reflection", {}, layout)
    # A negative cosine times a negative weight pushes the code up as much, but it is no echo.
    scored.matrix.data[at] = -abs(scored.matrix.data[at])
    model.classifiers.coef[echo, column] = -100.0
    assert "says again what was said before" not in model._cues(scored, 0, "reflection", {}, layout)
