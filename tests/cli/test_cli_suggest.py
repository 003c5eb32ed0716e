"""`qualcode suggest` and `qualcode evaluate` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from qualcode.model import Span, Suggestion, SuggestionSource
from qualcode.project import Project
from qualcode.suggest.evaluate import RELIABILITY_HEADER, SUMMARY_HEADER


def test_suggest_csv_has_the_documented_columns(qualcode: Any, project_path: Path) -> None:
    result = qualcode("suggest", project_path, "--format", "csv", "--min-score", "0.3")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["transcript", "start", "end", "text", "code", "score", "source", "reason"]
    outsider = [r for r in rows if r["code"] == "Othered"]
    assert [(r["transcript"], r["start"], r["end"], r["text"]) for r in outsider] == [
        ("alpha", "63", "87", "I felt like an outsider."),
        ("alpha", "126", "156", "I felt like an outsider again."),
    ]
    assert outsider[0]["source"] in ("rule", "example")
    assert outsider[0]["reason"].startswith("matched 'outsider'")
    assert 0.3 <= float(outsider[0]["score"]) <= 1
    # A transcript named twice is listed once.
    twice = qualcode(
        "suggest", project_path, "--format", "csv", "--min-score", "0.3", "--transcript", "alpha",
        "--transcript", "alpha",
    )  # fmt: skip
    assert (
        twice.stdout
        == qualcode(
            "suggest", project_path, "--format", "csv", "--min-score", "0.3", "--transcript", "alpha"
        ).stdout
    )
    assert twice.stdout.count("alpha,63,87,") == 1


def test_suggest_filters_and_remembers_rejections(qualcode: Any, project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.reject_suggestion(
            Suggestion("alpha", Span(63, 87), "Othered", 0.5, SuggestionSource.RULE, "matched 'outsider'"),
            "ana",
        )
    result = qualcode(
        "suggest", project_path, "--transcript", "alpha", "--code", "othered", "--min-score", "0.3",
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [(r["start"], r["end"]) for r in json.loads(result.stdout)] == [(126, 156)]
    # Another coder has rejected nothing.
    other = qualcode("suggest", project_path, "--code", "Othered", "--min-score", "0.3", "--coder", "bo")
    assert other.stdout.count("I felt like an outsider") == 2


def test_suggest_uncertain_lists_segments_to_code_next_and_errors_are_one_line(
    qualcode: Any, project_path: Path
) -> None:
    result = qualcode(
        "suggest", project_path, "--uncertain", "2", "--transcript", "alpha", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert len(found) == 2
    assert set(found[0]) == {"transcript", "start", "end", "text", "uncertainty", "best_guesses"}
    assert found[0]["uncertainty"] >= found[1]["uncertainty"]
    # JSON keeps the best guesses as records; CSV joins them into one cell.
    assert found[0]["best_guesses"] == [{"code": "Othered", "score": 0.6}]
    as_csv = qualcode("suggest", project_path, "--uncertain", "2", "--transcript", "alpha", "--format", "csv")
    assert [r["best_guesses"] for r in csv.DictReader(io.StringIO(as_csv.stdout))] == ["Othered 0.6"] * 2
    # Into a .json file without --format: JSON, with the records too (not the joined cell)
    into = project_path.parent / "next.json"
    assert (
        qualcode("suggest", project_path, "--uncertain", "2", "--transcript", "alpha", "-o", into).returncode
        == 0
    )
    assert json.loads(into.read_text(encoding="utf-8")) == found
    # What --uncertain does not use is refused, not silently ignored.
    mixed = qualcode("suggest", project_path, "--uncertain", "2", "--code", "Hope", "--min-score", "0.2")
    assert mixed.returncode == 2
    assert (
        "--uncertain lists segments to code next, for every code; it does not take --code, --min-score"
        in (mixed.stderr)
    )
    result = qualcode("suggest", project_path, "--transcript", "gamma")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "qualcode: error: no transcript named 'gamma'; list them with: qualcode transcripts list"
    ]


def test_evaluate_prints_a_learning_curve(qualcode: Any, project_path: Path) -> None:
    with Project.open(project_path) as project:
        for name in ("alpha", "beta"):
            for seg in project.segments(name)[1::2]:
                project.code(name, "Hope", coder="gold", start=seg.span.start, end=seg.span.end)
    result = qualcode(
        "evaluate", project_path, "--gold-coder", "gold", "--steps", "2", "--holdout", "1", "--format", "csv"
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["method"] for r in rows] == ["model", "keywords", "model", "keywords"]
    assert rows[0]["coded"] == "2" and int(rows[2]["coded"]) > 2  # the last step: all there is to code
    assert {"kappa", "ECE", "P@3", "span_F1", "F1_macro"} <= set(rows[0])
    assert "gold coder 'gold'" in result.stderr and "held-out" in result.stderr
    assert rows[1]["train_s"] == "" and float(rows[0]["train_s"]) >= 0
    # A step beyond the units to learn from has no row of its own, and the note says so.
    beyond = qualcode(
        "evaluate",
        project_path,
        "--gold-coder",
        "gold",
        "--steps",
        "2,500",
        "--holdout",
        "1",
        "--format",
        "csv",
    )
    assert [r["coded"] for r in csv.DictReader(io.StringIO(beyond.stdout))] == [r["coded"] for r in rows]
    assert beyond.stderr.splitlines()[0] == (
        f"qualcode: note: step 500 not reached: there are {rows[2]['coded']} units to learn from at most; "
        "the last row (all) learns from all of them"
    )
    assert "not reached" not in result.stderr
    # Nor for the default steps, which a small project does not reach: no one asked for them.
    default = qualcode("evaluate", project_path, "--gold-coder", "gold", "--holdout", "1", "--format", "csv")
    assert default.returncode == 0 and "not reached" not in default.stderr, default.stderr
    as_json = qualcode(
        "evaluate", project_path, "--gold-coder", "gold", "--steps", "2", "--holdout", "1", "--format", "json"
    )
    records = json.loads(as_json.stdout)
    assert [r["train_s"] is None for r in records] == [False, True, False, True]
    # Two transcripts, one held out: two different splits. Seeds 2 to 4 hold out alpha again, as seed 1
    # did, so the second split is seed 5's.
    splits = qualcode(
        "evaluate", project_path, "--gold-coder", "gold", "--steps", "2", "--holdout", "1", "--splits", "2",
        "--seed", "1", "--format", "csv",
    )  # fmt: skip
    assert splits.returncode == 0, splits.stderr
    assert splits.stdout.splitlines()[0] == ",".join(SUMMARY_HEADER)
    means = list(csv.DictReader(io.StringIO(splits.stdout)))
    assert [(r["coded"], r["method"], r["splits"]) for r in means[:2]] == [
        ("2", "model", "2"),
        ("2", "keywords", "2"),
    ]
    assert means[1]["train_s"] == "" and means[-1]["step"] == "all"
    # The same two splits one by one: the summary is their mean and sample standard deviation.
    kappas = []
    for seed in ("1", "5"):
        alone = qualcode(
            "evaluate", project_path, "--gold-coder", "gold", "--steps", "2", "--holdout", "1", "--seed", seed,
            "--format", "csv",
        )  # fmt: skip
        kappas.append(float(next(csv.DictReader(io.StringIO(alone.stdout)))["kappa"]))
    assert float(means[0]["kappa"]) == pytest.approx(sum(kappas) / 2, abs=0.0011)
    assert float(means[0]["kappa_sd"]) == pytest.approx(abs(kappas[0] - kappas[1]) / 2**0.5, abs=0.0011)
    assert "2 splits (seeds 1, 5); means over the splits" in splits.stderr
    three = qualcode("evaluate", project_path, "--gold-coder", "gold", "--holdout", "1", "--splits", "3")
    assert three.returncode == 1
    assert three.stderr.splitlines() == [
        "qualcode: error: 'gold' coded 2 transcripts; holding out 1 makes 2 different splits, not 3; "
        "ask for at most 2 (--splits)"
    ]
    bands = qualcode(
        "evaluate", project_path, "--gold-coder", "gold", "--steps", "2", "--holdout", "1", "--reliability",
        "--format", "json",
    )  # fmt: skip
    assert bands.returncode == 0, bands.stderr
    # the held-out suggestions the model scored 0.1 or more, by band: each as the curve's ECE was computed
    records = json.loads(bands.stdout)
    assert records, "the model scored nothing 0.1 or more"
    assert list(records[0]) == list(RELIABILITY_HEADER)
    assert {r["step"] for r in records} <= {"2", "all"} and {r["splits"] for r in records} == {1}
    assert all(0 <= r["right"] <= 1 and r["suggestions"] > 0 for r in records)
    assert [r["scores"] for r in records if r["coded"] == 2] == sorted(
        r["scores"] for r in records if r["coded"] == 2
    )
    none = qualcode("evaluate", project_path, "--gold-coder", "gold", "--splits", "0")
    assert none.returncode == 2 and "Invalid value for '--splits'" in none.stderr


def test_evaluate_usage_and_user_errors(qualcode: Any, project_path: Path) -> None:
    bad_steps = qualcode("evaluate", project_path, "--gold-coder", "gold", "--steps", "ten")
    assert bad_steps.returncode == 2 and "comma-separated" in bad_steps.stderr
    for value, said in (
        ("10,,20", "'10,,20' has an empty item"),  # was taken as 10,20 without a word
        ("0", "'0': give positive numbers"),
        ("-5", "'-5': give positive numbers"),
        ("1_000", "'1_000' is not a comma-separated list of whole numbers"),  # int() took it as 1000
        ("", "is empty"),
    ):
        result = qualcode("evaluate", project_path, "--gold-coder", "gold", "--steps", value)
        assert result.returncode == 2 and f"Invalid value for '--steps': {said}" in result.stderr, (
            result.stderr
        )
    nobody = qualcode("evaluate", project_path, "--gold-coder", "nobody")
    assert nobody.returncode == 1
    assert "qualcode: error: 'nobody' has no codings in this project" in nobody.stderr


def test_bad_numbers_and_names_are_refused_before_any_work(qualcode: Any, project_path: Path) -> None:
    with Project.open(project_path) as project:
        for name in ("alpha", "beta"):
            for seg in project.segments(name)[1::2]:
                project.code(name, "Hope", coder="gold", start=seg.span.start, end=seg.span.end)
    for option, value in (
        ("--holdout", "nan"),
        ("--holdout", "inf"),
        ("--holdout", "1.5"),
        ("--threshold", "nan"),
    ):
        result = qualcode("evaluate", project_path, "--gold-coder", "gold", option, value)
        assert result.returncode == 2 and "Traceback" not in result.stderr, (option, value, result.stderr)
        assert f"Invalid value for {option}" in result.stderr.replace("'", "")
    too_many = qualcode("evaluate", project_path, "--gold-coder", "gold", "--holdout", "2")
    assert too_many.returncode == 1
    assert too_many.stderr.splitlines() == [
        "qualcode: error: 'gold' coded 2 transcripts; holding out 2 leaves none to learn from; hold out at most 1",
    ]
    nan_score = qualcode("suggest", project_path, "--min-score", "nan")
    assert nan_score.returncode == 2 and "is not a number from 0 to 1" in nan_score.stderr
    unknown = qualcode("suggest", project_path, "--code", "Nope", "--coder", "gold")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("qualcode: error: no code named 'Nope'")
    newcomer = qualcode("suggest", project_path, "--coder", "anaa", "--min-score", "0.3")
    assert newcomer.returncode == 0
    assert "'anaa' has no codings or decisions in this project" in newcomer.stderr


def test_output_over_the_project_file_is_refused_and_the_project_kept(
    qualcode: Any, project_path: Path
) -> None:
    size = project_path.stat().st_size
    for command in (("suggest",), ("codings",), ("evaluate", "--gold-coder", "nobody")):
        result = qualcode(command[0], project_path, *command[1:], "--format", "csv", "-o", project_path)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(
            f"qualcode: error: {project_path}: is a database (a qualcode project?)"
        )
    assert project_path.stat().st_size == size
    with Project.open(project_path) as project:
        assert [t.name for t in project.transcripts()] == ["alpha", "beta"]


def test_a_group_an_empty_project_name_and_nan_are_named_in_the_error(
    qualcode: Any, project_path: Path
) -> None:
    # A group gave an empty list (as if nothing had evidence); "" was reported as ".", not an SQLite file;
    # nan's message left the value out.
    group = qualcode("suggest", project_path, "--code", "team")
    assert group.returncode == 1 and "Traceback" not in group.stderr
    assert group.stderr.startswith(
        "qualcode: error: 'Team' is a group of codes; nothing is coded or suggested with a group itself; "
        "ask for its codes: --code 'Othered' --code 'Role clarity'"
    ), group.stderr
    empty = qualcode("suggest", "")
    assert empty.returncode == 2
    assert "Invalid value for 'PROJECT': is empty; give the project file, e.g. study.qualcode" in empty.stderr
    nan = qualcode("suggest", project_path, "--min-score", "nan")
    assert nan.returncode == 2 and "Invalid value for '--min-score': 'nan' is not a number" in nan.stderr


def test_suggest_on_a_project_without_codes_says_to_import_a_codebook(qualcode: Any, tmp_path: Path) -> None:
    # --uncertain listed segments with uncertainty 0.0 and no guesses, and the plain list was empty.
    assert qualcode("init", "bare.qualcode").returncode == 0
    for extra in ((), ("--uncertain", "2")):
        result = qualcode("suggest", "bare.qualcode", *extra)
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.splitlines() == [
            "qualcode: error: bare.qualcode: the codebook has no codes to suggest; "
            "import one first: qualcode codebook import bare.qualcode CODEBOOK.yaml"
        ]
