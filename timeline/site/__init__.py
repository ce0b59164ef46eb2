"""From a timeline to files: pages, URLs, the theme, filters, exports and the writer."""
