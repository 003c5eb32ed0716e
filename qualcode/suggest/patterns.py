"""Checking a codebook's spaCy Matcher patterns the way the suggestion engine will use them."""

from __future__ import annotations

from qualcode.model import Codebook, Problem


def pattern_problems(codebook: Codebook) -> list[Problem]:
    """One problem per pattern that spaCy's Matcher refuses, with the code's line."""
    from spacy.errors import MatchPatternError
    from spacy.matcher import Matcher

    from qualcode.suggest.pipeline import load_pipeline

    vocab = load_pipeline().vocab
    problems: list[Problem] = []
    for code in codebook:
        for number, pattern in enumerate(code.patterns, start=1):
            matcher = Matcher(vocab, validate=True)
            try:
                matcher.add(code.name, [pattern])
            except (MatchPatternError, ValueError, TypeError) as exc:
                detail = " ".join(str(exc).split())[:200]
                problems.append(
                    Problem(code.line, f"code {code.name!r}: pattern {number} is invalid: {detail}")
                )
    return problems
