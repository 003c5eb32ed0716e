"""Suggestions: `qualcode suggest` lists them, `qualcode evaluate` measures them against a gold coder."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from qualcode.cli.common import (
    CODER_ENV,
    OutputFile,
    Score,
    _default_coder,
    cli,
    coder_name,
    counted,
    emit,
    opened,
    output_format,
    project_argument,
)
from qualcode.errors import InputError

FORMATS = click.Choice(["table", "csv", "json"])


def _note_unreached(steps: Sequence[int], train_sizes: Sequence[int]) -> None:
    """Say which steps have no row of their own: the simulated coder ran out of units before them."""
    beyond = sorted({s for s in steps if s > max(train_sizes)})  # one equal to it is the "all" row
    if beyond:
        listed = ", ".join(f"{s:,}" for s in beyond)
        most = f"{max(train_sizes):,}"
        click.echo(
            f"qualcode: note: step{'s' * (len(beyond) > 1)} {listed} not reached: there are {most} units "
            "to learn from at most; the last row (all) learns from all of them",
            err=True,
        )


def _steps(value: str) -> tuple[int, ...]:
    hint = "'--steps'"
    items = [v.strip() for v in value.split(",")]
    if not all(items):
        said = "is empty" if not value.strip() else f"{value!r} has an empty item"
        raise click.BadParameter(f"{said}; give numbers like 25,50,100", param_hint=hint)
    # Plain digits only: int() also takes "1_000" and full-width digits, which no one means here.
    if not all(re.fullmatch(r"-?[0-9]+", v) for v in items):
        raise click.BadParameter(f"{value!r} is not a comma-separated list of whole numbers", param_hint=hint)
    steps = tuple(int(v) for v in items)
    if min(steps) < 1:
        raise click.BadParameter(f"{value!r}: give positive numbers, e.g. 25,50,100", param_hint=hint)
    return steps


@cli.command()
@project_argument
@click.option(
    "--transcript", "transcripts_", multiple=True, help="Only these transcripts (repeat); default all."
)
@click.option("--code", "codes", multiple=True, help="Only these codes (repeat).")
@click.option(
    "--coder",
    callback=coder_name,
    default=_default_coder,
    envvar=CODER_ENV,
    show_default=f"${CODER_ENV} or your user name",
    help="Whose codings and rejections the suggestions learn from.",
)
@click.option(
    "--min-score",
    type=Score(),
    default=0.5,
    show_default=True,
    help="Leave out suggestions scored lower.",
)
@click.option(
    "--per-segment",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="At most this many per segment.",
)
@click.option(
    "--uncertain",
    type=click.IntRange(1),
    metavar="N",
    help="Instead: the N uncoded segments where the model is least certain (an answer teaches it most).",
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", type=OutputFile(), help="File (default: stdout).")
def suggest(
    project: Path,
    transcripts_: tuple[str, ...],
    codes: tuple[str, ...],
    coder: str,
    min_score: float,
    per_segment: int,
    uncertain: int | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Suggest codings from the codebook's rules and examples and from CODER's own codings.

    Each row has a calibrated score, its source (rule, example or model) and the reason. Suggestions
    are never stored: accept them in the workbench, or code them with `qualcode code`.
    """
    if uncertain is not None:
        given = click.get_current_context().get_parameter_source
        options = {"codes": "--code", "min_score": "--min-score", "per_segment": "--per-segment"}
        ignored = [flag for name, flag in options.items() if given(name) is not ParameterSource.DEFAULT]
        if ignored:
            raise click.UsageError(
                f"--uncertain lists segments to code next, for every code; it does not take {', '.join(ignored)}"
            )
    with opened(project, reading=True) as proj:
        if not any(not code.group for code in proj.codebook()):
            raise InputError(
                f"{project}: the codebook has no codes to suggest",
                f"import one first: qualcode codebook import {project} CODEBOOK.yaml",
            )
        note = proj.suggester(coder).note
        if note:
            click.echo(f"qualcode: note: {note}", err=True)
        if uncertain is not None:
            if len(transcripts_) > 1:
                raise click.UsageError("--uncertain takes at most one --transcript")
            found = proj.uncertain_segments(coder, transcripts_[0] if transcripts_ else None, uncertain)
            fmt = output_format(fmt, output)  # the best guesses' cell differs by format
            header = ["transcript", "start", "end", "text", "uncertainty", "best_guesses"]
            rows: list[list[Any]] = [
                [
                    u.transcript,
                    u.span.start,
                    u.span.end,
                    u.text,
                    u.uncertainty,
                    # JSON keeps them as records; CSV and the table need one cell.
                    [{"code": s.code, "score": s.score} for s in u.suggestions]
                    if fmt == "json"
                    # The scores as the other rows print them; rounded to two places, a 0.1995
                    # showed as 0.20 here but under "weak guesses (under 0.20)" in the workbench.
                    else "; ".join(f"{s.code} {s.score}" for s in u.suggestions),
                ]
                for u in found
            ]
            emit(header, rows, fmt, output)
            return
        suggestions = proj.all_suggestions(
            coder,
            transcripts=transcripts_ or None,
            codes=codes or None,
            min_score=min_score,
            per_segment=per_segment,
        )
        if not proj.has_worked(coder):
            click.echo(
                f"qualcode: note: {coder!r} has no codings or decisions in this project; the suggestions "
                "come from the codebook alone (check --coder)",
                err=True,
            )
        header = ["transcript", "start", "end", "text", "code", "score", "source", "reason"]
        rows = [
            [s.transcript, s.span.start, s.span.end, s.text, s.code, s.score, s.source.value, s.reason]
            for s in suggestions
        ]
        emit(header, rows, fmt, output)


