"""The live preview: the HTTP server, the preview's builds and the file watcher."""
