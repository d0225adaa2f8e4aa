"""The chat UI: static HTML, CSS and ES modules served by the API (no build step, no CDN)."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
