"""Codings through the Project API: by quote or offsets, refusals, removal, and all-or-nothing CSV import."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.errors import ConflictError, InputError, NotFoundError, SpanError
from qualcode.model import Origin, Span
from qualcode.project import Project, locate_quote

ALPHA = (
    "Interviewer: How did you start? Tell me about it.\n"
    "Participant: I felt like an outsider. The team did not know what I was for. "
    "I felt like an outsider again.\n"
    "Interviewer: Thank you.\n"
)


def _summary(payload: dict[str, object]) -> dict[str, object]:
    """An event's payload without its row images (those are checked by the undo tests)."""
    return {k: v for k, v in payload.items() if k != "rows"}


def _stored(project_path: Path) -> list[tuple[str, int, int, str, str, str]]:
    with Project.open(project_path) as reopened:
        return [
            (c.transcript, c.span.start, c.span.end, c.code, c.coder, c.origin.value)
            for c in reopened.codings()
        ]


def test_code_by_quote_ignores_white_space(project: Project, project_path: Path) -> None:
    (coding,) = project.code("alpha", "othered", coder="ana", quote="  The team did\n  not   know ")
    assert (coding.span, coding.code, coding.coder, coding.text) == (
        Span(88, 109),
        "Othered",  # the stored spelling
        "ana",
        "The team did not know",
    )
    assert coding.origin is Origin.MANUAL
    project.close()
    assert _stored(project_path) == [("alpha", 88, 109, "Othered", "ana", "manual")]


def test_a_quote_across_turns_is_one_coding_per_speaker(project: Project) -> None:
    pieces = project.code("alpha", "Hope", coder="ana", quote="again. Interviewer: Thank")
    # The interviewer's label is not stored, and each coding is one speaker's words.
    assert [(c.span, c.text) for c in pieces] == [(Span(150, 156), "again."), (Span(170, 175), "Thank")]
    assert [e.action for e in project.events()].count("coding.add") == 1  # one change, one undo step
    project.undo("ana")
    assert project.codings() == []


def test_code_by_offsets(project: Project, project_path: Path) -> None:
    (coding,) = project.code("alpha", "Hope", coder="bo", start=63, end=87)
    assert coding.text == "I felt like an outsider."
    project.close()
    assert _stored(project_path) == [("alpha", 63, 87, "Hope", "bo", "manual")]


def test_an_ambiguous_quote_needs_an_occurrence(project: Project) -> None:
    with pytest.raises(InputError) as caught:
        project.code("alpha", "Othered", coder="ana", quote="felt like an outsider")
    assert caught.value.message == "transcript 'alpha': the quote appears 2 times: 'felt like an outsider'"
    (second,) = project.code("alpha", "Othered", coder="ana", quote="felt like an outsider", occurrence=2)
    assert second.span == Span(128, 149)
    with pytest.raises(InputError, match="occurrence 3 asked for, but the quote appears 2 times"):
        project.code("alpha", "Othered", coder="ana", quote="felt like an outsider", occurrence=3)
    assert len(project.codings()) == 1


def test_quote_not_found_and_empty_quote(project: Project) -> None:
    with pytest.raises(InputError) as caught:
        project.code("alpha", "Othered", coder="ana", quote="like a stranger")
    assert caught.value.message == "transcript 'alpha': quote not found in the transcript: 'like a stranger'"
    with pytest.raises(InputError, match="the quote is empty"):
        project.code("alpha", "Othered", coder="ana", quote="   ")
    assert project.codings() == []


def test_locate_quote_shortens_a_long_quote_in_messages() -> None:
    with pytest.raises(InputError) as caught:
        locate_quote(ALPHA, "one two three four five six seven eight nine ten", None, "here")
    assert caught.value.message == (
        "here: quote not found in the transcript: 'one two three four five six seven eight ...'"
    )


def test_a_span_past_the_end_or_empty_is_refused(project: Project) -> None:
    length = len(ALPHA)
    with pytest.raises(InputError) as caught:
        project.code("alpha", "Othered", coder="ana", start=170, end=length + 1)
    assert (
        caught.value.message == f"transcript 'alpha': span [170, {length + 1}) runs past its end ({length})"
    )
    with pytest.raises(SpanError, match=r"span \[20, 20\) is empty or negative"):
        project.code("alpha", "Othered", coder="ana", start=20, end=20)
    with pytest.raises(InputError, match="give a quote, or both start and end"):
        project.code("alpha", "Othered", coder="ana", start=20)
    (last,) = project.code("alpha", "Othered", coder="ana", start=length - 5, end=length)
    assert last.text == "you."  # the line end after the last turn's words is not speech
    assert len(project.codings()) == 1


