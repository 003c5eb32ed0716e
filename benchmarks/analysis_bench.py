"""Analysis and report timings on a generated project of 1,000 transcripts with 100,000 codings.

Builds the project (or reuses one given with --project that already exists), then prints the time of
loading the analysis data, of each table (frequencies by code / role / transcript / coder, code-by-case
and code-by-role matrices, co-occurrence by segment / turn / overlap, quotes) and of the full HTML report,
and the peak memory (RSS high-water mark of this process).
Goal (issue 5): every table <= 1 s, the full HTML report <= 10 s.

    python benchmarks/analysis_bench.py [--transcripts 1000] [--codings 100000] [--project PATH]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qualcode.model import ParsedTranscript, Span, Turn
from qualcode.project import Project
from qualcode.store.repository import NewTranscript

REPO = Path(__file__).resolve().parents[1]
CODERS = ("ana", "ben", "chloe")
ROLES = ("Peer worker", "Team manager", "Clinician", "Psychiatrist", "Service user")
SITES = ("Site A", "Site B", "Site C")


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _interview(
    rng: random.Random, vocabulary: list[str], speaker: str, words: int
) -> tuple[str, list[Turn], list[tuple[int, int, int]]]:
    """Text, turns and segments (sentences) of one generated interview, offsets known as it is written."""
    text: list[str] = []
    turns: list[Turn] = []
    segments: list[tuple[int, int, int]] = []
    pos = 0
    written = 0
    while written < words:
        label = ("Interviewer", speaker)[len(turns) % 2] + ": "
        text.append(label)
        pos += len(label)
        start = pos
        for n in range(rng.randint(1, 5)):
            length = rng.randint(4, 20)
            first = rng.randrange(len(vocabulary) - length)
            sentence = " ".join(vocabulary[first : first + length]).rstrip(".?!,")
            sentence = sentence[:1].upper() + sentence[1:] + "."
            if n:
                text.append(" ")
                pos += 1
            segments.append((len(turns), pos, pos + len(sentence)))
            text.append(sentence)
            pos += len(sentence)
            written += length
        turns.append(Turn(len(turns), label[:-2], Span(start, pos)))
        text.append("\n\n")
        pos += 2
    return "".join(text), turns, segments


def build_project(path: Path, transcripts: int, codings: int, words: int, seed: int = 5) -> None:
    """Write a generated study straight through the repository: transcripts, attributes, codes, codings."""
    rng = random.Random(seed)
    vocabulary = " ".join(p.read_text() for p in sorted((REPO / "transcripts").glob("*.txt"))).split()
    speakers = [w for w in {w.strip(".,?!:") for w in vocabulary} if w.istitle() and len(w) > 3][:200]
    project = Project.init(path)
    project.import_codebook(REPO / "codebooks" / "peer-roles.yaml", "bench")
    segments_of: dict[str, list[tuple[int, int, int]]] = {}
    batch: list[NewTranscript] = []
    for i in range(transcripts):
        name = f"T{i:04d}"
        text, turns, segments = _interview(rng, vocabulary, rng.choice(speakers), words)
        parsed = ParsedTranscript(text, tuple(turns), "text")
        batch.append(NewTranscript(name, parsed, f"{name}-{seed}", f"{name}.txt", segments))
        segments_of[name] = segments
        if len(batch) == 100 or i == transcripts - 1:
            refused = [r for r in project.repo.add_transcripts(batch, "bench") if r is not None]
            assert not refused, refused
            batch = []
    with tempfile.TemporaryDirectory() as tmp:
        attributes = Path(tmp) / "participants.csv"
        with attributes.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["participant", "transcript", "role", "site", "employment_model"])
            for i in range(transcripts):
                writer.writerow(
                    [
                        f"P{i:04d}",
                        f"T{i:04d}",
                        rng.choice(ROLES),
                        rng.choice(SITES),
                        rng.choice(("NHS", "Peer-led")),
                    ]
                )
        project.load_attributes(attributes, "bench")
    codable = [c.name for c in project.codebook() if not c.group]
    rows = []
    names = sorted(segments_of)
    for _ in range(codings):
        name = rng.choice(names)
        segments = segments_of[name]
        first = rng.randrange(len(segments))
        last = min(len(segments) - 1, first + rng.choice((0, 0, 0, 1, 2)))
        start, end = segments[first][1], segments[last][2]
        if rng.random() < 0.3:  # a phrase inside the sentence rather than whole sentences
            end = start + max(1, (end - start) // 2)
        rows.append((name, start, end, rng.choice(codable), rng.choice(CODERS)))
    _bulk_codings(project, rows)
    for i in range(60):
        project.add_memo(f"Memo {i}: the team talk about the peer role again.", coder=rng.choice(CODERS))
    project.close()


def _bulk_codings(project: Project, rows: list[tuple[str, int, int, str, str]]) -> None:
    """Insert codings with one executemany.

    Repository.add_codings runs three statements per coding (about 3 ms each here, so 5 minutes for 100,000);
    a benchmark of the analyses needs the rows, not that path, so it writes them in one statement.
    """
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from qualcode.store import schema as t

    with project.repo.write("bench") as tx:
        conn = tx.conn
        transcripts = dict(conn.execute(select(t.transcripts.c.name, t.transcripts.c.id)).all())
        codes = dict(conn.execute(select(t.codes.c.name, t.codes.c.id)).all())
        coders = {}
        for name in CODERS:
            conn.execute(insert(t.coders).prefix_with("OR IGNORE").values(name=name))
            coders[name] = conn.execute(select(t.coders.c.id).where(t.coders.c.name == name)).scalar_one()
        now = datetime.now(UTC)
        seen = set()
        batch = []
        for transcript, start, end, code, coder in rows:
            key = (transcript, start, end, code, coder)
            if key in seen:
                continue
            seen.add(key)
            batch.append(
                {
                    "transcript_id": transcripts[transcript],
                    "code_id": codes[code],
                    "coder_id": coders[coder],
                    "start": start,
                    "end": end,
                    "origin": "manual",
                    "created_at": now,
                }
            )
        conn.execute(insert(t.codings), batch)


def timed(label: str, action: Callable[[], Any], goal: float | None = 1.0) -> Any:
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    verdict = "" if goal is None else ("  ok" if seconds <= goal else f"  OVER the {goal:g} s goal")
    rows = f" ({len(result):,} rows)" if hasattr(result, "__len__") and not isinstance(result, str) else ""
    print(f"{label:52} {seconds:7.3f} s{rows}{verdict}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=1500, help="words per generated transcript")
    parser.add_argument("--project", type=Path, help="reuse this project file, or build it here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.project or Path(tmp) / "bench.qualcode"
        if not path.exists():
            start = time.perf_counter()
            build_project(path, args.transcripts, args.codings, args.words)
            print(f"built {path} in {time.perf_counter() - start:.1f} s")
        run(path)
    print(f"peak RSS of the whole run: {peak_rss_mb():.0f} MB")


def run(path: Path) -> None:
    from qualcode import analysis
    from qualcode.formats.exports import EXPORT_FORMATS
    from qualcode.report import build_report

    with Project.open(path) as project:
        stats = project.stats()
        print(
            f"project: {stats['transcripts']:,} transcripts, {stats['words']:,} words, "
            f"{stats['segments']:,} segments, {stats['codings']:,} codings, {len(stats['codings_by_coder'])} coders"
        )
        corpus = timed(
            "load: Project.analysis_corpus (one bulk read of the store)", project.analysis_corpus, None
        )
        timed(
            "index words, segments, turns (once per load)",
            lambda: (corpus.word_bounds, corpus.units("segment"), corpus.units("turn"), corpus.code_ids),
            None,
        )
        timed("frequencies by code", lambda: analysis.frequencies(corpus))
        timed("frequencies by role", lambda: analysis.frequencies(corpus, by="role"))
        timed("frequencies by coder", lambda: analysis.frequencies(corpus, by="coder"))
        timed("frequencies by transcript", lambda: analysis.frequencies(corpus, by="transcript"))
        timed(
            "frequencies, filtered to one site",
            lambda: analysis.frequencies(corpus.subset(where=[("site", "Site A")])),
        )
        timed("matrix code x case (codings)", lambda: analysis.code_matrix(corpus, by="case"))
        timed("matrix code x role (cases)", lambda: analysis.code_matrix(corpus, by="role", measure="cases"))
        timed("co-occurrence, same segment", lambda: analysis.cooccurrence(corpus, unit="segment"))
        timed("co-occurrence, same turn", lambda: analysis.cooccurrence(corpus, unit="turn"))
        timed("co-occurrence, overlapping spans", lambda: analysis.cooccurrence(corpus, unit="overlap"))
        timed("co-occurrence matrix (segment)", lambda: analysis.cooccurrence_matrix(corpus))
        timed("quotes (all codings, with turn context)", lambda: analysis.quotes(corpus, context="turn"))
        print(f"peak RSS after the tables: {peak_rss_mb():.0f} MB")
        document = timed(
            "report: build from the loaded data", lambda: build_report(project, corpus=corpus)[0], None
        )
        timed("report: render HTML (charts drawn)", lambda: EXPORT_FORMATS["html"].render(document), None)
    with tempfile.TemporaryDirectory() as out:
        timed("full HTML report, from opening the project", lambda: _report(path, Path(out)), 10.0)


def _report(path: Path, folder: Path) -> Any:
    from qualcode.report import write_report

    with Project.open(path) as project:
        return write_report(project, folder / "report.html")


if __name__ == "__main__":
    main()
