"""Answers from records rather than sentences: each record kind's answerer behind ``RecordAnswerer``."""