@cli.command()
@project_argument
@click.option("--gold-coder", required=True, help="The coder whose codings are taken as right.")
@click.option(
    "--steps",
    default="25,50,100,200,500",
    show_default=True,
    help="Coded segments at each measurement; a last one with all of them is always added.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Chooses the held-out transcripts.")
@click.option(
    "--splits",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Measure on this many different held-out splits (seeds SEED, SEED+1, ...); print means and spread.",
)
@click.option(
    "--order",
    type=click.Choice(["document", "active"]),
    default="document",
    show_default=True,
    help="The simulated coder codes in document order, or least-certain first (active learning).",
)
@click.option(
    "--holdout",
    type=float,
    default=0.2,
    show_default=True,
    help="Transcripts held out for testing: a count (>= 1) or a fraction (< 1).",
)
@click.option(
    "--speaker", "speakers", multiple=True, help="Only segments of this speaker (repeat), e.g. Therapist."
)
@click.option(
    "--unit",
    type=click.Choice(["auto", "segment", "turn"]),
    default="auto",
    show_default=True,
    help="What is coded: sentences, whole turns, or as the gold coder did.",
)
@click.option(
    "--threshold",
    type=Score(),
    default=0.5,
    show_default=True,
    help="Score at which a suggestion counts as applied (codes that are not exclusive).",
)
@click.option(
    "--reliability",
    is_flag=True,
    help="Instead of the curve: per band of the model's scores, how often its held-out suggestions were right.",
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", type=OutputFile(), help="File (default: stdout).")
def evaluate(
    project: Path,
    gold_coder: str,
    steps: str,
    seed: int,
    splits: int,
    order: str,
    holdout: float,
    speakers: tuple[str, ...],
    unit: str,
    threshold: float,
    reliability: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Measure the suggestions against GOLD-CODER: a learning curve on held-out transcripts.

    A simulated coder codes the other transcripts; after each step the engine retrains and is scored on
    the held-out ones: precision, recall, F1 (micro and macro), Cohen's kappa, calibration error (ECE),
    precision and hits in the top 3, character-level span overlap; and the same for the codebook's
    keywords alone. One split of a small project is a noisy measure: --splits averages several.
    --reliability shows what the calibration error sums up: of the suggestions scored about 0.8, how many
    were right.
    """
    from tqdm import tqdm

    from qualcode.suggest.evaluate import (
        RELIABILITY_HEADER,
        SUMMARY_HEADER,
        EvaluationProgress,
        EvaluationReport,
        reliability_table,
        summarise,
    )

    if not 0 < holdout < math.inf or (holdout >= 1 and holdout != int(holdout)):
        raise click.BadParameter(
            "give a number of transcripts (1, 2, ...) or a fraction above 0 and below 1",
            param_hint="--holdout",
        )
    wanted = _steps(steps)
    with opened(project, reading=True) as proj:
        reports: list[EvaluationReport] = []
        # disable=None: a bar on a terminal, nothing when stderr is a file or a pipe.
        with tqdm(total=1, file=sys.stderr, disable=None, leave=False) as bar:
            for step in proj.iter_evaluate_suggestions(
                gold_coder,
                steps=wanted,
                seed=seed,
                splits=splits,
                order=order,
                holdout=holdout,
                speakers=speakers,
                granularity=unit,
                threshold=threshold,
            ):
                if isinstance(step, EvaluationProgress):
                    bar.total = max(step.total, 1)
                    bar.n = step.done
                    bar.set_description_str(step.stage, refresh=True)
                else:
                    reports.append(step)
        first = reports[0]
        if click.get_current_context().get_parameter_source("steps") != ParameterSource.DEFAULT:
            _note_unreached(wanted, [r.train_units for r in reports])
        said = (
            f"gold coder {first.gold_coder!r}; unit: {first.granularity}; order: {first.order}; "
            f"{_count_range(r.train_units for r in reports)} units to learn from, "
            f"{_count_range(r.test_units for r in reports)} held-out units in {counted(len(first.held_out), 'transcript')}"
        )
        if len(reports) == 1:
            said += f" (seed {first.seed}): {', '.join(first.held_out[:8])}" + (
                " ..." if len(first.held_out) > 8 else ""
            )
            click.echo(said, err=True)
        else:
            seeds = [r.seed for r in reports]
            contiguous = seeds == list(range(seeds[0], seeds[-1] + 1))
            shown = f"{seeds[0]} to {seeds[-1]}" if contiguous else ", ".join(map(str, seeds))
            said += f", {len(reports)} splits (seeds {shown}); " + (
                "suggestions pooled over the splits" if reliability else "means over the splits"
            )
            click.echo(said, err=True)
        if reliability:
            emit(list(RELIABILITY_HEADER), reliability_table(reports), fmt, output)
        elif len(reports) == 1:
            emit(list(first.HEADER), first.rows(), fmt, output)
        else:
            emit(list(SUMMARY_HEADER), summarise(reports), fmt, output)


def _count_range(counts: Iterable[int]) -> str:
    """A count, or the range of counts over several splits ("7012 to 7410")."""
    found = list(counts)
    low, high = min(found), max(found)
    return f"{low}" if low == high else f"{low} to {high}"
