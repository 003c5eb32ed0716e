"""Build the suggestion-evaluation projects from ../shared/data (AnnoMI, PDPilot, EPITOME).

    .venv/bin/python benchmarks/make_eval_projects.py [--out eval] [--only annomi,pdpilot,epitome]

Each project holds the transcripts, a codebook, and the gold codings of one coder, ready for e.g.

    qualcode evaluate eval/annomi.qualcode --gold-coder expert --speaker Therapist --holdout 30
    qualcode evaluate eval/pdpilot.qualcode --gold-coder authors --holdout 2
    qualcode evaluate eval/epitome.qualcode --gold-coder annotators --speaker Respondent

- annomi: the 133 derived plain-text transcripts (one "Therapist:"/"Client:" turn per utterance, checked
  here against AnnoMI-simple.csv), and each therapist utterance's ``main_therapist_behaviour`` (question,
  reflection, therapist_input, other) as a coding of the whole turn by coder "expert", loaded with
  ``import-codings`` (the CSV is kept beside the project).
- pdpilot: the 7 interview transcripts, the authors' 91-code hierarchy (memos as definitions; keywords:
  the content words of each code's name, the naive keyword list a researcher would start from), and
  their 261 coded segments (placed by quote; ones that cannot be placed are reported and left out).
- epitome: every seeker post / peer response pair as a two-turn transcript ("Client:" the seeker's post,
  "Respondent:" the peer's response) and the
  rationale spans of the three empathy mechanisms as codings by coder "annotators"; the codebook's
  keywords paraphrase the mechanisms' descriptions in Sharma et al. (EMNLP 2020).

AnnoMI (public domain, Wu et al. 2022/2023), PDPilot user study (BSD-3, (c) 2023 Daniel Kerrigan) and
EPITOME (attribution required: Sharma, Miner, Atkins & Althoff 2020) stay in ../shared/data; the
projects built here are local working files, not for redistribution.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.project import Project, locate_quote

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"

ANNOMI_CODEBOOK = """\
name: AnnoMI therapist behaviour
version: 1
description: Main therapist behaviour per utterance (Wu et al. 2022), for evaluating suggestions.
codes:
  - name: question
    definition: The therapist asks for information, or invites the client to explore or reflect.
  - name: reflection
    definition: The therapist restates or rephrases what the client said, to show understanding or to
      invite more; simple or complex reflections.
  - name: therapist_input
    definition: Information, advice, feedback, options or the therapist's own view.
  - name: other
    definition: Anything else, such as greetings, back-channel responses and session management.
"""

EPITOME_CODEBOOK = """\
name: EPITOME empathy mechanisms
version: 1
description: Sharma et al. (EMNLP 2020) - how a peer response expresses empathy; code the words that do.
codes:
  - name: Emotional reactions
    definition: The responder expresses their own emotions (warmth, compassion, concern) about what the
      seeker went through.
    keywords: [sorry, "so sorry", hugs, "i feel", "i'm here", "that sucks", "that's awful", "i hope",
      "it hurts", "i understand how"]
  - name: Interpretations
    definition: The responder communicates an understanding of the seeker's feelings and experiences
      inferred from the post, often by sharing a similar experience.
    keywords: ["i understand", "i know how", "i've been", "i have been", "i went through", "same thing",
      "must be", "sounds like", "i can relate", "i feel the same"]
  - name: Explorations
    definition: The responder asks about feelings and experiences not stated in the post, to improve
      understanding.
    keywords: ["what happened", "how are you", "how do you", "do you want", "are you", "have you",
      "why do you", "what do you", "can you tell"]
