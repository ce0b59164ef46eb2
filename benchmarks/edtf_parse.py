"""Time our date parser against python-edtf on the same 10,000 EDTF level 0/1 dates.

Usage: python benchmarks/edtf_parse.py [N]
Prints the time of each parser. Needs the test extras (python-edtf).
"""

from __future__ import annotations

import random
import sys
import time

from edtf import parse_edtf  # type: ignore[import-untyped]

from timeline.dates.parse import parse_event_date


def sample(count: int) -> list[str]:
    """Return count EDTF strings of levels 0 and 1, the same on every run."""
    rng = random.Random(42)
    forms = ["{y}", "{y}-{m}", "{y}-{m}-{d}", "{y}-{m}-{d}T10:20:30Z", "{y}?", "{y}-{m}~",
             "{y}-{m}-{d}%", "{y3}X", "{y}-XX", "{y}-{m}-XX", "{y}-21", "{y}/..", "../{y}-{m}",
             "{y}/", "/{y}-{m}-{d}", "{y}-{m}/{y2}", "Y{big}", "-{y}"]
    out = []
    for _ in range(count):
        year = rng.randint(1000, 2999)
        out.append(rng.choice(forms).format(
            y=year, y2=year + rng.randint(1, 50), y3=year // 10, m=f"{rng.randint(1, 12):02d}",
            d=f"{rng.randint(1, 28):02d}", big=rng.randint(10 ** 5, 10 ** 12)))
    return out


def main() -> None:
    """Parse the sample with each parser and print the times."""
    texts = sample(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
    for name, parse in (("timeline", parse_event_date), ("python-edtf", parse_edtf)):
        start = time.perf_counter()
        for text in texts:
            parse(text)
        elapsed = time.perf_counter() - start
        print(f"{name:12} {len(texts)} dates in {elapsed:.3f} s "
              f"({elapsed / len(texts) * 1e6:.1f} µs each)")


if __name__ == "__main__":
    main()
