"""Analyses over a project's codings: frequencies, co-occurrence, matrices, quotes, charts (pandas, numpy).

Pure functions over a :class:`Corpus` (built from model objects by ``build_corpus``, or by
``Project.analysis_corpus()``); nothing here reads the store. pandas, numpy and matplotlib are imported
inside the functions, so importing this package is cheap.

>>> corpus = project.analysis_corpus()                              # doctest: +SKIP
>>> frequencies(corpus, by="role")                                  # doctest: +SKIP
>>> print(bar_chart(frequencies(corpus), value="cases").text())     # doctest: +SKIP
"""

from qualcode.analysis.charts import Chart, bar_chart, matrix_chart
from qualcode.analysis.cooccurrence import UNITS, cooccurrence, cooccurrence_matrix
from qualcode.analysis.corpus import NOT_SET, Corpus, build_corpus
from qualcode.analysis.frequencies import MEASURES, code_matrix, frequencies
from qualcode.analysis.pseudonyms import Pseudonymiser, build_pseudonymiser
from qualcode.analysis.quotes import CONTEXTS, DEFAULT_TEMPLATE, quotes, top_quotes
from qualcode.analysis.tables import codebook_table, codings_table, memos_table

__all__ = [
    "CONTEXTS", "DEFAULT_TEMPLATE", "MEASURES", "NOT_SET", "UNITS", "Chart", "Corpus", "Pseudonymiser",
    "bar_chart", "build_corpus", "build_pseudonymiser", "code_matrix", "codebook_table", "codings_table",
    "cooccurrence", "cooccurrence_matrix", "frequencies", "matrix_chart", "memos_table", "quotes",
    "top_quotes",
]  # fmt: skip
