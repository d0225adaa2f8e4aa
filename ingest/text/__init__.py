"""ingest.text."""
