"""assistant.answering.records.dispatch."""
