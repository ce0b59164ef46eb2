"""Time write_site patching a site in place against swapping a new one in, by the share
of its files that an incremental build changes.

    python benchmarks/write_site.py FOLDER [--pages 12000] [--shares 0.001,0.1,0.5,0.9]

Writes a site of PAGES page folders (one index.html of 10 kB each) in FOLDER, then, for
each share, writes it again with that share of the pages changed and the others Kept,
once patched in place and once swapped in, and prints the wall and CPU seconds of each.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import time
from pathlib import Path

from timeline.site import writer
from timeline.site.writer import Content, Kept, write_site


def main(argv: list[str]) -> int:
    """Run the benchmark and print one line per share and mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pages", type=int, default=12000)
    parser.add_argument("--shares", default="0.001,0.1,0.5,0.9")
    args = parser.parse_args(argv)
    out = args.folder / "site"
    shutil.rmtree(args.folder, ignore_errors=True)
    args.folder.mkdir(parents=True)
    site = {f"events/e{index:05d}/index.html": _page(index, 0) for index in range(args.pages)}
    write_site(out, site)
    print(f"{args.pages} pages; seconds to write the site again (wall / CPU)")
    version = 0
    for share in (float(text) for text in args.shares.split(",")):
        for mode, patch_share in (("patch", 1.0), ("swap", 0.0)):
            version += 1
            new = {dest: _page(index, version) if index < share * args.pages else data
                   for index, (dest, data) in enumerate(sorted(site.items()))}
            files: dict[str, Content] = {
                dest: Kept(hashlib.sha256(data).hexdigest()) if site[dest] == data else data
                for dest, data in new.items()}
            writer.PATCH_SHARE = patch_share  # type: ignore[misc]
            wall, cpu = time.perf_counter(), time.process_time()
            write_site(out, files)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{share:6.1%} changed  {mode:5}  {wall:6.2f} / {cpu:5.2f}", flush=True)
            site = new
    return 0


def _page(index: int, version: int) -> bytes:
    """Return the 10 kB text of one page."""
    return (f"<h1>Event {index}, version {version}</h1>\n".encode() + b"<p>text</p>\n" * 850)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
