"""Prompt texts and fixed answer phrases, as named constants (no logic here)."""
