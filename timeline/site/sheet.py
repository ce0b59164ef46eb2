"""TimelineJS3's Google Sheet template: its columns, and cells safe to open in a spreadsheet."""

from __future__ import annotations

# The template's columns, in its order, and ours after them.
COLUMNS = ("Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
           "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
           "Media Thumbnail", "Alt Text", "Type", "Group", "Background")
TAGS_COLUMN = "Tags"  # every tag, comma-separated; Group holds one (TimelineJS ignores Tags)
NUMBER_COLUMNS = frozenset({"Year", "Month", "Day", "End Year", "End Month", "End Day"})
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(column: str, text: str) -> str:
    """Return a cell's text for a spreadsheet: text that would start a formula gets an
    apostrophe (the spreadsheets' mark for "text"); numbers, such as the year -44, do not."""
    if column not in NUMBER_COLUMNS and text.startswith(FORMULA_START):
        return "'" + text
    return text


def unguard_cell(column: str, text: str) -> str:
    """Undo guard_cell: drop an apostrophe before a formula character."""
    if column not in NUMBER_COLUMNS and text.startswith("'") \
            and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
