"""Who each speaker of a transcript is: a participant (a case) or a member of the research team.

Transcripts label speakers by name (Otter, Zoom) or by role (``Interviewer:``). A quote, a frequency by role
or a pseudonym is only true if each turn is credited to the right person, and the research team is never a
participant. Roles are decided here, as a pure function of the project's speakers and the user's rules:

1. the user's rule for that speaker in that transcript, then their rule for the label in every transcript;
2. a generic label: ``Interviewer``, ``Facilitator``, ``Note-taker`` (and their short forms) name the team,
   ``Participant``, ``Respondent``, ``P03`` name a participant;
3. a name that speaks in at least 2 of the study's transcripts, and in more of them than every other speaker
   of the transcript, is the interviewer: participants are interviewed once, the team in every interview;
4. otherwise a participant: the case linked to the transcript, unless a rule names another case.

Labels are compared without regard to case or repeated white space ("dana  SMITH" is "Dana Smith").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from qualcode.errors import InputError


class SpeakerRole(StrEnum):
    """What a speaker is in the study."""

    PARTICIPANT = "participant"
    INTERVIEWER = "interviewer"
    FACILITATOR = "facilitator"
    NOTE_TAKER = "note-taker"

    @property
    def is_team(self) -> bool:
        """Whether this role belongs to the research team (never a participant, never a case)."""
        return self is not SpeakerRole.PARTICIPANT

    @property
    def display_name(self) -> str:
        """The role as a quote's attribution writes it: "Interviewer", "Note-taker"."""
        return self.value.capitalize()


TEAM_ROLES = tuple(r for r in SpeakerRole if r.is_team)

_TEAM_LABELS: tuple[tuple[re.Pattern[str], SpeakerRole], ...] = (
    (re.compile(r"^(?:interviewer|researcher|int|iv|ir|i|q)\s*\d*$", re.IGNORECASE), SpeakerRole.INTERVIEWER),
    (re.compile(r"^(?:facilitator|moderator|mod|f)\s*\d*$", re.IGNORECASE), SpeakerRole.FACILITATOR),
    (re.compile(r"^(?:note[- ]?taker|scribe|observer)\s*\d*$", re.IGNORECASE), SpeakerRole.NOTE_TAKER),
)
# Labels that name a participant's part in the talk rather than a person: never taken for the team, even
# when present in every transcript (the "Client" of every counselling session is a different person).
_PARTICIPANT_LABELS = re.compile(
    r"^(?:participant|interviewee|respondent|client|patient|service user|user|therapist|counsell?or|"
    r"clinician|doctor|nurse|peer worker|seeker|responder|speaker|person|unknown|unidentified|audience|"
    r"p|r|a|[a-z]{1,3}\d+|speaker\s*[a-z])\s*\d*$",
    re.IGNORECASE,
)


def label_key(label: str) -> str:
    """A label as compared: case and repeated white space ignored."""
    return " ".join(label.split()).casefold()


def parse_role(value: str, where: str) -> SpeakerRole:
    """A role from what a user typed ("interviewer", "Note taker", "participant").

    Raises:
        InputError: naming ``where`` for anything else.
    """
    key = "-".join(value.strip().casefold().replace("_", " ").split())
    key = "note-taker" if key in ("notetaker", "note-taker") else key
    for role in SpeakerRole:
        if role.value == key:
            return role
    raise InputError(
        f"{where}: {value.strip()!r} is not a speaker role",
        "use participant, interviewer, facilitator or note-taker (or case:NAME for a participant's case)",
    )


@dataclass(frozen=True, slots=True)
class SpeakerRule:
    """A user's decision about a speaker: in one transcript, or (``transcript`` None) in every one."""

    label: str
    role: SpeakerRole
    transcript: str | None = None
    case: str | None = None  # for a participant: the case they are, when not the transcript's own


@dataclass(frozen=True, slots=True)
class Speaker:
    """One speaker of one transcript, as the project credits their words."""

    transcript: str
    label: str
    role: SpeakerRole
    case: str | None  # the participant's case; None for the research team
    reason: str  # why: "your rule", "generic label", "speaks in 5 of 6 transcripts", ...
    by_user: bool
    turns: int

    @property
    def is_team(self) -> bool:
        return self.role.is_team


