"""spaCy pipelines and suggestions. spaCy and scikit-learn are imported inside functions, never at module load.

``pipeline`` segments transcripts; ``nlp`` loads the reader for suggestions; ``rules`` matches codebook
keywords and patterns; ``units`` and ``features`` turn transcripts into what the model reads; ``learn`` fits
and calibrates it; ``engine`` scores, ranks and explains; ``session`` keeps a coder's model up to date;
``evaluate`` measures it against a gold coder. See docs/suggestions.md.
"""
