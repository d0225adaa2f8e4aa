"""PDF → pages → structure → chunks → index."""
