"""Reading PDFs: pages with word positions, blocks by layout, and the page text built from them."""
