"""Build static, source-cited timeline websites from Markdown event files."""

__version__ = "0.1.0"
