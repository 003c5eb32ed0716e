"""qualcode: qualitative coding of interview transcripts in the terminal.

The public API is :class:`Project`; nothing heavy is imported here so ``qualcode --help`` starts at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Project", "__version__"]

if TYPE_CHECKING:
    from qualcode.project import Project


def __getattr__(name: str) -> Any:
    # Lazy, so `import qualcode` (and the CLI's --help) does not pay for SQLAlchemy.
    if name == "Project":
        from qualcode.project import Project

        return Project
    raise AttributeError(name)