def test_group_unknown_code_and_unknown_transcript_are_refused(project: Project) -> None:
    with pytest.raises(ConflictError) as caught:
        project.code("alpha", "Team", coder="ana", start=13, end=31)
    assert caught.value.message == "'Team' is a group of codes and cannot be applied"
    with pytest.raises(NotFoundError) as missing:
        project.code("alpha", "Stigma", coder="ana", start=13, end=31)
    assert missing.value.message == "no code named 'Stigma'"
    with pytest.raises(NotFoundError, match="no transcript named 'gamma'"):
        project.code("gamma", "Hope", coder="ana", start=0, end=5)
    assert project.codings() == []
    assert project.stats()["codes"] == 4  # nothing was created on the way


def test_the_same_coding_twice_is_stored_once(project: Project, project_path: Path) -> None:
    (first,) = project.code("alpha", "Hope", coder="ana", start=13, end=31)
    (again,) = project.code("alpha", "hope", coder="ana", quote="How did you start?")
    assert again.id == first.id
    (other_coder,) = project.code("alpha", "Hope", coder="bo", start=13, end=31)
    assert other_coder.id != first.id
    assert [e.action for e in project.events()].count("coding.add") == 2  # the repeat is not logged
    project.close()
    assert _stored(project_path) == [
        ("alpha", 13, 31, "Hope", "ana", "manual"),
        ("alpha", 13, 31, "Hope", "bo", "manual"),
    ]


def test_remove_a_coding(project: Project, project_path: Path) -> None:
    project.code("alpha", "Hope", coder="ana", start=13, end=31)
    project.code("alpha", "Hope", coder="bo", start=13, end=31)
    (removed,) = project.uncode("alpha", "Hope", coder="ana", quote="How did you start?")
    assert (removed.span, removed.coder) == (Span(13, 31), "ana")
    with pytest.raises(NotFoundError) as caught:
        project.uncode("alpha", "Hope", coder="ana", start=13, end=31)
    assert caught.value.message == "'ana' has no coding 'Hope' at [13, 31) in 'alpha'"
    project.close()
    assert _stored(project_path) == [("alpha", 13, 31, "Hope", "bo", "manual")]
    with Project.open(project_path) as reopened:
        event = reopened.events()[-1]
        assert (event.action, event.coder) == ("coding.remove", "ana")
        assert event.payload["codings"][0] | {"id": 0} == {
            "id": 0,
            "transcript": "alpha",
            "start": 13,
            "end": 31,
            "code": "Hope",
            "coder": "ana",
            "origin": "manual",
        }


def test_a_coding_event_holds_what_was_added(project: Project) -> None:
    (coding,) = project.code("beta", "Othered", coder="ana", quote="lonely")
    event = project.events()[-1]
    assert (event.action, event.coder) == ("coding.add", "ana")
    assert _summary(event.payload) == {
        "codings": [
            {
                "id": coding.id,
                "transcript": "beta",
                "start": 103,
                "end": 109,
                "code": "Othered",
                "coder": "ana",
                "origin": "manual",
            }
        ],
        "created_codes": [],
    }


# -- import-codings -------------------------------------------------------------------------------


