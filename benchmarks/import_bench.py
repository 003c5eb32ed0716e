"""Import throughput and memory: AnnoMI's 133 transcripts and a generated corpus of about a million words.

Prints words per second, peak memory (RSS high-water mark of this process), and the ratio of import
throughput to spaCy's own blank tokenizer + sentencizer on the same turns in the same run.
Goal (issue 2): ratio >= 0.5, peak memory < 500 MB for the million words.

    python benchmarks/import_bench.py [--words 1000000] [--annomi PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from qualcode.formats import parse_transcript
from qualcode.project import Project
from qualcode.suggest.pipeline import load_pipeline

REPO = Path(__file__).resolve().parents[1]
ANNOMI = REPO.parent / "shared" / "data" / "annomi" / "derived" / "txt"
SPEAKERS = ("Interviewer", "Participant")


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_corpus(folder: Path, total_words: int, words_per_file: int = 2500, seed: int = 7) -> list[Path]:
    """Write interview-like transcripts built from the demo interviews' vocabulary and sentence lengths."""
    rng = random.Random(seed)
    vocabulary = " ".join(p.read_text() for p in sorted((REPO / "transcripts").glob("*.txt"))).split()
    paths: list[Path] = []
    written = 0
    while written < total_words:
        turns = []
        file_words = 0
        speaker = 0
        while file_words < words_per_file:
            sentences = []
            for _ in range(rng.randint(1, 6)):
                length = rng.randint(4, 25)
                start = rng.randrange(len(vocabulary) - length)
                sentence = " ".join(vocabulary[start : start + length]).rstrip(".?!,")
                sentences.append(sentence[:1].upper() + sentence[1:] + rng.choice(".?."))
                file_words += length
            turns.append(f"{SPEAKERS[speaker]}: {' '.join(sentences)}")
            speaker = 1 - speaker
        path = folder / f"gen_{len(paths):05d}.txt"
        path.write_text("\n\n".join(turns) + "\n", encoding="utf-8")
        paths.append(path)
        written += file_words
    return paths


def spacy_reference(paths: list[Path]) -> tuple[float, int, float]:
    """Seconds for spaCy's blank tokenizer + sentencizer over the same turn texts; their word count; CPU s."""
    load_pipeline.cache_clear()  # a fresh pipeline: the tokenizer's cache must not be warm from the import
    nlp = load_pipeline()
    texts = []
    for path in paths:
        parsed = parse_transcript(path, path.read_bytes())
        texts.extend(turn.span.of(parsed.text) for turn in parsed.turns)
    words = sum(len(t.split()) for t in texts)
    start, cpu = time.perf_counter(), time.process_time()
    for doc in nlp.pipe(texts, batch_size=256):
        for _ in doc.sents:
            pass
    return time.perf_counter() - start, words, time.process_time() - cpu


def import_once(paths: list[Path]) -> tuple[float, int, int, int, float]:
    """Seconds to import ``paths`` into a fresh project with a fresh pipeline; files, words, segments, CPU s."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.init(Path(tmp) / "bench.qualcode")
        load_pipeline.cache_clear()
        load_pipeline()  # both sides start with a freshly loaded pipeline
        start, cpu = time.perf_counter(), time.process_time()
        results = project.import_transcripts(paths, coder="bench")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        project.close()
    imported = [r for r in results if r.status == "imported"]
    words = sum(r.words for r in imported)
    return seconds, len(imported), words, sum(r.segments for r in imported), cpu


def run_import(paths: list[Path], label: str, repeats: int) -> None:
    """Import and reference, interleaved ``repeats`` times; the fastest run of each is compared.

    On a shared machine a run's time swings by a third; the minimum is the least disturbed estimate of
    each side's own cost, and interleaving gives both sides the same conditions.
    """
    imports, references = [], []
    load_before = os.getloadavg()[0]
    for _ in range(repeats):
        imports.append(import_once(paths))
        references.append(spacy_reference(paths))
    seconds, imported, words, segments, _cpu = min(imports)
    ref_seconds, ref_words, _ref_cpu = min(references)
    cpu, ref_cpu = min(run[4] for run in imports), min(run[2] for run in references)
    import_rate = words / seconds
    ref_rate = ref_words / ref_seconds
    spread = ", ".join(f"{run[0]:.2f}" for run in imports)
    ref_spread = ", ".join(f"{run[0]:.2f}" for run in references)
    print(f"[{label}] files={len(paths)} imported={imported} words={words:,} segments={segments:,}")
    print(f"[{label}] import: best {seconds:.2f} s of [{spread}], {import_rate:,.0f} words/s")
    print(
        f"[{label}] spaCy tokenizer+sentencizer: best {ref_seconds:.2f} s of [{ref_spread}], {ref_rate:,.0f} words/s"
    )
    print(f"[{label}] ratio import/spaCy throughput: {import_rate / ref_rate:.2f} (goal >= 0.5)")
    # The import counts every word of its files, speaker labels too; spaCy's side the words of the turns
    # only. On the same text the ratio of seconds is the like-for-like figure.
    print(
        f"[{label}] ratio spaCy seconds/import seconds: {ref_seconds / seconds:.2f} "
        f"(words counted: import {words:,}, spaCy {ref_words:,})"
    )
    # CPU time of this process is steadier than wall time when other work shares the cores; it leaves out
    # the import's waits for the disk (synchronous=FULL), so it flatters the import a little.
    print(
        f"[{label}] ratio by CPU time (spaCy CPU s / import CPU s): {ref_cpu / cpu:.2f} "
        f"({ref_cpu:.2f} s / {cpu:.2f} s)"
    )
    print(f"[{label}] peak RSS so far: {peak_rss_mb():.0f} MB")
    # Other work on the machine slows both sides, not always alike: the load says how much to trust a run.
    print(f"[{label}] load average (1 min) before and after: {load_before:.2f}, {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=1_000_000, help="size of the generated corpus")
    parser.add_argument("--annomi", type=Path, default=ANNOMI, help="folder of AnnoMI .txt transcripts")
    parser.add_argument(
        "--repeats", type=int, default=3, help="interleaved runs of each side; the best counts"
    )
    args = parser.parse_args()
    if args.annomi.is_dir():
        run_import(sorted(args.annomi.glob("*.txt")), "annomi", args.repeats)
    else:
        print(f"[annomi] skipped: {args.annomi} not found", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate_corpus(Path(tmp), args.words)
        run_import(paths, "generated", args.repeats)
    print(f"peak RSS of the whole run: {peak_rss_mb():.0f} MB (goal < 500 MB for the million words)")


if __name__ == "__main__":
    main()
