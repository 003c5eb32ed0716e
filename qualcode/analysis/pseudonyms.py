"""Pseudonymisation: speaker names become participant ids; person names in text are replaced.

Names come from three places: the project's name list (real name -> replacement), the speaker labels of
the transcripts (each becomes its participant's id, e.g. ``Dana`` -> ``P01``), and, only when a trained
spaCy pipeline with an entity recogniser is installed, PERSON entities it finds in the exported text.
Replacement is whole-word and ignores case; longer names go first, so "Dana Smith" wins over "Dana".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from qualcode.analysis.corpus import Corpus

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_REPLACEMENT = "[name]"
SHARED_SPEAKER = "[participant]"  # a speaker label used in several interviews for different people
# Labels that name a role in the interview, not a person: never treated as names.
_GENERIC_LABEL = re.compile(
    r"^(?:interviewer|interviewee|participant|respondent|facilitator|moderator|researcher|speaker|person|"
    r"unknown|unidentified|audience|int|iv|ir|i|p|r|q|a|[a-z]\d*|[a-z]{1,3}\d+|speaker\s*[a-z])"
    r"(?:\s*\d+)?$",
    re.IGNORECASE,
)
_TITLES = frozenset(
    (
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "nurse",
        "sister",
        "doctor",
        "sir",
        "dame",
        "rev",
    )
)
# Pretrained English pipelines, most accurate first, tried when the project names none.
TRAINED_PIPELINES = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")


def is_generic_label(label: str) -> bool:
    """Whether a speaker label names a role (Interviewer, Speaker 2) rather than a person."""
    return bool(_GENERIC_LABEL.match(label.strip()))


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Pseudonymiser:
    """Replaces known names in text, and speaker labels with participant ids.

    Attributes:
        replacements: Real name -> what to write instead (matched whole-word, ignoring case).
        speakers: (transcript, speaker label) -> participant id.
        notes: What was and was not done, for the user (e.g. that no NER pipeline is installed).
    """

    replacements: Mapping[str, str]
    speakers: Mapping[tuple[str, str], str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @cached_property
    def _lookup(self) -> dict[str, str]:
        return {
            _key(name): value or DEFAULT_REPLACEMENT
            for name, value in self.replacements.items()
            if name.strip()
        }

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        names = sorted(self._lookup, key=lambda n: (-len(n), n))
        if not names:
            return None
        # Whole words: no letter or digit either side (an underscore counts as a break: "dana_notes").
        alternatives = "|".join(r"\s+".join(re.escape(w) for w in n.split()) for n in names)
        return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)

    def _replace(self, match: re.Match[str]) -> str:
        return self._lookup.get(_key(match.group(0)), DEFAULT_REPLACEMENT)

    @property
    def names(self) -> list[str]:
        """The names this pseudonymiser replaces (lower case)."""
        return sorted(self._lookup)

    def text(self, value: str) -> str:
        """``value`` with every known name replaced."""
        pattern = self._pattern
        return pattern.sub(self._replace, value) if pattern is not None and value else value

    def speaker(self, transcript: str, label: str) -> str:
        """The participant id for a speaker label (generic labels such as Interviewer stay)."""
        return self.speakers.get((transcript, label)) or self.text(label)

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` with names replaced in every text cell and in the column labels."""
        from pandas.api.types import is_numeric_dtype

        out = frame.copy()
        for column in out.columns:
            if not is_numeric_dtype(out[column]):  # text, whether pandas keeps it as object or str
                out[column] = out[column].map(self._cell)
        out.columns = [self.text(str(c)) if isinstance(c, str) else c for c in out.columns]
        return out

    def _cell(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list | tuple):
            return [self._cell(v) for v in value]
        return value

    def with_names(self, names: Iterable[str], note: str | None = None) -> Pseudonymiser:
        """A pseudonymiser that also replaces ``names`` (those it does not know yet) with "[name]"."""
        extra = {n: DEFAULT_REPLACEMENT for n in names if _key(n) not in self._lookup and n.strip()}
        notes = (*self.notes, note) if note else self.notes
        return Pseudonymiser({**self.replacements, **extra}, self.speakers, notes)


