"""Write timeline/dates/abbreviations.py: which IANA zones used each zone abbreviation.

Every zone of zoneinfo is sampled every two days from 1900 to 2040. For each
alphabetic abbreviation the table keeps its usual offset (the one it had most
often), whether two zones ever used it with different offsets at the same time,
and a few zones that together cover every (time, offset) at which it was used,
the best known first. Run with the tzdata the release is built with; reading
a date checks these zones against the zoneinfo of the machine, so an older or
newer tzdata only changes which zones are listed, never an offset.
"""

from __future__ import annotations

import collections
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, available_timezones

FIRST, LAST, STEP = datetime(1900, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC), 2 * 86400
PREFERRED = ("Europe/Moscow", "America/New_York", "America/Chicago", "America/Denver",
             "America/Los_Angeles", "Asia/Shanghai", "America/Havana", "Asia/Kolkata",
             "Europe/Dublin", "Asia/Jerusalem", "Europe/London", "Europe/Berlin",
             "Europe/Athens", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney",
             "Pacific/Auckland", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
             "America/Halifax", "America/Anchorage", "Pacific/Honolulu", "Etc/UTC")


def canonical_zones() -> list[str]:
    """Return the zone names that are not links (US/Eastern, Asia/Macao) or legacy (EST5EDT)."""
    links: set[str] = set()
    for folder in TZPATH:
        index = Path(folder, "tzdata.zi")
        if index.is_file():
            links = {line.split()[2] for line in index.read_text().splitlines()
                     if line.startswith("L ")}
            break
    return sorted(name for name in available_timezones()
                  if name not in links and "/" in name
                  and (not name.startswith("Etc/") or name == "Etc/UTC"))


def scan() -> dict[str, dict[str, set[tuple[int, int]]]]:
    """Return abbreviation -> zone -> {(sample time, offset in minutes)} where it was shown."""
    used: dict[str, dict[str, set[tuple[int, int]]]] = collections.defaultdict(
        lambda: collections.defaultdict(set))
    times = range(int(FIRST.timestamp()), int(LAST.timestamp()), STEP)
    for name in canonical_zones():
        zone = ZoneInfo(name)
        for t in times:
            local = datetime.fromtimestamp(t, zone)
            abbreviation = local.tzname() or ""
            if abbreviation.isalpha() and abbreviation != "LMT":
                delta = local.utcoffset()
                assert delta is not None
                used[abbreviation][name].add((t, int(delta.total_seconds() // 60)))
    return used


def cover(zones: dict[str, set[tuple[int, int]]]) -> list[str]:
    """Return few zones whose uses cover every (time, offset), preferred zones first."""
    left = set().union(*zones.values())
    chosen: list[str] = []
    while left:
        useful = [name for name in PREFERRED if name in zones and zones[name] & left]
        best = useful[0] if useful else min(zones, key=lambda name: (-len(zones[name] & left),
                                                                     name))
        chosen.append(best)
        left -= zones[best]
    return chosen


def main() -> None:
    """Print the module."""
    lines = ['"""Zone abbreviations and the IANA zones that used them (generated: do not edit).',
             "",
             "Written by scripts/zone_abbreviations.py from the tzdata of the time; checked",
             "against the machine's zoneinfo whenever a date is read (see zones.py).",
             '"""', "", "from __future__ import annotations", "",
             "# abbreviation -> (usual offset in minutes, ever ambiguous, candidate IANA zones)",
             "ABBREVIATIONS: dict[str, tuple[int, bool, tuple[str, ...]]] = {"]
    for abbreviation, zones in sorted(scan().items()):
        counts = collections.Counter(offset for uses in zones.values() for _, offset in uses)
        by_time: dict[int, set[int]] = collections.defaultdict(set)
        for uses in zones.values():
            for t, offset in uses:
                by_time[t].add(offset)
        ambiguous = any(len(offsets) > 1 for offsets in by_time.values())
        usual = max(counts, key=lambda offset: (counts[offset], -abs(offset)))
        names = ", ".join(f'"{name}"' for name in cover(zones))
        entry = f'    "{abbreviation}": ({usual}, {ambiguous}, ({names},)),'
        if len(entry) > 100:
            names = "".join(f'\n        "{name}",' for name in cover(zones))
            entry = f'    "{abbreviation}": ({usual}, {ambiguous}, ({names}\n    )),'
        lines.append(entry)
    lines.append("}")
    text = "\n".join(lines) + "\n"
    Path(sys.argv[1]).write_text(text) if len(sys.argv) > 1 else print(text, end="")


if __name__ == "__main__":
    main()
