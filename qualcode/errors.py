"""Errors that users can act on: each carries a one-line message and a hint."""

from __future__ import annotations


class QualcodeError(Exception):
    """A problem the user can fix; the CLI prints it as one line (message; hint), exit status 1.

    Args:
        message: What went wrong, naming the file and position where there is one.
        hint: What to do about it.
    """

    def __init__(self, message: str, hint: str = "", problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems = problems or []  # every individual problem, one line each, where there are several

    def __str__(self) -> str:
        return self.message

    def one_line(self) -> str:
        """What went wrong, then what to do, on one line (as the command line prints it)."""
        return f"{self.message}; {self.hint}" if self.hint else self.message


class InputError(QualcodeError):
    """A file given to qualcode cannot be read as what it claims to be."""


class OutputError(QualcodeError):
    """A command's result cannot be written where it was asked to go (standard output closed or full)."""


class SpanError(QualcodeError):
    """A span is outside its transcript or empty."""


class NotFoundError(QualcodeError):
    """A named transcript, code, coder, memo or case does not exist."""


class UnknownCodeError(NotFoundError):
    """A code name is not in the codebook (it may have been renamed or removed since it was shown)."""


class ConflictError(QualcodeError):
    """The change would clash with what the project already holds."""


class ProjectFileError(QualcodeError):
    """The project file is missing, not a qualcode project, or from a newer qualcode."""


class ProjectBusyError(QualcodeError):
    """Another program kept the project locked for longer than qualcode waits; nothing was stored."""


class CodebookError(QualcodeError):
    """A codebook has problems; ``problems`` lists every one with its line."""
