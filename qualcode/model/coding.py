"""Codings, memos, cases and the event log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from qualcode.model.span import Span


class Origin(StrEnum):
    """How a coding came to be."""

    MANUAL = "manual"
    SUGGESTION = "suggestion"  # a suggestion a person accepted
    IMPORTED = "imported"
    CONSENSUS = "consensus"


@dataclass(frozen=True, slots=True)
class Coding:
    """A span of a transcript coded with a code by a coder."""

    id: int
    transcript: str
    span: Span
    code: str
    coder: str
    created_at: datetime
    origin: Origin = Origin.MANUAL
    text: str = ""
    # The coding's identity across projects (merging, exchange); "" where it was never stored.
    uuid: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class CodingFilter:
    """Which codings to list; empty fields do not filter."""

    transcripts: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    origins: tuple[Origin, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()  # (name, value) pairs, all must hold


class MemoTarget(StrEnum):
    """What a memo is attached to."""

    PROJECT = "project"
    TRANSCRIPT = "transcript"
    CODE = "code"
    CODING = "coding"


@dataclass(frozen=True, slots=True)
class Memo:
    """Free text attached to the project, a transcript, a code or a coding."""

    id: int
    target: MemoTarget
    target_name: str | None  # transcript or code name, or str(coding id); None for the project
    author: str
    text: str
    created_at: datetime
    updated_at: datetime
    uuid: str = field(default="", compare=False, repr=False)
    # The coding it is on is gone (deleted, not undone). Its id is never given to another coding, so the
    # memo keeps it, and is shown as on a removed coding rather than on none or on another.
    target_removed: bool = False

    @property
    def about(self) -> str:
        """What the memo is on, without the kind: "alpha", "12", "12 (removed)"; "" for the project."""
        if not self.target_name:
            return ""
        return f"{self.target_name} (removed)" if self.target_removed else self.target_name

    @property
    def label(self) -> str:
        """What the memo is on, as people read it: "project", "code Hope", "coding 12 (removed)"."""
        about = self.about
        return f"{self.target.value} {about}" if about else self.target.value


@dataclass(frozen=True, slots=True)
class Case:
    """A participant and what is known about them (role, site, ...)."""

    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    transcripts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only log of changes: who did what, when, with enough detail to undo it."""

    id: int
    at: datetime
    coder: str | None
    action: str
    payload: dict[str, Any]
