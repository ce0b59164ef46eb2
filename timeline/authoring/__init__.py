"""Writing content for the user: a new project or event (project), and importers that turn
other formats into event files (timelinejs)."""
