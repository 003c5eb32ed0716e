"""The suggestion engine on a blank English pipeline: rules, examples, the learned model, active learning."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from test_suggest_synthetic import HOPE, OTHERED, PLAIN, QUESTIONS, build

from qualcode.model import Span, Suggestion, SuggestionSource
from qualcode.project import Project
from qualcode.suggest.learn import Calibration
from qualcode.suggest.units import label_units


@pytest.fixture(scope="module")
def synthetic_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("synthetic"))


@pytest.fixture
def synthetic(synthetic_template: Path, tmp_path: Path) -> Iterator[Project]:
    path = tmp_path / "s.qualcode"
    shutil.copyfile(synthetic_template, path)
    with Project.open(path) as project:
        yield project


def test_a_keyword_suggests_its_code_with_the_reason(project: Project) -> None:
    found = project.suggestions("alpha", "ana")
    othered = [s for s in found if s.code == "Othered"]
    assert [s.span for s in othered] == [Span(63, 87), Span(126, 156)]
    first = othered[0]
    # The keyword and the codebook's example quote both speak for it; the stronger one is the source.
    assert first.source in (SuggestionSource.RULE, SuggestionSource.EXAMPLE)
    assert first.reason.startswith("matched 'outsider'")
    assert "like the codebook example 'I felt like an outsider.'" in first.reason
    assert first.text == "I felt like an outsider."
    assert 0 < first.score <= 1
    assert (first.turn, first.segment) == (1, 2)


def test_suggestions_skip_what_the_coder_already_coded(project: Project) -> None:
    project.code("alpha", "Othered", coder="ana", start=63, end=87)
    spans = [s.span for s in project.suggestions("alpha", "ana") if s.code == "Othered"]
    assert Span(63, 87) not in spans


def test_filters_by_code_score_and_range(project: Project) -> None:
    assert project.suggestions("alpha", "ana", codes=["hope"]) == []
    assert project.suggestions("alpha", "ana", min_score=0.99) == []
    ranged = project.suggestions("alpha", "ana", start=120, end=200)
    assert [s.span for s in ranged] == [Span(126, 156)]


def test_unknown_transcript_is_a_clear_error(project: Project) -> None:
    from qualcode.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no transcript named 'gamma'"):
        project.suggestions("gamma", "ana")


def _fresh(project: Project) -> str:
    """Import a transcript the gold coder has not coded; returns its name."""
    folder = Path(str(project.path)).parent
    (folder / "fresh.txt").write_text(
        f"Interviewer: {QUESTIONS[1]}\nParticipant: {OTHERED[2]} {HOPE[0]} {PLAIN[0]}\n", encoding="utf-8"
    )
    project.import_transcripts([folder / "fresh.txt"])
    return "fresh"


def test_the_model_learns_the_coders_codes(synthetic: Project) -> None:
    model = synthetic.suggester("gold").retrain()
    assert set(model.modelled_codes()) == {"Question", "Othered", "Hope"}
    assert model.calibration.fitted_on > 0
    found = synthetic.suggestions("int00", "newcomer")  # nobody's codings: rules and examples only
    assert {s.source for s in found} <= {SuggestionSource.RULE, SuggestionSource.EXAMPLE}
    # A new transcript the gold coder has not coded: the model's suggestions follow the cues.
    _fresh(synthetic)
    best = {s.text: s for s in synthetic.suggestions("fresh", "gold", per_segment=1, min_score=0.0)}
    assert best[QUESTIONS[1]].code == "Question"
    assert best[OTHERED[2]].code == "Othered"
    assert best[HOPE[0]].code == "Hope"
    assert best[QUESTIONS[1]].source is SuggestionSource.MODEL
    assert best[QUESTIONS[1]].score > 0.5
    # It counts segments, not codings (one coding can cover several segments)
    questions = len(model.positives["Question"])
    assert best[QUESTIONS[1]].reason.startswith(f"learned from your {questions} coded segments")
    assert "close to your coding in int" in best[OTHERED[2]].reason
    assert all(
        s.score < 0.5 for s in synthetic.suggestions("fresh", "gold", min_score=0.0) if s.text == PLAIN[0]
    )


def test_next_uncertain_points_at_an_uncoded_segment(synthetic: Project) -> None:
    uncertain = synthetic.uncertain_segments("gold", count=3)
    assert len(uncertain) == 3
    coded = {(c.transcript, c.span) for c in synthetic.codings(coders=("gold",))}
    assert all((u.transcript, u.span) not in coded for u in uncertain)
    assert uncertain[0].uncertainty >= uncertain[1].uncertainty >= uncertain[2].uncertainty
    nxt = synthetic.next_uncertain("gold", "int03")
    assert nxt is not None and nxt.transcript == "int03"


def test_retrain_runs_in_a_worker_thread_while_suggestions_are_read(synthetic: Project) -> None:
    _fresh(synthetic)
    suggester = synthetic.suggester("gold")
    old = suggester.current()
    words = synthetic.transcript("int01").turns[0].span.start  # a coding holds speech, not the label
    synthetic.code("int01", "Hope", coder="gold", start=words, end=words + 5)
    assert suggester.stale()
    progress: list[object] = []
    worker = threading.Thread(target=lambda: progress.extend(synthetic.iter_retrain_suggestions("gold")))
    worker.start()
    during = synthetic.suggestions("fresh", "gold")  # from the old model, never blocked
    worker.join(timeout=60)
    assert during
    assert suggester.model is not old and not suggester.stale()
    stages = [getattr(p, "stage", None) for p in progress]
    assert stages[0] == "reading" and "training" in stages and stages[-2] == "done"
    assert progress[-1] is suggester.model


def test_another_coders_own_work_does_not_make_the_model_stale(synthetic: Project) -> None:
    # The model learns from this coder's codings and decisions only; another coder coding away in the same
    # project made it retrain on every poll of the workbench.
    from qualcode.model import MemoTarget

    _fresh(synthetic)
    suggester = synthetic.suggester("gold")
    suggester.current()
    assert not suggester.stale()
    words = synthetic.transcript("int01").turns[0].span.start  # a coding holds speech, not the label
    synthetic.code("int01", "Hope", coder="bo", start=words, end=words + 5)
    synthetic.uncode("int01", "Hope", coder="bo", start=words, end=words + 5)
    synthetic.add_memo("a thought", coder="bo", target=MemoTarget.PROJECT)
    assert not suggester.stale()
    synthetic.update_code("Hope", coder="bo", definition="Hope for recovery.")  # the codebook is shared
    assert suggester.stale()
    suggester.retrain()
    assert not suggester.stale()
    words = synthetic.transcript("int01").turns[0].span.start  # a coding holds speech, not the label
    synthetic.code("int01", "Hope", coder="gold", start=words, end=words + 5)
    assert suggester.stale()
    suggester.retrain()
    synthetic.undo("bo")  # conservative: an undo by anyone may have changed what the model reads
    assert suggester.stale()


def test_turn_granularity_when_the_coder_codes_whole_turns(synthetic: Project) -> None:
    for turn in synthetic.transcript("int04").turns:
        if turn.speaker == "Participant":
            synthetic.code("int04", "Othered", coder="turns", start=turn.span.start, end=turn.span.end)
    suggester = synthetic.suggester("turns")
    suggester.retrain()
    assert suggester.granularity == "turn"
    found = synthetic.suggestions("int05", "turns", min_score=0.0)
    turn_spans = {t.span for t in synthetic.transcript("int05").turns}
    assert found and {s.span for s in found} <= turn_spans


def test_label_units_needs_a_substantial_overlap(project: Project) -> None:
    suggester = project.suggester("ana")
    knowledge = suggester.knowledge()
    units = suggester._raw_of(suggester.read(["alpha"], knowledge)[0], "segment")[0]
    labels = label_units(
        units,
        [
            ("alpha", Span(70, 80), "inside"),  # a short quote inside a sentence labels it
            ("alpha", Span(85, 90), "graze"),  # a few characters over a boundary label nothing
            ("alpha", Span(63, 149), "wide"),  # a passage labels every sentence it covers
        ],
    )
    assert [sorted(s) for s in labels] == [[], [], ["inside", "wide"], ["wide"], ["wide"], []]


def test_calibration_is_a_monotone_sigmoid() -> None:
    calibration = Calibration(2.0, -1.0, 10)
    z = np.array([-2.0, 0.0, 0.5, 3.0])
    p = calibration.apply(z)
    assert np.all(np.diff(p) > 0)
    assert p[2] == pytest.approx(0.5)
    assert Calibration().apply(np.array([0.0]))[0] == pytest.approx(0.5)


def test_word_patterns_become_phrases_that_match_like_the_matcher() -> None:
    import spacy
    from spacy.matcher import Matcher

    from qualcode.model import Code, Codebook
    from qualcode.suggest.rules import CodebookRules, as_phrases

    pattern = [{"LOWER": "recovery"}, {"ORTH": "-", "OP": "?"}, {"LOWER": {"IN": ["college", "agenda"]}}]
    assert as_phrases(pattern) == [
        ["recovery", "-", "college"],
        ["recovery", "-", "agenda"],
        ["recovery", "college"],
        ["recovery", "agenda"],
    ]
    starred = [{"LOWER": "not"}, {"LOWER": "a", "OP": "*"}, {"LOWER": "nurse"}]
    assert as_phrases(starred) is None  # left to spaCy's Matcher
    assert as_phrases([{"POS": "NOUN"}]) is None
    nlp = spacy.blank("en")
    rules = CodebookRules(Codebook((Code("Recovery", patterns=(pattern, starred)),)), nlp)
    doc = nlp.make_doc("The Recovery-College and the recovery agenda, not a a nurse.")
    matcher = Matcher(nlp.vocab)
    matcher.add("x", [pattern, starred])
    expected = {(doc[s:e].start_char, doc[s:e].end_char) for _, s, e in matcher(doc)}
    assert {(h.start, h.end) for h in rules.match(doc)} == expected
    assert {h.words for h in rules.match(doc)} == {"Recovery-College", "recovery agenda", "not a a nurse"}


def test_a_configured_pipeline_that_is_missing_degrades_to_blank_with_a_note() -> None:
    from qualcode.suggest.nlp import BLANK, suggestion_reader

    reader = suggestion_reader("qualcode_no_such_pipeline")
    assert reader.name == BLANK and not reader.lemmas and not reader.vectors
    assert "'qualcode_no_such_pipeline' is not installed" in reader.note


def test_vectors_are_used_for_example_similarity_when_the_pipeline_has_them() -> None:
    import spacy

    from qualcode.model import Code, Codebook, Segment, Turn
    from qualcode.suggest.engine import Knowledge, train_model
    from qualcode.suggest.features import raw_features
    from qualcode.suggest.nlp import Reader
    from qualcode.suggest.units import SourceText, units_of

    nlp = spacy.blank("en")
    for word, vector in {"excluded": [1.0, 0.0], "outsider": [0.9, 0.1], "lunch": [0.0, 1.0]}.items():
        nlp.vocab.set_vector(word, np.array(vector, dtype=np.float32))
    reader = Reader(nlp, "test-vectors", lemmas=False, vectors=True)
    knowledge = Knowledge.build(Codebook((Code("Othered", examples=("outsider",)),)), reader)
    text = "I felt excluded. We had lunch."
    source = SourceText(
        "t",
        text,
        (Turn(0, "P", Span(0, len(text))),),
        (Segment(0, 0, Span(0, 16)), Segment(1, 0, Span(17, 30))),
    )
    units = units_of(knowledge.read([source])[0], "segment")
    model = train_model(knowledge, raw_features([]), [], use_model=False)
    scored = model.score(raw_features(units))
    # No word in common with the example, but the vectors are close: "excluded" is like "outsider".
    assert scored.similarity[0, 0] > 0.9 > 0.2 > scored.similarity[1, 0]
    [suggestion] = model.suggestions(scored, min_score=0.3)
    assert suggestion.text == "I felt excluded." and suggestion.source is SuggestionSource.EXAMPLE


def test_with_a_trained_pipeline_keywords_also_match_inflections() -> None:
    """Opt-in: runs only where the `trained` extra (or en_core_web_sm) is installed."""
    from qualcode.model import Code, Codebook
    from qualcode.suggest.nlp import suggestion_reader
    from qualcode.suggest.rules import CodebookRules

    reader = suggestion_reader("auto")
    if not reader.lemmas:
        pytest.skip("no trained English pipeline installed (pip install -e '.[trained]')")
    keywords = ("othered", "been there", "line managers")
    rules = CodebookRules(Codebook((Code("Othered", keywords=keywords),)), reader.nlp, lemmas=True)
    doc = reader.nlp(
        "They othered me. She felt othering happen. The other nurse. Is there more? My line manager helped."
    )
    assert {(h.words, h.kind) for h in rules.match(doc)} == {
        ("othered", "keyword"),
        ("othering", "lemma"),
        ("line manager", "lemma"),
    }


def test_a_short_sentence_is_suggested_for_what_its_turn_says(tmp_path: Path) -> None:
    # The coder codes passages: "Yeah." is coded Othered when the turn around it is about being left out,
    # and not when it is about lunch. Its own words and the turns before and after are the same either way.
    rng = np.random.default_rng(0)
    files = []
    for n in range(8):
        lines = []
        for _ in range(6):
            about = "The team left me out of the meetings again." if rng.random() < 0.5 else PLAIN[0]
            lines += ["Interviewer: What was that like?", f"Participant: {about} Yeah. Anyway, that was it."]
        files.append(tmp_path / f"p{n}.txt")
        files[-1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("name: C\ncodes:\n  - name: Othered\n", encoding="utf-8")
    (tmp_path / "fresh.txt").write_text(
        "Interviewer: What was that like?\nParticipant: Nobody on the team told me about the meetings. Yeah. "
        "Anyway, that was it.\nInterviewer: What was that like?\nParticipant: I had lunch at twelve. Yeah. "
        "Anyway, that was it.\nInterviewer: What was that like?\n",
        encoding="utf-8",
    )
    with Project.init(tmp_path / "p.qualcode") as project:
        project.import_codebook(tmp_path / "c.yaml", "setup")
        project.import_transcripts(files, coder="setup")
        for summary in project.transcripts():
            text = project.transcript(summary.name).text
            segments = project.segments(summary.name)
            for seg, after in pairwise(segments):
                if "team" in seg.span.of(text):
                    project.code(
                        summary.name, "Othered", coder="gold", start=seg.span.start, end=after.span.end
                    )
        project.import_transcripts([tmp_path / "fresh.txt"])
        suggester = project.suggester("gold")
        suggester.retrain()
        assert suggester.granularity == "segment"
        yeah = [
            s
            for s in project.suggestions("fresh", "gold", min_score=0.0, per_segment=None)
            if s.text == "Yeah." and s.code == "Othered"
        ]
        assert len(yeah) == 2
        after_team, after_lunch = sorted(yeah, key=lambda s: s.span.start)
        assert after_team.score > 0.5 > after_lunch.score
        assert "the passage around it" in after_team.reason


def test_accept_all_does_not_count_the_segments_before_it_as_read(synthetic: Project) -> None:
    first = synthetic.segments("int00")[0]
    synthetic.code("int00", "Question", coder="newcomer", start=first.span.start, end=first.span.end)
    lasts = {name: synthetic.segments(name)[-1] for name in ("int01", "int02")}
    chosen = [
        Suggestion(name, seg.span, "Hope", 0.9, SuggestionSource.RULE, "matched 'hope'")
        for name, seg in lasts.items()
    ]
    synthetic.accept_suggestions(chosen, "newcomer")
    assert all(d.bulk for d in synthetic.suggestion_decisions(coder="newcomer"))
    # The coder read one segment; the two accepted from the preview teach nothing (what the suggestions
    # already said, without the segments around them).
    assert synthetic.suggester("newcomer").retrain().labelled == 1
    # Accepted one by one, in the workbench, each says the coder has read up to there.
    synthetic.undo("newcomer")
    for found in chosen:
        synthetic.accept_suggestion(found, "newcomer")
    assert not any(d.bulk for d in synthetic.suggestion_decisions(coder="newcomer"))
    read = 1 + sum(len(synthetic.segments(name)) for name in lasts)
    assert synthetic.suggester("newcomer").retrain().labelled == read


def test_too_few_codings_to_calibrate_answer_by_similarity_not_by_raw_margins(synthetic: Project) -> None:
    text = synthetic.transcript("int00").text
    found_hope = [s for s in synthetic.segments("int00") if s.span.of(text) in HOPE]
    hope = [found_hope[0], found_hope[-1]]  # the segments between are read and left uncoded: negatives
    assert hope[0] != hope[1]
    for seg in hope:
        synthetic.code("int00", "Hope", coder="few", start=seg.span.start, end=seg.span.end)
    model = synthetic.suggester("few").retrain()
    # Two positives are enough to fit a classifier but not to calibrate it: a sigmoid of its margins would
    # score most segments 0.3-0.5. The codings answer through similarity instead, and scores stay honest.
    assert model.calibration.fitted_on == 0 and model.modelled_codes() == ()
    found = synthetic.all_suggestions("few", min_score=0.3, per_segment=None)
    assert found and all(s.source is not SuggestionSource.MODEL for s in found)
    assert any(s.code == "Hope" and "close to your coding in int00" in s.reason for s in found)


def test_categories_need_twenty_coded_units_and_not_a_small_codebook(synthetic: Project) -> None:
    # gold codes one code per segment, many segments: categories, even with codes in the codebook unused.
    for n in range(11):
        synthetic.add_code(f"Theme {n}", coder="setup")
    assert synthetic.suggester("gold").retrain().exclusive
    # Three codings of two codes, one code each, say nothing yet: themes until twenty coded units show it.
    text = synthetic.transcript("int00").text
    segments = [s for s in synthetic.segments("int00") if s.span.of(text) in HOPE + OTHERED][:3]
    for seg, code in zip(segments, ("Hope", "Othered", "Hope"), strict=True):
        synthetic.code("int00", code, coder="early", start=seg.span.start, end=seg.span.end)
    assert not synthetic.suggester("early").retrain().exclusive


def test_a_calibration_is_not_reused_once_undo_has_taken_codings_back(synthetic: Project) -> None:
    text = synthetic.transcript("int00").text
    cues = {
        **dict.fromkeys(HOPE, "Hope"),
        **dict.fromkeys(OTHERED, "Othered"),
        **dict.fromkeys(QUESTIONS, "Question"),
    }
    coded = 0
    for seg in synthetic.segments("int00"):
        if seg.span.of(text) in cues:
            synthetic.code(
                "int00", cues[seg.span.of(text)], coder="undoer", start=seg.span.start, end=seg.span.end
            )
            coded += 1
    suggester = synthetic.suggester("undoer")
    first = suggester.retrain().calibration
    assert first.fitted_on > 0 and coded >= 10
    for _ in range(coded - 3):
        synthetic.undo("undoer")
    again = suggester.retrain()
    # Three codings cannot be calibrated: the old calibration must not carry the model on.
    assert again.calibration is not first and again.modelled_codes() == ()


def test_a_second_suggestion_keeps_its_score_while_the_coder_is_still_there(
    synthetic: Project, tmp_path: Path
) -> None:
    mixed = tmp_path / "mixed.txt"
    mixed.write_text(
        "Interviewer: What was the team like?\n"
        "Participant: They treated me like an outsider on the ward, but there is always hope.\n"
        "Interviewer: Can you tell me more about that?\n",
        encoding="utf-8",
    )
    synthetic.import_transcripts([mixed], coder="setup")
    for c in synthetic.codings(coders=("gold",)):
        if c.transcript in ("int00", "int01", "int02", "int03"):
            synthetic.code(c.transcript, c.code, coder="newcomer", start=c.span.start, end=c.span.end)
    both = synthetic.segments("mixed")[1]

    def hope_there() -> float:
        synthetic.suggester("newcomer").retrain()
        found = synthetic.suggestions("mixed", "newcomer", min_score=0.0, per_segment=None)
        return next((s.score for s in found if s.span == both.span and s.code == "Hope"), 0.0)

    assert hope_there() > 0.4
    synthetic.accept_suggestion(
        Suggestion("mixed", both.span, "Othered", 0.5, SuggestionSource.RULE, "matched 'outsider'"),
        "newcomer",
    )
    # The coder accepted one of the two: the other is not yet a "no", so it stays suggested.
    assert hope_there() > 0.4
    # An accept all elsewhere is not a place the coder went to: the sentence stays open.
    elsewhere = synthetic.segments("int06")[0]
    synthetic.accept_suggestions(
        [Suggestion("int06", elsewhere.span, "Question", 0.9, SuggestionSource.MODEL, "")], "newcomer"
    )
    assert hope_there() > 0.4
    # Once they have moved on, what they left uncoded there counts as a "no".
    last = synthetic.segments("mixed")[2]
    synthetic.code("mixed", "Question", coder="newcomer", start=last.span.start, end=last.span.end)
    assert hope_there() < 0.2


def test_segments_jumped_over_are_not_read_where_the_workbench_recorded_reading(synthetic: Project) -> None:
    for c in synthetic.codings(coders=("gold",), transcripts=("int00",)):
        synthetic.code("int00", c.code, coder="jumper", start=c.span.start, end=c.span.end)
    read_in_int00 = len(synthetic.segments("int00"))
    target = synthetic.segments("int01")[9]  # reached with "next uncertain", nothing above it seen
    found = Suggestion("int01", target.span, "Hope", 0.4, SuggestionSource.MODEL, "")
    # The workbench stores what is on screen before it stores a decision made there.
    synthetic.mark_read("jumper", "int01", [target.span])
    synthetic.reject_suggestion(found, "jumper")
    assert synthetic.read_spans("jumper") == {"int01": [target.span]}
    assert synthetic.suggester("jumper").retrain().labelled == read_in_int00 + 1
    # Without a record of what was on screen (a coder at the command line), the frontier rule: everything
    # above the place counts as read.
    synthetic.reject_suggestion(found, "cli")
    assert synthetic.suggester("cli").retrain().labelled == 10
    # Read with the cursor on the way back up, segments 7 and 8 become read too; 0-6 stay unseen.
    synthetic.mark_read("jumper", "int01", [s.span for s in synthetic.segments("int01")[7:9]])
    assert synthetic.suggester("jumper").retrain().labelled == read_in_int00 + 3


def test_reading_recorded_late_keeps_what_the_frontier_said_was_read(project: Project) -> None:
    project.code("alpha", "Othered", coder="ana", start=126, end=156)  # segment 4, coded from the CLI
    project.mark_read("ana", "alpha", [Span(170, 180)])
    # The first record for a transcript keeps everything up to the coder's last place there as read.
    assert project.read_spans("ana") == {"alpha": [Span(0, 156), Span(170, 180)]}
    project.mark_read("ana", "alpha", [Span(150, 175)])
    assert project.read_spans("ana") == {"alpha": [Span(0, 180)]}
    assert project.read_spans("bo") == {}
    # Reading is not coding: it makes no event and no coder.
    assert project.events()[-1].action == "coding.add"


def test_a_place_reached_while_the_first_note_waited_is_not_seeded(project: Project) -> None:
    since = datetime.now(UTC)  # the workbench noted segment 4 under the cursor, then the coder coded it
    project.code("alpha", "Othered", coder="ana", start=126, end=156)
    project.mark_read("ana", "alpha", [Span(126, 170)], since=since)
    assert project.read_spans("ana") == {"alpha": [Span(126, 170)]}


def test_the_reading_record_follows_the_text_not_the_name(project: Project, tmp_path: Path) -> None:
    project.mark_read("ana", "alpha", [Span(13, 32)])
    project.rename_transcript("alpha", "alpha-old")
    assert project.read_spans("ana") == {"alpha-old": [Span(13, 32)]}
    other = tmp_path / "alpha.txt"
    other.write_text("Interviewer: Something else entirely.\n", encoding="utf-8")
    project.import_transcripts([other], coder="setup")
    assert project.read_spans("ana") == {"alpha-old": [Span(13, 32)]}  # the new "alpha" has no record
