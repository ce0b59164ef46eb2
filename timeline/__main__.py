"""Run the command line as `python -m timeline`."""

from timeline.cli import main

raise SystemExit(main())
