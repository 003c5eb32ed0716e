"""Reading and featurising fast must give the same tokens, rule hits and features as the plain way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qualcode.model import Code, Codebook, Segment, Span, Turn
from qualcode.project import Project
from qualcode.suggest import meaning
from qualcode.suggest.features import raw_features, split_raw, stack_raw, word_columns, word_label
from qualcode.suggest.units import SourceText, Unit, units_of

TEXT_A = "Ana: I don't know. Don't you think so?\nBen: It's not a real staff member, is it?\n"
TEXT_B = "Ana: So you felt you weren't part of the team.\nBen: Yeah, I'm not. Not at all!\n"


def _source(name: str, text: str) -> SourceText:
    """Two turns, one segment per sentence (the speaker labels are outside every segment)."""
    first = text.split("\n")[0]
    turns = (Turn(0, "Ana", Span(0, len(first))), Turn(1, "Ben", Span(len(first) + 1, len(text) - 1)))
    segments: list[Segment] = []
    for turn in turns:
        body = text[turn.span.start : turn.span.end]
        start = turn.span.start + body.index(":") + 2
        for sentence in body[body.index(":") + 2 :].replace("? ", "?|").replace(". ", ".|").split("|"):
            segments.append(Segment(len(segments), turn.index, Span(start, start + len(sentence))))
            start += len(sentence) + 1
    return SourceText(name, text, turns, tuple(segments))


def test_warming_the_tokenizer_cache_gives_the_same_tokens_as_a_fresh_tokenizer() -> None:
    import spacy

    from qualcode.suggest.nlp import TOKENIZER_CACHE, suggestion_reader, warm_tokenizer

    reader = suggestion_reader(None)
    assert reader.nlp.tokenizer.max_cache_size >= TOKENIZER_CACHE
    text = TEXT_A * 3 + "(Really?) e-mail:x@y.org it's--odd... don't!"
    warm_tokenizer(reader.nlp, [text])
    warmed = [t.text for t in reader.nlp.make_doc(text)]
    assert warmed == [t.text for t in spacy.blank("en").make_doc(text)]
    assert warmed[:7] == ["Ana", ":", "I", "do", "n't", "know", "."]
    assert warmed[-7:] == ["it's", "--", "odd", "...", "do", "n't", "!"]


def test_segments_get_their_tokens_content_words_and_turn_context() -> None:
    from qualcode.suggest.nlp import suggestion_reader
    from qualcode.suggest.rules import CodebookRules

    reader = suggestion_reader(None)
    rules = CodebookRules(Codebook(()), reader.nlp)
    from qualcode.suggest.units import read_transcripts

    [read] = read_transcripts([_source("a", TEXT_A)], reader.nlp, rules, lemmas=False, vectors=False)
    units = units_of(read, "segment")
    words = [[reader.nlp.vocab.strings[int(t)] for t in u.tokens] for u in units]
    assert words == [
        ["i", "do", "n't", "know"],
        ["do", "n't", "you", "think", "so", "?"],
        ["it", "'s", "not", "a", "real", "staff", "member", "is", "it", "?"],
    ]
    assert [reader.nlp.vocab.strings[int(t)] for t in units[2].previous] == ["know", "think"]
    assert [reader.nlp.vocab.strings[int(t)] for t in units[0].following] == words[2]
    assert units[1].previous is units[0].previous and len(units[2].following) == 0
    # Both segments of Ana's turn see the turn's content words; Ben's one-segment turn needs no such context.
    assert [reader.nlp.vocab.strings[int(t)] for t in units[0].passage] == ["know", "think"]
    assert units[1].passage is units[0].passage and len(units[2].passage) == 0
    assert (units[0].speaker, units[2].speaker, units[2].previous_speaker) == ("Ana", "Ben", "Ana")
    [turn0, turn1] = units_of(read, "turn")
    assert [reader.nlp.vocab.strings[int(t)] for t in turn0.tokens] == words[0] + words[1]
    assert len(turn0.passage) == 0
    assert turn1.text == "Ben: It's not a real staff member, is it?"


def _blank_units(name: str, text: str) -> list[Unit]:
    from qualcode.suggest.nlp import suggestion_reader
    from qualcode.suggest.rules import CodebookRules
    from qualcode.suggest.units import read_transcripts

    nlp = suggestion_reader(None).nlp
    [read] = read_transcripts(
        [_source(name, text)], nlp, CodebookRules(Codebook(()), nlp), lemmas=False, vectors=False
    )
    return units_of(read, "segment")


def test_in_a_long_turn_a_segments_passage_is_the_segments_either_side() -> None:
    from qualcode.suggest.nlp import suggestion_reader
    from qualcode.suggest.units import PASSAGE_REACH

    strings = suggestion_reader(None).nlp.vocab.strings
    words = [f"word{n}" for n in range(2 * PASSAGE_REACH + 4)]
    said = " ".join(f"{w.capitalize()}." for w in words)
    units = _blank_units("long", f"Ana: {said}\nBen: Yes.\n")
    passages = [[strings[int(t)] for t in u.passage] for u in units[: len(words)]]
    assert passages[0] == words[: PASSAGE_REACH + 1]
    assert passages[PASSAGE_REACH + 2] == words[2 : 2 * PASSAGE_REACH + 3]
    assert passages[-1] == words[-PASSAGE_REACH - 1 :]
    # A turn that fits in one passage shares it; a one-sentence turn has none.
    first, second, ben = _blank_units("short", "Ana: Word0. Word1.\nBen: Yes.\n")
    assert first.passage is second.passage and len(first.passage) == 2 and len(ben.passage) == 0


def test_anchored_patterns_find_what_the_matcher_finds_and_skip_windows_without_their_words() -> None:
    import spacy
    from spacy.matcher import Matcher

    from qualcode.suggest.rules import CodebookRules, _required_words

    starred = [{"LOWER": "not"}, {"LOWER": {"IN": ["a", "real"]}, "OP": "*"}, {"LOWER": {"IN": ["staff"]}}]
    plus = [{"LOWER": "not", "OP": "+"}, {"LOWER": "at"}, {"IS_PUNCT": True, "OP": "?"}, {"LOWER": "all"}]
    assert _required_words(starred) == [["not"], ["staff"]]
    assert _required_words(plus) == [["not"], ["at"], ["all"]]
    nlp = spacy.blank("en")
    rules = CodebookRules(Codebook((Code("Othered", patterns=(starred, plus)),)), nlp)
    assert len(rules.required) == 2 and not len(rules.patterns)  # both searched around "not" only
    text = TEXT_A + TEXT_B + "not " * 30 + "a a staff. " + "Not " * 3 + "at all."
    doc = nlp.make_doc(text)
    matcher = Matcher(nlp.vocab)
    matcher.add("x", [starred, plus])
    expected = {(doc[s:e].start_char, doc[s:e].end_char) for _, s, e in matcher(doc) if e - s <= 24}
    hits = rules.match(doc)
    assert {(h.start, h.end) for h in hits} == expected
    assert {h.words for h in hits} >= {
        "not a real staff",
        "not a a staff",
        "Not at all",
        "Not Not Not at all",
    }
    assert rules.match(doc, text=text) == hits

    class Counting:
        """The anchored Matcher, counting the windows it is asked to search."""

        def __init__(self, matcher: Matcher) -> None:
            self.matcher, self.calls = matcher, 0

        def __len__(self) -> int:
            return len(self.matcher)

        def __call__(self, span: object) -> list[tuple[int, int, int]]:
            self.calls += 1
            return self.matcher(span)  # type: ignore[no-any-return]

    counting = Counting(rules.anchored)
    rules.anchored = counting  # type: ignore[assignment]
    quiet = nlp.make_doc("I do not know. " + "Fine. " * 15 + "We are not at home at all.")
    assert rules.match(quiet) == () and counting.calls == 1  # two windows; only one has "at" and "all"


def test_features_of_a_batch_split_per_transcript_equal_those_of_each_transcript() -> None:
    from qualcode.suggest.nlp import suggestion_reader
    from qualcode.suggest.rules import CodebookRules
    from qualcode.suggest.units import read_transcripts

    reader = suggestion_reader(None)
    rules = CodebookRules(Codebook(()), reader.nlp)
    reads = read_transcripts(
        [_source("a", TEXT_A), _source("b", TEXT_B)], reader.nlp, rules, lemmas=False, vectors=False
    )
    parts = [units_of(r, "segment") for r in reads]
    batch = split_raw(raw_features([u for p in parts for u in p]), [len(p) for p in parts])
    for units, raw in zip(parts, batch, strict=True):
        alone = raw_features(units)
        for name in ("words", "previous", "following", "passage"):
            a, b = getattr(raw, name), getattr(alone, name)
            assert (a != b).nnz == 0 and a.has_canonical_format and b.has_canonical_format
        assert np.array_equal(raw.shape, alone.shape)
    # "i do n't know": 4 words + 3 bigrams + 3 opening features, each counted once.
    first = batch[0]
    assert first.words[0].sum() == 10 and first.words[0].nnz == 10
    # The second segment ends with "?"; the third echoes nothing of the turn before ("know", "think").
    assert first.shape[:, 0].tolist() == [0.0, 1.0, 1.0] and first.shape[2, 3] == 0.0
    assert first.shape[0, 2] == np.float32(np.log1p(4))


def test_a_words_column_is_named_by_its_unigram_or_bigram() -> None:
    from qualcode.suggest.features import N_BUCKETS, _Block
    from qualcode.suggest.nlp import suggestion_reader
    from qualcode.suggest.rules import CodebookRules
    from qualcode.suggest.units import read_transcripts

    reader = suggestion_reader(None)
    rules = CodebookRules(Codebook(()), reader.nlp)
    [read] = read_transcripts([_source("b", TEXT_B)], reader.nlp, rules, lemmas=False, vectors=False)
    units = units_of(read, "segment")
    raw = raw_features(units)
    block = _Block.fit(raw.words, sublinear=True)
    unit = units[0]  # "so you felt you were n't part of the team"
    columns = word_columns(unit, block.colmap)
    vocab = reader.nlp.vocab
    you = int(block.colmap[int(unit.tokens[1] % np.uint64(N_BUCKETS))])
    assert word_label(unit, you, columns, vocab) == "you"
    names = {word_label(unit, int(c), columns, vocab) for c in columns[1] if c >= 0}
    assert {"so you", "were n't", "the team"} <= names or {"so you", "weren't", "the team"} <= names
    assert word_label(unit, -5, columns, vocab) == ""


def test_a_transcript_read_before_is_loaded_again_only_when_its_summary_changed(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suggester = project.suggester("ana")
    knowledge = suggester.knowledge()
    loaded: list[str] = []
    load = project.transcript
    monkeypatch.setattr(project, "transcript", lambda name: loaded.append(name) or load(name))
    first = suggester.read(["alpha", "beta"], knowledge)
    assert loaded == ["alpha", "beta"]
    assert suggester.read(["alpha", "beta"], knowledge) == first and loaded == ["alpha", "beta"]
    # A role given to alpha's participant: loaded again, and its units carry the role.
    csv = tmp_path / "roles.csv"
    csv.write_text("participant,transcript,role\nP1,alpha,Peer worker\n", encoding="utf-8")
    project.load_attributes(csv)
    [alpha] = suggester.read(["alpha"], knowledge)
    assert loaded[2:] == ["alpha"] and alpha is not first[0]
    assert {u.role for u in units_of(alpha, "segment")} == {"Peer worker"}
    # Another transcript under alpha's name (the old one renamed): read afresh.
    project.rename_transcript("alpha", "gamma")
    (tmp_path / "alpha.txt").write_text("Interviewer: Anything else?\nParticipant: No.\n", encoding="utf-8")
    project.import_transcripts([tmp_path / "alpha.txt"])
    [fresh] = suggester.read(["alpha"], knowledge)
    assert [u.text for u in units_of(fresh, "segment")] == ["Anything else?", "No."]


def test_length_bands_and_meanings_are_features_of_exclusive_schemes_only() -> None:
    from qualcode.suggest.engine import Knowledge, train_model
    from qualcode.suggest.features import BAND_NAMES, SHAPE_NAMES
    from qualcode.suggest.nlp import suggestion_reader
    from qualcode.suggest.units import read_transcripts

    codebook = Codebook((Code("Question"), Code("Statement")))
    knowledge = Knowledge.build(codebook, suggestion_reader(None))
    reads = read_transcripts(
        [_source("a", TEXT_A), _source("b", TEXT_B)],
        knowledge.reader.nlp,
        knowledge.rules,
        lemmas=False,
        vectors=False,
    )
    units = [u for r in reads for u in units_of(r, "segment")]
    raw = raw_features(units)
    # Tokens, punctuation other than "?" and "!" left out: "I do n't know" 4, "Do n't you think so ?" 6,
    # "It 's not a real staff member is it ?" 10, "So you felt you were n't part of the team" 10,
    # "Yeah I 'm not" 4, "Not at all !" 4: one band each.
    bands = raw.shape[:, len(SHAPE_NAMES) :]
    assert BAND_NAMES == (
        "is 1-2 words",
        "is 3-5 words",
        "is 6-12 words",
        "is 13-25 words",
        "is over 25 words",
    )
    assert [int(row.argmax()) for row in bands] == [1, 2, 2, 2, 1, 1] and bands.sum(axis=1).tolist() == [
        1.0
    ] * 6
    one_each = [{"Statement"}, {"Question"}, {"Question"}, {"Statement"}, {"Statement"}, {"Statement"}]
    # Six coded units, one code each, say nothing yet; twenty-four do (MIN_EXCLUSIVE_EVIDENCE is 20).
    assert not train_model(knowledge, raw, one_each).exclusive
    many = stack_raw([raw] * 4)
    exclusive = train_model(knowledge, many, one_each * 4)
    assert exclusive.exclusive and exclusive.featurizer.shape_names == SHAPE_NAMES + BAND_NAMES
    lo, hi = exclusive.featurizer.layout["meaning"]
    assert hi - lo == 2 * meaning.DIMENSIONS + 1 == exclusive.classifiers.coef.shape[0] - lo
    assert exclusive.score(raw).matrix.shape[1] == hi
    overlapping = [{"Statement", "Question"}, *one_each[1:]] * 4
    thematic = train_model(knowledge, many, overlapping)
    assert not thematic.exclusive and thematic.featurizer.shape_names == SHAPE_NAMES
    layout = thematic.featurizer.layout
    assert layout["shape"][1] - layout["shape"][0] == len(SHAPE_NAMES)
    assert layout["meaning"] == (layout["examples"][1],) * 2 and thematic.featurizer.vocab is None
    # the keyword baseline learns nothing, so it reads no vectors either
    assert train_model(knowledge, many, one_each * 4, use_model=False).featurizer.vocab is None
