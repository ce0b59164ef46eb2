"""Writing content for the user: importers that turn other formats into event files."""
