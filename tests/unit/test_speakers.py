"""Speakers and their roles: the interviewer is a person with a name, and never a participant.

Interviews in the shape Otter.ai exports them: every speaker labelled by name, the interviewer (Sarah
Okafor) in every transcript, a different participant in each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode.analysis import codings_table
from qualcode.analysis.corpus import RESEARCH_TEAM
from qualcode.errors import InputError
from qualcode.model.speakers import SpeakerRole, SpeakerRule, decide_speakers, speaker_doubts
from qualcode.project import Project

INTERVIEWS = {
    "P01": ("Dana Whitfield", "I felt like an outsider in the team meetings."),
    "P02": ("Marcus Bell", "Nobody told the nurses what a peer worker was for."),
    "P03": ("Helen Osei", "My manager protected time for supervision every week."),
}
SARAH = "Thanks for joining me today. Tell me how you came to the role of peer worker."


def otter(participant: str, answer: str) -> str:
    return (
        f"Sarah Okafor  0:03\n{SARAH}\n\n"
        f"{participant}  0:15\n{answer} It took a while to settle in.\n\n"
        f"Sarah Okafor  1:02\nWhat made the difference in the end?\n\n"
        f"{participant}  1:09\nHaving another peer worker to talk to.\n"
    )


@pytest.fixture
def study(tmp_path: Path) -> Project:
    for name, (who, answer) in INTERVIEWS.items():
        (tmp_path / f"{name}.txt").write_text(otter(who, answer), encoding="utf-8")
    (tmp_path / "participants.csv").write_text(
        "participant,transcript,role,site\nP01,P01,Peer worker,Site A\nP02,P02,Peer worker,Site B\n"
        "P03,P03,Team manager,Site B\n",
        encoding="utf-8",
    )
    project = Project.init(tmp_path / "study.qualcode")
    results = project.import_transcripts(sorted(tmp_path.glob("P0*.txt")), coder="setup")
    assert [r.status for r in results] == ["imported"] * 3, results
    project.load_attributes(tmp_path / "participants.csv", "setup")
    project.import_codebook(_codebook(tmp_path), "setup")
    return project


def _codebook(folder: Path) -> Path:
    path = folder / "codebook.yaml"
    path.write_text(
        "name: t\nversion: 1\ncodes:\n  - name: Othered\n  - name: Becoming a peer worker\n", encoding="utf-8"
    )
    return path


def test_a_name_in_every_interview_is_the_interviewer_and_each_participant_is_their_case(
    study: Project,
) -> None:
    found = {(s.transcript, s.label): s for s in study.speakers()}
    assert len(found) == 6
    for name, (who, _) in INTERVIEWS.items():
        sarah = found[(name, "Sarah Okafor")]
        assert (sarah.role, sarah.case, sarah.by_user) == (SpeakerRole.INTERVIEWER, None, False)
        assert sarah.reason == "speaks in 3 of 3 transcripts, more than the others here"
        participant = found[(name, who)]
        assert (participant.role, participant.case) == (SpeakerRole.PARTICIPANT, name)


def test_the_interviewers_words_are_never_quoted_as_the_participants(study: Project) -> None:
    study.code("P03", "Becoming a peer worker", coder="ana", quote=SARAH)
    study.code("P03", "Othered", coder="ana", quote="My manager protected time for supervision every week.")
    quotes = study.quotes().set_index("code")
    sarah = quotes.loc["Becoming a peer worker"]
    assert (sarah["speaker"], sarah["case"]) == ("Sarah Okafor", "")
    assert sarah["attribution"] == "Interviewer, speaking with Team manager, Site B"
    helen = quotes.loc["Othered"]
    assert (helen["speaker"], helen["case"], helen["attribution"]) == (
        "Helen Osei",
        "P03",
        "Team manager, Site B",
    )
    table = codings_table(study.analysis_corpus()).set_index("code")
    assert table.loc["Becoming a peer worker", ["case", "speaker", "speaker_role"]].tolist() == [
        "", "Sarah Okafor", "interviewer",
    ]  # fmt: skip
    assert table.loc["Othered", ["case", "speaker_role"]].tolist() == ["P03", "participant"]


def test_frequencies_by_attribute_credit_the_research_team_not_the_case(study: Project) -> None:
    study.code("P01", "Othered", coder="ana", quote="I felt like an outsider in the team meetings.")
    study.code("P02", "Othered", coder="ana", quote="What made the difference in the end?")
    by_role = study.frequencies(by="role").set_index(["code", "role"])
    assert by_role.loc[("Othered", "Peer worker"), "codings"] == 1
    assert by_role.loc[("Othered", "Peer worker"), "cases"] == 1
    assert by_role.loc[("Othered", RESEARCH_TEAM), "codings"] == 1
    assert by_role.loc[("Othered", RESEARCH_TEAM), "cases"] == 0
    assert list(study.frequencies(by="role")["role"].unique()) == [
        "Peer worker", "Team manager", RESEARCH_TEAM,
    ]  # fmt: skip
    overall = study.frequencies().set_index("code")
    assert overall.loc["Othered", "codings"] == 2
    assert overall.loc["Othered", "cases"] == 1  # the interviewer's question counts for no participant
    # Filtering by an attribute keeps that attribute's participants' words only.
    peer = study.frequencies(attributes=[("role", "Peer worker")]).set_index("code")
    assert peer.loc["Othered", "codings"] == 1


def test_pseudonyms_give_the_interviewer_one_name_across_the_project(study: Project) -> None:
    for name in INTERVIEWS:
        study.code(name, "Becoming a peer worker", coder="ana", quote=SARAH)
    corpus = study.analysis_corpus()
    pseudonymiser = study.pseudonymiser(corpus)
    for name, (who, _) in INTERVIEWS.items():
        assert pseudonymiser.speaker(name, "Sarah Okafor") == "Interviewer 1"
        assert pseudonymiser.speaker(name, who) == name
    assert pseudonymiser.text("Sarah Okafor asked Dana Whitfield") == "Interviewer 1 asked P01"


def test_set_speakers_corrects_a_role_undoably_and_survives_reopening(study: Project, tmp_path: Path) -> None:
    changed = study.set_speakers(["helen osei=note-taker"], transcript="P03", coder="ana")
    assert [(s.transcript, s.label, s.role) for s in changed] == [
        ("P03", "Helen Osei", SpeakerRole.NOTE_TAKER)
    ]
    study.close()
    reopened = Project.open(tmp_path / "study.qualcode")
    helen = next(s for s in reopened.speakers(["P03"]) if s.label == "Helen Osei")
    assert (helen.role, helen.by_user, helen.reason) == (
        SpeakerRole.NOTE_TAKER,
        True,
        "your rule for this transcript",
    )
    event = reopened.undo("ana")
    assert event is not None and event.action == "speaker.set"
    helen = next(s for s in reopened.speakers(["P03"]) if s.label == "Helen Osei")
    assert (helen.role, helen.case) == (SpeakerRole.PARTICIPANT, "P03")


def test_set_speakers_refuses_a_name_that_does_not_speak(study: Project) -> None:
    with pytest.raises(InputError, match="no speaker 'Sara Okafor' in transcript 'P01'"):
        study.set_speakers(["Sara Okafor=interviewer"], transcript="P01", coder="ana")
    with pytest.raises(InputError, match="is not a speaker role"):
        study.set_speakers(["Sarah Okafor=boss"], coder="ana")


def test_one_transcript_alone_cannot_tell_so_the_user_says_it() -> None:
    decided = decide_speakers({"P01": [("Sarah Okafor", 2), ("Dana", 2)]}, {"P01": "P01"})
    assert [s.role for s in decided] == [SpeakerRole.PARTICIPANT, SpeakerRole.PARTICIPANT]
    ruled = decide_speakers(
        {"P01": [("Sarah Okafor", 2), ("Dana", 2)]},
        {"P01": "P01"},
        [SpeakerRule("sarah  OKAFOR", SpeakerRole.INTERVIEWER)],
    )
    assert [(s.role, s.case, s.reason) for s in ruled] == [
        (SpeakerRole.INTERVIEWER, None, "your rule for every transcript"),
        (SpeakerRole.PARTICIPANT, "P01", "the transcript's participant"),
    ]


def test_counselling_roles_in_every_transcript_stay_participants() -> None:
    # AnnoMI: "Therapist" and "Client" speak in every session; they are the material, not the team.
    decided = decide_speakers(
        {f"T{i}": [("Therapist", 5), ("Client", 5)] for i in range(4)}, {f"T{i}": None for i in range(4)}
    )
    assert {s.role for s in decided} == {SpeakerRole.PARTICIPANT}
    assert decided[0].case == "T0"


def test_attributes_csv_names_the_interviewer(tmp_path: Path) -> None:
    (tmp_path / "P01.txt").write_text(otter("Dana Whitfield", "I felt like an outsider."), encoding="utf-8")
    (tmp_path / "people.csv").write_text(
        "participant,transcript,speaker,speaker_role,role\n"
        "P01,P01,Dana Whitfield,,Peer worker\n"
        ",,Sarah Okafor,interviewer,\n",
        encoding="utf-8",
    )
    with Project.init(tmp_path / "one.qualcode") as project:
        project.import_transcripts([tmp_path / "P01.txt"], coder="setup")
        report = project.load_attributes(tmp_path / "people.csv", "setup")
        assert report.cases == ["P01"]
        roles = {s.label: (s.role, s.case) for s in project.speakers()}
        assert roles == {
            "Sarah Okafor": (SpeakerRole.INTERVIEWER, None),
            "Dana Whitfield": (SpeakerRole.PARTICIPANT, "P01"),
        }


def test_speakers_command_lists_sets_and_import_reports(tmp_path: Path, qualcode) -> None:  # type: ignore[no-untyped-def]
    for name, (who, answer) in INTERVIEWS.items():
        (tmp_path / f"{name}.txt").write_text(otter(who, answer), encoding="utf-8")
    assert qualcode("init", "s.qualcode").returncode == 0
    imported = qualcode("import", "s.qualcode", "P01.txt", "P02.txt", "P03.txt")
    assert imported.returncode == 0, imported.stderr
    assert (
        "  P02: Sarah Okafor -> research team (interviewer) (speaks in 3 of 3 transcripts, more than the others here)"
        in imported.stdout
    )
    assert "  P02: Marcus Bell -> participant, case P02 (the transcript's participant)" in imported.stdout
    listed = qualcode("speakers", "s.qualcode", "--transcript", "P01", "--format", "json")
    assert json.loads(listed.stdout) == [
        {"transcript": "P01", "speaker": "Sarah Okafor", "role": "interviewer", "case": "", "turns": 2,
         "why": "speaks in 3 of 3 transcripts, more than the others here"},
        {"transcript": "P01", "speaker": "Dana Whitfield", "role": "participant", "case": "P01", "turns": 2,
         "why": "the transcript's participant"},
    ]  # fmt: skip
    unknown = qualcode("speakers", "s.qualcode", "--set", "Dana Whitfield=case:P09")
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert "no case named 'P09'" in unknown.stderr
    set_ = qualcode("speakers", "s.qualcode", "--set", "Dana Whitfield=case:P02")
    assert set_.returncode == 0, set_.stderr
    assert set_.stdout == "P01: Dana Whitfield is now participant, case P02\n"
    bad = qualcode("speakers", "s.qualcode", "--set", "Dana Whitfield")
    assert bad.returncode == 1
    assert "expected NAME=ROLE" in bad.stderr


def test_a_participant_interviewed_twice_is_not_taken_for_the_team_and_the_doubt_is_said() -> None:
    # Two waves of one participant: Sarah and Dana both speak in 2 of 2 transcripts.
    decided = decide_speakers(
        {"wave1": [("Sarah Okafor", 4), ("Dana", 4)], "wave2": [("Sarah Okafor", 3), ("Dana", 3)]},
        {"wave1": "P01", "wave2": "P01"},
    )
    assert {s.role for s in decided} == {SpeakerRole.PARTICIPANT}
    assert speaker_doubts(decided) == [
        "wave1: Sarah Okafor, Dana are all credited to case P01 by default; if one of them interviews, say it: "
        "qualcode speakers PROJECT --set 'Sarah Okafor=interviewer'",
        "wave2: Sarah Okafor, Dana are all credited to case P01 by default; if one of them interviews, say it: "
        "qualcode speakers PROJECT --set 'Sarah Okafor=interviewer'",
    ]


def test_two_interviewers_sharing_a_study_are_each_found() -> None:
    # Dan interviews P1 to P3, Amy P4 to P6: each in 3 of 6 transcripts, each participant in one.
    appearances = {f"P{i}": [("Dan" if i <= 3 else "Amy", 3), (f"Person {i}", 3)] for i in range(1, 7)}
    decided = decide_speakers(appearances, {name: name for name in appearances})
    roles = {(s.transcript, s.label): (s.role, s.case) for s in decided}
    assert roles[("P2", "Dan")] == (SpeakerRole.INTERVIEWER, None)
    assert roles[("P5", "Amy")] == (SpeakerRole.INTERVIEWER, None)
    assert roles[("P5", "Person 5")] == (SpeakerRole.PARTICIPANT, "P5")
    assert speaker_doubts(decided) == []


def test_a_generic_participant_label_beside_a_name_is_a_doubt() -> None:
    decided = decide_speakers({"P1": [("Dan", 5), ("Participant", 5)]}, {"P1": "P1"})
    assert [s.role for s in decided] == [SpeakerRole.PARTICIPANT, SpeakerRole.PARTICIPANT]
    assert len(speaker_doubts(decided)) == 1


FOCUS_GROUP = (
    "Moderator: Welcome, everyone. What does a peer worker do here?\n"
    "Dana: I sit in on the ward round and speak for the patient.\n"
    "Lee: As a clinician I lean on her for that.\n"
    "Mo: I came to the group through her.\n"
    "Moderator: Thank you. Anything else?\n"
    "Dana: The handover is where I feel left out.\n"
    "Lee: We could change that.\n"
    "Mo: I agree.\n"
)


@pytest.fixture
def focus_group(tmp_path: Path) -> Project:
    (tmp_path / "FG1.txt").write_text(FOCUS_GROUP, encoding="utf-8")
    (tmp_path / "att.csv").write_text(
        "participant,transcript,speaker,speaker_role,role,site\n"
        "P01,FG1,Dana,,Peer worker,Site A\nP02,FG1,Lee,,Clinician,\nP03,FG1,Mo,,,Site B\n",
        encoding="utf-8",
    )
    project = Project.init(tmp_path / "fg.qualcode")
    project.import_transcripts([tmp_path / "FG1.txt"], coder="setup")
    project.load_attributes(tmp_path / "att.csv", "setup")
    project.import_codebook(_codebook(tmp_path), "setup")
    for quote in (
        "The handover is where I feel left out.",
        "We could change that.",
        "I agree.",
        "Anything else?",
    ):
        project.code("FG1", "Othered", coder="ana", quote=quote)
    return project


def test_a_focus_group_credits_each_participant_their_own_case(focus_group: Project) -> None:
    roles = {s.label: (s.role, s.case) for s in focus_group.speakers()}
    assert roles == {
        "Moderator": (SpeakerRole.FACILITATOR, None),
        "Dana": (SpeakerRole.PARTICIPANT, "P01"),
        "Lee": (SpeakerRole.PARTICIPANT, "P02"),
        "Mo": (SpeakerRole.PARTICIPANT, "P03"),
    }
    assert [t.case for t in focus_group.transcripts()] == [None]  # three participants: linked to none of them
    quotes = focus_group.quotes().set_index("speaker")
    assert quotes.loc["Dana", ["case", "attribution"]].tolist() == ["P01", "Peer worker, Site A"]
    assert quotes.loc["Lee", ["case", "attribution"]].tolist() == ["P02", "Clinician"]  # no site: no KeyError
    assert quotes.loc["Mo", ["case", "attribution"]].tolist() == ["P03", "Site B"]
    assert quotes.loc["Moderator", ["case", "attribution"]].tolist() == ["", "Facilitator, speaking with FG1"]
    overall = focus_group.frequencies().set_index("code")
    assert overall.loc["Othered", ["codings", "cases", "cases_total", "cases_share"]].tolist() == [
        4,
        3,
        3,
        1.0,
    ]
    by_role = focus_group.frequencies(by="role").set_index(["code", "role"])
    assert by_role.loc[("Othered", "Clinician"), ["codings", "cases", "cases_total"]].tolist() == [1, 1, 1]
    assert by_role.loc[("Othered", "(not set)"), ["codings", "cases", "cases_total"]].tolist() == [1, 1, 1]
    assert by_role.loc[("Othered", RESEARCH_TEAM), ["codings", "cases", "cases_total"]].tolist() == [1, 0, 0]
    clinicians = focus_group.codings(attributes=(("role", "Clinician"),))
    assert [c.text for c in clinicians] == ["We could change that."]
    site_a = focus_group.frequencies(attributes=[("site", "Site A")]).set_index("code")
    assert site_a.loc["Othered", ["codings", "cases", "cases_total"]].tolist() == [1, 1, 1]


def test_attributes_csv_refuses_speaker_rows_that_cannot_be_right(tmp_path: Path) -> None:
    (tmp_path / "FG1.txt").write_text(FOCUS_GROUP, encoding="utf-8")
    with Project.init(tmp_path / "fg.qualcode") as project:
        project.import_transcripts([tmp_path / "FG1.txt"], coder="setup")
        cases = {
            "typo.csv": ("participant,transcript,speaker,role\nP01,FG7,Dana,Peer worker\n", "no transcript named 'FG7'"),
            "nobody.csv": ("participant,transcript,speaker,role\nP01,FG1,Dana Smith,Peer worker\n", "no speaker 'Dana Smith'"),
            "both.csv": (
                "participant,transcript,speaker,speaker_role,role\nP01,FG1,Dana,interviewer,Peer worker\n",
                "is both participant 'P01' and interviewer",
            ),
        }  # fmt: skip
        for name, (text, message) in cases.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
            with pytest.raises(InputError, match=message) as caught:
                project.load_attributes(tmp_path / name, "setup")
            assert f"{name}:2:" in caught.value.message
        assert project.cases() == []  # nothing half-written
        assert {s.case for s in project.speakers() if not s.is_team} == {"FG1"}


def test_a_name_beside_a_generic_participant_label_in_every_transcript_is_the_interviewer() -> None:
    # PDPilot's shape: "Dan" interviews and the interviewee is "Participant" in each of seven transcripts.
    appearances = {f"P{i}": [("Dan", 20), ("Participant", 20)] for i in range(1, 8)}
    decided = decide_speakers(appearances, {name: name for name in appearances})
    assert {(s.label, s.role) for s in decided} == {
        ("Dan", SpeakerRole.INTERVIEWER),
        ("Participant", SpeakerRole.PARTICIPANT),
    }
    assert speaker_doubts(decided) == []


def test_a_typo_of_the_participants_label_is_no_doubt() -> None:
    decided = decide_speakers(
        {"P4": [("Dan", 9), ("Participant", 9)], "P5": [("Dan", 9), ("Participant", 8), ("Particpant", 1)]},
        {"P4": "P4", "P5": "P5"},
    )
    assert [(s.label, s.case) for s in decided if not s.is_team] == [
        ("Participant", "P4"), ("Participant", "P5"), ("Particpant", "P5"),
    ]  # fmt: skip
    assert speaker_doubts(decided) == []
