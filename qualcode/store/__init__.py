"""The project store: the only code that speaks SQL (SQLAlchemy Core; SQLite now, PostgreSQL for teams)."""
