"""The knowledge base for MCP clients: tools in ``server``, /mcp over HTTP in ``http``, stdio in ``stdio``."""
