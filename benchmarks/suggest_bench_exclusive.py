"""Retraining speed for an exclusive scheme (utterance types), with and without the meaning block.

The speed goal "retrain after a new coding in <= 1 s with 1,000 codings" (issue 4) is measured by
suggest_bench.py on a thematic codebook, where the meaning block is not used. This one takes AnnoMI's
utterance labels: a coder who has coded the expert's first 1,000 therapist utterances (in document order)
codes five more, one at a time, and the workbench's service retrains after each, as the workbench does.
The same run is made without the block (as if wordllama were not installed) in the same process, and
the ratio printed.

    python benchmarks/make_eval_projects.py --out eval --only annomi   # once
    python benchmarks/suggest_bench_exclusive.py eval/annomi.qualcode
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from statistics import median

from qualcode.project import Project
from qualcode.suggest import meaning
from qualcode.tui.suggestion_service import SuggestionService


def measure(source: Path, folder: Path, codings: int, gold: str) -> tuple[float, float]:
    """(first training, median retrain after a new coding) on a fresh copy of ``source``."""
    path = folder / "bench.qualcode"
    for old in folder.glob("bench.qualcode*"):
        old.unlink()
    shutil.copy(source, path)
    with Project.open(path) as project:
        ordered = sorted(project.codings(coders=(gold,)), key=lambda c: (c.transcript, c.span.start))
        for coding in ordered[:codings]:
            project.code(
                coding.transcript, coding.code, coder="bench", start=coding.span.start, end=coding.span.end
            )
    service = SuggestionService(path, "bench")
    started = time.perf_counter()
    service.retrain(lambda _progress: None)
    first = time.perf_counter() - started
    times = []
    for coding in ordered[codings : codings + 5]:
        with Project.open(path) as project:
            project.code(
                coding.transcript, coding.code, coder="bench", start=coding.span.start, end=coding.span.end
            )
        started = time.perf_counter()
        service.retrain(lambda _progress: None)
        times.append(time.perf_counter() - started)
    service.close()
    return first, median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="the AnnoMI evaluation project (make_eval_projects.py)")
    parser.add_argument("--codings", type=int, default=1000)
    parser.add_argument("--gold-coder", default="expert")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # A first run warms the process (imports, spaCy's tokenizer cache, the word vectors), so the two
        # measured runs start alike; its figures are not kept.
        measure(args.project, folder, args.codings, args.gold_coder)
        first, retrain = measure(args.project, folder, args.codings, args.gold_coder)
        package, meaning._PACKAGE = meaning._PACKAGE, "qualcode_bench_without_wordllama"
        try:
            first_without, retrain_without = measure(args.project, folder, args.codings, args.gold_coder)
        finally:
            meaning._PACKAGE = package
    print(f"exclusive scheme, {args.codings:,} codings, then one more at a time (workbench's service):")
    print(
        f"  first training (reads the transcripts)     {first:6.2f} s   without the meaning block {first_without:5.2f} s"
    )
    print(
        f"  retrain after a new coding, median of 5    {retrain:6.2f} s   without the meaning block "
        f"{retrain_without:5.2f} s   ratio {retrain / retrain_without:.1f}   (goal <= 1 s)"
    )


if __name__ == "__main__":
    main()
