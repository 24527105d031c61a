"""Languages of the kit: which one a run speaks (language.py) and the book's terms (glossary.toml)."""
