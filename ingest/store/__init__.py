"""ingest.store."""
