"""From files to events: the gate every read passes, front matter, events, sources, markup."""
