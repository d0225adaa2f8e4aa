"""assistant.service."""