def speaker_ids(corpus: Corpus, taken: Iterable[str] = ()) -> dict[tuple[str, str], str]:
    """Each (transcript, speaker label) that names a person, mapped to a pseudonym.

    A participant's is their case (``P01``); several participants of one case in a transcript get
    ``P01-1``, ``P01-2`` in order of first speaking. A case named like a person (found in ``taken`` or
    among the speakers) is not used: such a transcript's speakers become ``Participant N`` instead. A
    member of the research team named by name is one pseudonym across the whole project
    (``Interviewer 1``, ``Interviewer 2`` in order of first speaking), never a participant's.
    """
    taken_keys = {_key(n) for n in taken}
    speakers = corpus.turns[["tidx", "speaker"]].drop_duplicates()
    labels = {_key(s) for s in speakers["speaker"]}
    names = corpus.transcripts["transcript"].tolist()
    ids: dict[tuple[str, str], str] = {}
    per_case: dict[tuple[int, str], list[str]] = {}
    team: dict[str, list[tuple[str, str]]] = {}
    for tidx, label in zip(speakers["tidx"], speakers["speaker"], strict=True):
        who = corpus.speakers.get((names[tidx], label))
        if who is None or is_generic_label(label):
            continue
        if who.is_team:
            team.setdefault(f"{who.role.display_name}:{_key(label)}", []).append((names[tidx], label))
        elif _key(label) != _key(who.case or ""):
            per_case.setdefault((int(tidx), who.case or names[tidx]), []).append(label)
    for (tidx, case), people in per_case.items():
        if _key(case) in taken_keys or _key(case) in labels:
            case = f"Participant {tidx + 1}"
        for n, label in enumerate(people, start=1):
            ids[(names[tidx], label)] = case if len(people) == 1 else f"{case}-{n}"
    numbers: dict[str, int] = {}
    for key in team:  # in order of first speaking, transcript by transcript: not by the real names
        role = key.split(":", 1)[0]
        numbers[role] = numbers.get(role, 0) + 1
        for where in team[key]:
            ids[where] = f"{role} {numbers[role]}"
    return ids


def build_pseudonymiser(corpus: Corpus, names: Mapping[str, str]) -> Pseudonymiser:
    """The pseudonymiser for a corpus: the project's name list plus every speaker's name.

    A speaker's name is replaced in the text by that speaker's id when it names one person in the
    project, and by "[participant]" when different people share it; each word of a longer label
    ("Dana Smith": "Dana", "Smith") is replaced as well, titles ("Dr") aside.

    Args:
        corpus: The material (its turns give the speakers).
        names: The project's list: real name -> replacement ("" for the default "[name]").
    """
    explicit = {n: (r or DEFAULT_REPLACEMENT) for n, r in names.items() if n.strip()}
    speakers = speaker_ids(corpus, explicit)
    by_label: dict[str, set[str]] = {}
    for (_transcript, label), pid in speakers.items():
        by_label.setdefault(label, set()).add(pid)
        words = [w for w in re.split(r"[\s.]+", label) if len(w) > 1 and w.casefold() not in _TITLES]
        if len(words) > 1:
            for word in words:
                by_label.setdefault(word, set()).add(pid)
    replacements = dict(explicit)
    known = {_key(n) for n in explicit}
    for label, ids in sorted(by_label.items()):
        if _key(label) not in known:
            replacements[label] = next(iter(ids)) if len(ids) == 1 else SHARED_SPEAKER
            known.add(_key(label))
    return Pseudonymiser(replacements, speakers)


def trained_pipeline(preferred: str | None = None) -> str | None:
    """The name of an installed trained spaCy pipeline to find person names with, if there is one."""
    from importlib.util import find_spec

    candidates = [preferred] if preferred and not preferred.startswith("blank:") else []
    for name in [*candidates, *TRAINED_PIPELINES]:
        if name and find_spec(name) is not None:
            return name
    return None


def person_names(texts: Iterable[str], nlp: Any) -> set[str]:
    """PERSON entities that a spaCy pipeline with an entity recogniser finds in ``texts``.

    Args:
        texts: The text to look through.
        nlp: A loaded spaCy ``Language`` whose pipeline sets ``doc.ents``.
    """
    found: set[str] = set()
    for doc in nlp.pipe(texts, batch_size=64):
        for ent in doc.ents:
            if ent.label_ in ("PERSON", "PER"):
                name = re.sub(r"['’]s$", "", " ".join(ent.text.split()))
                if len(name) > 1:
                    found.add(name)
    return found


def load_ner(name: str) -> Any:
    """Load an installed spaCy pipeline with only what entity recognition needs."""
    import spacy

    nlp = spacy.load(name, exclude=["lemmatizer", "textcat", "textcat_multilabel", "parser", "senter"])
    return nlp if nlp.has_pipe("ner") else None
