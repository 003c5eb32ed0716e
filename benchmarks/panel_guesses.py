"""What the workbench's panel lists in an interview the coder has not coded yet, and how much of it is right.

A coder copies the gold coder's codings in every interview but one, then opens that one: this prints how
many suggestions the panel lists at 0.2 or more, how many weak guesses (the best two, 0.05 to 0.2) it
lists where nothing reaches 0.2, and how many of each carry a code the gold coder gave an overlapping
span. Works on a copy; the project is not changed.

    python benchmarks/panel_guesses.py eval/pdpilot.qualcode --gold-coder authors --open P4 [--skip P7]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from qualcode.model import Suggestion
from qualcode.project import Project
from qualcode.tui.suggestion_service import SuggestionService

CODER = "bench"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--gold-coder", required=True)
    parser.add_argument("--open", dest="opened", required=True, help="the interview the coder opens")
    parser.add_argument("--skip", action="append", default=[], help="an interview left uncoded too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.qualcode"
        shutil.copyfile(args.project, path)
        with Project.open(path) as project:
            learned = [t.name for t in project.transcripts() if t.name not in {args.opened, *args.skip}]
            gold = project.codings(coders=(args.gold_coder,))
            for coding in gold:
                if coding.transcript in learned:
                    project.code(
                        coding.transcript,
                        coding.code,
                        coder=CODER,
                        start=coding.span.start,
                        end=coding.span.end,
                    )
            for name in learned:
                project.mark_read(CODER, name, [s.span for s in project.segments(name)])
        answers = {(c.span, c.code) for c in gold if c.transcript == args.opened}
        service = SuggestionService(path, CODER)
        try:
            started = time.perf_counter()
            service.retrain(lambda _progress: None)
            seconds = time.perf_counter() - started
            batch = service.batch(args.opened)
        finally:
            service.close()

    def right(found: tuple[Suggestion, ...]) -> int:
        return sum(
            1 for s in found if any(s.code == code and s.span.overlaps(span) for span, code in answers)
        )

    print(f"learned from {', '.join(learned)} ({len(gold)} gold codings in all; training {seconds:.1f} s)")
    print(
        f"{args.opened}: {len(batch.suggestions)} suggestions at 0.2 or more, {right(batch.suggestions)} right"
    )
    segments = len({s.span for s in batch.weak})
    print(f"{args.opened}: {len(batch.weak)} weak guesses on {segments} segments, {right(batch.weak)} right")


if __name__ == "__main__":
    main()
