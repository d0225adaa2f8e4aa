"""Retrieval, answering, API and UI over the ingested index."""