"""

STOP = {"and", "the", "for", "with", "from", "into", "about", "other", "using", "their", "when", "what"}


def log(message: str) -> None:
    print(message, flush=True)


def fresh(path: Path) -> Project:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return Project.init(path)


def imported(project: Project, files: list[Path]) -> None:
    started = time.perf_counter()
    results = project.import_transcripts(files, coder="setup")
    bad = [r for r in results if r.status != "imported"]
    if bad:
        raise SystemExit(f"{len(bad)} files not imported, first: {bad[0].path}: {bad[0].message}")
    log(f"  imported {len(results)} transcripts in {time.perf_counter() - started:.1f} s")


def _words(text: str) -> str:
    return " ".join(text.split())


def build_annomi(out: Path) -> Path:
    folder = DATA / "annomi"
    path = out / "annomi.qualcode"
    project = fresh(path)
    codebook = out / "annomi-codebook.yaml"
    codebook.write_text(ANNOMI_CODEBOOK, encoding="utf-8")
    project.import_codebook(codebook, "setup")
    files = sorted((folder / "derived" / "txt").glob("annomi_*.txt"))
    imported(project, files)
    utterances: dict[int, list[dict[str, str]]] = {}
    with (folder / "AnnoMI-simple.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            utterances.setdefault(int(row["transcript_id"]), []).append(row)
    rows: list[dict[str, object]] = []
    for file in files:
        number = int(file.stem.split("_")[1])
        items = sorted(utterances[number], key=lambda r: int(r["utterance_id"]))
        transcript = project.transcript(file.stem)
        if len(transcript.turns) != len(items):
            raise SystemExit(f"{file.name}: {len(transcript.turns)} turns but {len(items)} utterances")
        for turn, item in zip(transcript.turns, items, strict=True):
            said = _words(turn.span.of(transcript.text))
            if turn.speaker.lower() != item["interlocutor"] or said != _words(item["utterance_text"]):
                raise SystemExit(
                    f"{file.name}: turn {turn.index} does not match utterance {item['utterance_id']}"
                )
            label = item["main_therapist_behaviour"]
            if item["interlocutor"] == "therapist" and label not in ("", "n/a"):
                rows.append(
                    {
                        "transcript": file.stem,
                        "start": turn.span.start,
                        "end": turn.span.end,
                        "code": label,
                        "coder": "expert",
                    }
                )
    codings = out / "annomi-codings.csv"
    with codings.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["transcript", "start", "end", "code", "coder"])
        writer.writeheader()
        writer.writerows(rows)
    report = project.import_codings(codings)  # what `qualcode import-codings` runs
    log(f"  {report.added} therapist utterances coded by 'expert' (checked turn by turn against the CSV)")
    project.close()
    return path


def build_pdpilot(out: Path) -> Path:
    folder = DATA / "pdpilot-user-study"
    path = out / "pdpilot.qualcode"
    project = fresh(path)
    nodes = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    coded = json.loads((folder / "coded_segments.json").read_text(encoding="utf-8"))
    coded_paths = {s["code"] for s in coded}
    parents = {n["path"].rsplit(" > ", 1)[0] for n in nodes if " > " in n["path"]}
    lines = ["name: PDPilot user study", "version: 1", "codes:"]
    by_path = {n["path"]: n for n in nodes}
    for node in nodes:
        parent = node["path"].rsplit(" > ", 1)[0] if " > " in node["path"] else None
        group = node["path"] in parents and node["path"] not in coded_paths
        words = [w for w in re.findall(r"[a-z][a-z-]{3,}", node["name"].lower()) if w not in STOP]
        entry = {"name": node["name"], "definition": node["memo"] or node["name"]}
        if parent:
            entry["parent"] = by_path[parent]["name"]
        if group:
            entry["group"] = True
        elif words:
            entry["keywords"] = words
        lines.append("  - " + json.dumps(entry, ensure_ascii=False))
    codebook = out / "pdpilot-codebook.yaml"
    codebook.write_text("\n".join(lines) + "\n", encoding="utf-8")
    project.import_codebook(codebook, "setup")
    imported(project, sorted((folder / "transcripts-txt").glob("P*.txt")))
    names = {n["path"]: n["name"] for n in nodes}
    rows: list[dict[str, object]] = []
    missing = 0
    texts = {t.name: project.transcript(t.name).text for t in project.transcripts()}
    for segment in coded:
        text = texts[segment["document"]]
        try:
            span = locate_quote(text, segment["segment"], 1, segment["document"])
        except QualcodeError:
            missing += 1
            continue
        rows.append(
            {
                "transcript": segment["document"],
                "start": span.start,
                "end": span.end,
                "code": names[segment["code"]],
                "coder": "authors",
            }
        )
    codings = out / "pdpilot-codings.csv"
    with codings.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["transcript", "start", "end", "code", "coder"])
        writer.writeheader()
        writer.writerows(rows)
    report = project.import_codings(codings)
    log(f"  {report.added} coded segments by 'authors'; {missing} could not be placed in the text")
    project.close()
    return path


def build_epitome(out: Path, limit: int | None) -> Path:
    folder = DATA / "epitome-empathy-reddit"
    path = out / "epitome.qualcode"
    project = fresh(path)
    codebook = out / "epitome-codebook.yaml"
    codebook.write_text(EPITOME_CODEBOOK, encoding="utf-8")
    project.import_codebook(codebook, "setup")
    mechanisms = {
        "Emotional reactions": "emotional-reactions-reddit.csv",
        "Interpretations": "interpretations-reddit.csv",
        "Explorations": "explorations-reddit.csv",
    }
    pairs: dict[str, tuple[str, str]] = {}
    rationales: list[tuple[str, str, str]] = []
    for code, name in mechanisms.items():
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = f"{row['sp_id']}_{row['rp_id']}"
                pairs.setdefault(key, (row["seeker_post"], row["response_post"]))
                for piece in (row.get("rationales") or "").split("|"):
                    if piece.strip() and int(row["level"] or 0) > 0:
                        rationales.append((key, code, piece.strip()))
    keys = sorted(pairs)[:limit] if limit else sorted(pairs)
    wanted = set(keys)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, key in enumerate(keys):
            seeker, response = pairs[key]
            file = Path(tmp) / f"epitome_{n:04d}_{key}.txt"
            # One line per turn: a post's own line breaks could look like further speaker labels. The
            # labels are roles the importer trusts on one use ("Seeker"/"Peer" would need two each).
            file.write_text(f"Client: {_words(seeker)}\n\nRespondent: {_words(response)}\n", encoding="utf-8")
            files.append(file)
        imported(project, files)
    names = {key: f"epitome_{n:04d}_{key}" for n, key in enumerate(keys)}
    rows: list[dict[str, object]] = []
    missing = 0
    for key, code, piece in rationales:
        if key not in wanted:
            continue
        transcript = project.transcript(names[key])
        peer = transcript.turns[-1]
        body = peer.span.of(transcript.text)
        try:
            span = locate_quote(body, _words(piece), 1, names[key])
        except QualcodeError:
            missing += 1
            continue
        start, end = peer.span.start + span.start, peer.span.start + span.end
        rows.append(
            {"transcript": names[key], "start": start, "end": end, "code": code, "coder": "annotators"}
        )
    codings = out / "epitome-codings.csv"
    with codings.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["transcript", "start", "end", "code", "coder"])
        writer.writeheader()
        writer.writerows({k: r[k] for k in writer.fieldnames} for r in rows)
    report = project.import_codings(codings)
    log(
        f"  {report.added} rationale spans by 'annotators' ({report.already_present} duplicates); {missing} not placed"
    )
    project.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("eval"), help="folder for the projects")
    parser.add_argument("--only", default="annomi,pdpilot,epitome", help="comma-separated subset")
    parser.add_argument("--epitome-limit", type=int, default=None, help="only the first N EPITOME pairs")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no shared data at {DATA.resolve()}; nothing to build")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only.split(","):
        log(f"{name}:")
        started = time.perf_counter()
        if name == "annomi":
            built = build_annomi(args.out)
        elif name == "pdpilot":
            built = build_pdpilot(args.out)
        elif name == "epitome":
            built = build_epitome(args.out, args.epitome_limit)
        else:
            sys.exit(f"unknown project {name!r}")
        log(f"  -> {built} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
