"""assistant.retrieval.hybrid."""
