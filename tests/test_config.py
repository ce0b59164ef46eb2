"""timeline.toml: every problem is reported at the line of its key or table."""

from __future__ import annotations

import pytest
from conftest import MakeProject

from timeline.config import load_config
from timeline.errors import ContentError


@pytest.mark.parametrize("toml, message", [
    ('title = "x"\n\n[site]\nname = "y"\n',
     "timeline.toml:3: error: unknown table [site]: timeline.toml has no tables; write each "
     "setting at the top, before any [table]"),
    ('title = "x"\n[[site]]\nname = "y"\n',
     "timeline.toml:2: error: unknown table [site]: timeline.toml has no tables; write each "
     "setting at the top, before any [table]"),
    ('title = "x"\n"pretty_urls" = 3\n',
     "timeline.toml:2: error: 'pretty_urls' must be a bool, not 3"),
    ("title = 'x'\n'titel' = 'y'\n",
     "timeline.toml:2: error: unknown setting 'titel'. Did you mean 'title'?"),
    ('description = "a"\n  pretty_urls.x = 2\n',
     "timeline.toml:2: error: 'pretty_urls' must be a bool, not {'x': 2}"),
    # a key inside a multi-line string is text, not the key
    ('description = """\ntitle = 1\n"""\ntitle = 2\n',
     "timeline.toml:4: error: 'title' must be a str, not 2"),
    ("description = '''\ntitle = 1\n'''\ntitle = 2\n",
     "timeline.toml:4: error: 'title' must be a str, not 2"),
])
def test_a_config_error_names_the_line_of_its_key(
        make_project: MakeProject, toml: str, message: str) -> None:
    project = make_project({"timeline.toml": toml})
    with pytest.raises(ContentError) as raised:
        load_config(project)
    assert str(raised.value) == message
