"""ingest.ops."""
