"""assistant.question."""
