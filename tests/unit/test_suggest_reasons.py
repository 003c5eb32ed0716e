"""What a suggestion's reason says: the context feature that pushed it, and how a code's rules have done."""

from __future__ import annotations

from dataclasses import replace

from test_suggest_meaning import _units

from qualcode.model import Code, Codebook, SuggestionSource
from qualcode.suggest.engine import Knowledge, train_model
from qualcode.suggest.features import raw_features
from qualcode.suggest.learn import Calibration
from qualcode.suggest.nlp import suggestion_reader


def test_a_context_cue_names_the_feature_that_pushed_not_always_the_speaker() -> None:
    # The reason said "speaker Marcus" for a unit of an interview the model never learned from: the
    # column that pushed was the interviewee's role, which that interview shares with the coded one.
    knowledge = Knowledge.build(Codebook(()), suggestion_reader(None), ["reflection", "question", "input"])
    units, _vocab = _units(knowledge.reader)
    coded = [replace(u, role="Peer worker") for u in units[1:]]
    labels: list[set[str]] = [{"reflection"}, set(), {"question"}, set(), {"input"}]
    model = train_model(knowledge, raw_features(coded * 7), labels * 7, calibration=Calibration())
    layout = model.featurizer.layout
    first = layout["context"][0]
    role = first + model.featurizer.context["role=peer worker"]
    after = first + model.featurizer.context["previous=client"]
    assert "speaker=marcus" not in model.featurizer.context
    elsewhere = replace(units[1], speaker="Marcus", role="Peer worker")  # follows "Client"
    scored = model.score(raw_features([elsewhere]))
    column = model._model_columns["reflection"]
    model.classifiers.coef[role, column] = 100.0
    assert model._cues(scored, 0, "reflection", {}, layout)[0] == "role Peer worker"
    model.classifiers.coef[role, column] = 0.0
    model.classifiers.coef[after, column] = 100.0
    cues = model._cues(scored, 0, "reflection", {}, layout)
    assert cues[0] == "after Client" and not any("Marcus" in cue for cue in cues)


def test_a_rule_suggestion_says_how_the_codes_rules_have_done_so_far() -> None:
    # A rule scores (right + 1) / (read + 2): 0.5 before any evidence, which the coder should not read as
    # a coin toss the rule has earned.
    codebook = Codebook((Code("Worry", keywords=("worried", "concerned", "cigarettes")),))
    knowledge = Knowledge.build(codebook, suggestion_reader(None))
    units, _vocab = _units(knowledge.reader, codebook)
    assert [bool(u.hits) for u in units] == [True, True, False, True, False, False]
    untried = train_model(knowledge, raw_features([]), [], use_model=False, use_examples=False)
    [first, *_] = untried.suggestions(untried.score(raw_features(units)))
    assert (first.score, first.source) == (0.5, SuggestionSource.RULE)
    assert first.reason == "matched 'worried'; rules not yet checked on your coding"
    # The coder has read the six turns and coded the first one with Worry: the rules fired on three.
    read = train_model(
        knowledge, raw_features(units), [{"Worry"}, *[set()] * 5], use_model=False, use_examples=False
    )
    scored = read.score(raw_features(units))
    reasons = {s.text: (s.score, s.reason) for s in read.suggestions(scored)}
    assert reasons["How many cigarettes do you smoke in a day?"] == (
        0.4,
        "matched 'cigarettes'; rules right in 1 of 3 segments you read",
    )
