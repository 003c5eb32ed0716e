"""Analyses over a project's codings: frequencies, co-occurrence, agreement (pandas, numpy)."""
