"""The demo project: six fictional interviews about peer support workers, their attributes, the codebook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.project import Project

DEMO_CODER = "demo"


def demo_data_dir() -> Path:
    """Where the demo transcripts and codebooks are: inside an installed wheel, or in the source checkout."""
    package = Path(__file__).resolve().parent
    for root in (package / "_demo", package.parent):
        if (root / "transcripts" / "participants.csv").is_file() and (root / "codebooks").is_dir():
            return root
    raise QualcodeError(
        "the demo interviews are not installed with this copy of qualcode",
        "run qualcode demo from a source checkout (pip install -e .)",
    )


def build_demo(
    path: Path, *, fresh: bool = False, progress: Callable[[str], None] = lambda _m: None
) -> Project:
    """Open the demo project at ``path``, building it first if it does not exist (or ``fresh``)."""
    if path.exists() and not fresh:
        return Project.open(path)
    data = demo_data_dir()
    if fresh:
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    project = Project.init(path)
    try:
        progress(f"building {path} from {data}")
        project.import_codebook(data / "codebooks" / "peer-roles.yaml", DEMO_CODER)
        results = project.import_transcripts(sorted((data / "transcripts").glob("*.txt")), coder=DEMO_CODER)
        refused = [r for r in results if r.status == "refused"]
        if refused:
            raise QualcodeError(f"demo transcript refused: {refused[0].message}", "report this as a bug")
        project.load_attributes(data / "transcripts" / "participants.csv", DEMO_CODER)
    except BaseException:
        project.close()
        raise
    return project