def decide_speakers(
    appearances: Mapping[str, Sequence[tuple[str, int]]],
    cases: Mapping[str, str | None],
    rules: Iterable[SpeakerRule] = (),
) -> list[Speaker]:
    """Decide every speaker's role.

    Args:
        appearances: Transcript name -> its speaker labels with their number of turns (unlabelled turns,
            with an empty label, are left out).
        cases: Transcript name -> the case it is linked to (None: the transcript is its own case).
        rules: The user's decisions.

    Returns:
        One speaker per (transcript, label), in transcript then first-appearance order.
    """
    own: dict[tuple[str, str], SpeakerRule] = {}
    everywhere: dict[str, SpeakerRule] = {}
    for rule in rules:
        if rule.transcript is None:
            everywhere[label_key(rule.label)] = rule
        else:
            own[(rule.transcript, label_key(rule.label))] = rule
    with_speakers = [name for name, labels in appearances.items() if any(label for label, _ in labels)]
    present: dict[str, int] = {}
    for name in with_speakers:
        for key in {label_key(label) for label, _ in appearances[name] if label}:
            present[key] = present.get(key, 0) + 1
    total = len(with_speakers)
    out: list[Speaker] = []
    for name, labels in appearances.items():
        default_case = cases.get(name) or name
        others = [label_key(label) for label, _ in labels if label]
        for label, turns in labels:
            if not label:
                continue
            key = label_key(label)
            found = own.get((name, key)) or everywhere.get(key)
            if found is not None:
                rule = found
                where = (
                    "your rule for this transcript" if rule.transcript else "your rule for every transcript"
                )
                case = None if rule.role.is_team else (rule.case or default_case)
                out.append(Speaker(name, label, rule.role, case, where, True, turns))
                continue
            # Recurring more than anyone else here: a participant interviewed twice recurs as often as the
            # interviewer (then neither is taken), and one who recurs less is still the participant.
            # Role labels ("Participant", "Client") recur by nature and are no rivals, but they are someone.
            rest = [k for k in others if k != key]
            rivals = [present.get(k, 0) for k in rest if not _generic(k)]
            recurs = present.get(key, 0)
            above = recurs >= 2 and bool(rest) and all(recurs > r for r in rivals)
            role, reason = _detect(label, recurs if above else 0, total)
            out.append(
                Speaker(name, label, role, None if role.is_team else default_case, reason, False, turns)
            )
    return out


def _spellings_of_one(speakers: list[Speaker]) -> bool:
    """Whether the labels are slips of one name ("Participant", "Particpant"): one person, not two."""
    from difflib import SequenceMatcher

    first = label_key(speakers[0].label)
    return all(SequenceMatcher(None, first, label_key(s.label)).ratio() >= 0.85 for s in speakers[1:])


def _generic(key: str) -> bool:
    return any(pattern.match(key) for pattern, _ in _TEAM_LABELS) or bool(_PARTICIPANT_LABELS.match(key))


def _detect(label: str, recurs_above_the_others: int, total: int) -> tuple[SpeakerRole, str]:
    for pattern, role in _TEAM_LABELS:
        if pattern.match(label.strip()):
            return role, "a research-team label"
    if _PARTICIPANT_LABELS.match(label.strip()):
        return SpeakerRole.PARTICIPANT, "a participant label"
    if recurs_above_the_others:
        return SpeakerRole.INTERVIEWER, (
            f"speaks in {recurs_above_the_others} of {total} transcripts, more than the others here"
        )
    return SpeakerRole.PARTICIPANT, "the transcript's participant"


def speaker_doubts(speakers: Iterable[Speaker]) -> list[str]:
    """Transcripts whose speakers the detection could not tell apart, each with what to do.

    Two speakers credited to the transcript's own case (Therapist and Client, or an interviewer named only
    in this transcript), or a transcript whose every speaker is the research team, need the user's word.
    """
    by_transcript: dict[str, list[Speaker]] = {}
    for s in speakers:
        by_transcript.setdefault(s.transcript, []).append(s)
    doubts = []
    for name, found in by_transcript.items():
        shared = [s for s in found if not s.is_team and not s.by_user]
        if len({label_key(s.label) for s in shared}) > 1 and not _spellings_of_one(shared):
            doubts.append(
                f"{name}: {', '.join(s.label for s in shared)} are all credited to case {shared[0].case} by "
                "default; "
                f"if one of them interviews, say it: qualcode speakers PROJECT --set '{shared[0].label}=interviewer'"
            )
        elif found and all(s.is_team for s in found):
            doubts.append(
                f"{name}: every speaker is taken for the research team, so nothing here is a participant's; "
                "say who the participant is: qualcode speakers PROJECT --set 'NAME=participant'"
            )
    return doubts


def parse_assignment(text: str) -> tuple[str, SpeakerRole, str | None]:
    """``"Name=interviewer"``, ``"Name=participant"`` or ``"Name=case:P07"`` as (label, role, case).

    Raises:
        InputError: for a missing ``=``, an empty name or an unknown role.
    """
    label, sep, value = text.rpartition("=")
    if not sep or not label.strip() or not value.strip():
        raise InputError(
            f"--set {text!r}: expected NAME=ROLE",
            'e.g. --set "Sarah Jones=interviewer" or --set "Dana=case:P07"',
        )
    value = value.strip()
    if value.casefold().startswith("case:"):
        case = value[5:].strip()
        if not case:
            raise InputError(f"--set {text!r}: no case after 'case:'", 'e.g. --set "Dana=case:P07"')
        return label.strip(), SpeakerRole.PARTICIPANT, case
    return label.strip(), parse_role(value, f"--set {text!r}"), None


def team_labels(speakers: Iterable[Speaker]) -> dict[tuple[str, str], SpeakerRole]:
    """(transcript, label) -> role, for the research team's speakers only."""
    return {(s.transcript, s.label): s.role for s in speakers if s.is_team}