def _csv(folder: Path, text: str) -> Path:
    path = folder / "codings.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_codings_by_offsets_and_by_quote_creates_unknown_codes(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    project.code("alpha", "Hope", coder="bo", start=13, end=31)
    source = _csv(
        tmp_path,
        "transcript,start,end,quote,occurrence,code,coder\n"
        "alpha,13,31,,,Hope,bo\n"  # already there
        "alpha,,,felt like an outsider,2,Loneliness,bo\n"
        "beta,,,It is lonely,,othered,\n"  # coder from the argument
        "beta,55,95,,,Lived experience,cy\n",
    )
    report = project.import_codings(source, coder="dee")
    assert (report.added, report.already_present, report.created_codes) == (
        3,
        1,
        ["Loneliness", "Lived experience"],
    )
    project.close()
    assert _stored(project_path) == [
        ("alpha", 13, 31, "Hope", "bo", "manual"),
        ("alpha", 128, 149, "Loneliness", "bo", "imported"),
        ("beta", 55, 95, "Lived experience", "cy", "imported"),
        ("beta", 97, 109, "Othered", "dee", "imported"),
    ]
    with Project.open(project_path) as reopened:
        assert [c.name for c in reopened.codebook()][-2:] == ["Loneliness", "Lived experience"]
        event = reopened.events()[-1]
        assert (event.action, event.coder, event.payload["source"]) == (
            "codings.import",
            "dee",
            "codings.csv",
        )
        assert event.payload["created_codes"] == ["Loneliness", "Lived experience"]
        assert len(event.payload["codings"]) == 3


def test_import_codings_with_bad_rows_stores_nothing_and_lists_every_row(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    source = _csv(
        tmp_path,
        "transcript,start,end,quote,code,coder\n"
        "alpha,13,31,,NewCode,ana\n"  # fine on its own
        "alpha,,,like a stranger,Hope,ana\n"
        "gamma,0,5,,Hope,ana\n"
        "alpha,abc,10,,Hope,ana\n"
        "\n"
        "alpha,0,9999,,Hope,ana\n"
        "alpha,,,felt like an outsider,Hope,ana\n"
        "beta,1,4,,,ana\n",
    )
    with pytest.raises(InputError) as caught:
        project.import_codings(source)
    assert caught.value.message == f"{source}: 6 of 7 rows cannot be placed; nothing was imported"
    assert caught.value.problems == [
        f"{source}:3: quote not found in the transcript: 'like a stranger'",
        f"{source}:4: no transcript named 'gamma'",
        f"{source}:5: start 'abc' is not a whole number",
        f"{source}:7: start/end [0, 9999) is not a span inside 'alpha' ({len(ALPHA)} characters)",
        f"{source}:8: the quote appears 2 times: 'felt like an outsider'",
        f"{source}:9: the code or the coder is empty",
    ]
    project.close()
    assert _stored(project_path) == []
    with Project.open(project_path) as reopened:
        assert reopened.codebook().get("NewCode") is None
        assert [e.action for e in reopened.events()].count("codings.import") == 0


def test_a_blank_coder_name_is_refused_and_nothing_is_stored(project: Project) -> None:
    # `qualcode code ... --coder "$WHO"` with WHO unset stored a coding "by " that no one could undo.
    events = len(project.events(1000))
    for blank in ("", "  "):
        with pytest.raises(InputError) as caught:
            project.code("alpha", "Hope", coder=blank, start=13, end=31)
        assert caught.value.one_line() == (
            "the coder's name is empty; say who is coding (--coder NAME, or $QUALCODE_CODER)"
        )
    with pytest.raises(InputError) as spaced:
        project.code("alpha", "Hope", coder=" ana", start=13, end=31)
    assert spaced.value.one_line() == "the coder's name ' ana' has spaces at its ends; use 'ana'"
    with pytest.raises(InputError, match="the coder's name is empty"):
        project.add_memo("a note", coder="")  # went past the check as ""
    assert project.codings() == [] and len(project.events(1000)) == events


def test_import_codings_needs_a_coder_and_the_columns(project: Project, tmp_path: Path) -> None:
    source = _csv(tmp_path, "transcript,start,end,code\nalpha,13,31,Hope\n")
    with pytest.raises(InputError) as caught:
        project.import_codings(source)
    assert caught.value.message == f"{source}:1: no 'coder' column"
    no_span = _csv(tmp_path, "transcript,code,coder\nalpha,Hope,ana\n")
    with pytest.raises(InputError, match=r"codings.csv:1: no 'start' or 'quote' column"):
        project.import_codings(no_span)
    assert project.codings() == []


def test_import_codings_refuses_a_group_code_without_storing_anything(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    source = _csv(tmp_path, "transcript,start,end,code,coder\nalpha,13,31,Hope,ana\nalpha,13,31,Team,ana\n")
    with pytest.raises(ConflictError, match="'Team' is a group of codes"):
        project.import_codings(source)
    project.close()
    assert _stored(project_path) == []
