"""spaCy pipelines and, later, suggestions. spaCy is imported inside functions, never at module load."""
