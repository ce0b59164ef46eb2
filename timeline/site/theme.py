"""The Jinja environment: the project's templates first, then the default theme."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = "templates"
LOCALE_DIR = "locale"


def default_theme_dir() -> Path:
    """Return the folder of the default theme.

    A wheel ships it inside the package (`timeline/_theme`); a source checkout
    or an editable install uses the repository's top-level `templates/`.
    """
    shipped = PACKAGE_DIR / "_theme"
    if shipped.is_dir():
        return shipped
    checkout = PACKAGE_DIR.parent / TEMPLATES_DIR
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the default theme is missing: looked in {shipped} and {checkout}")


def theme_dirs(project: Path) -> list[Path]:
    """Return the template folders to search, the project's own first."""
    default = default_theme_dir()
    own = project / TEMPLATES_DIR
    if own.is_dir() and own.resolve() != default.resolve():
        return [own, default]
    return [default]


def load_catalogue(project: Path, language: str) -> dict[str, str]:
    """Return the interface strings translated to language ({} for the theme's own English)."""
    catalogue: dict[str, str] = {}
    for folder in reversed(theme_dirs(project)):  # the project's file wins
        path = folder / LOCALE_DIR / f"{language}.toml"
        if path.is_file():
            catalogue.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return catalogue


def make_environment(project: Path, *, language: str = "en",
                     filters: dict[str, Callable[..., Any]] | None = None,
                     bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """Return a strict, autoescaping environment over the project's and default templates.

    A bytecode_cache shared between environments saves compiling unchanged
    templates again (Jinja compares each template's source with the cached one).
    """
    dirs = theme_dirs(project)
    default = jinja2.FileSystemLoader(str(dirs[-1]))
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(d) for d in dirs]),
        jinja2.PrefixLoader({"default": default}),
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=bytecode_cache,
    )
    catalogue = load_catalogue(project, language)

    def gettext(message: str) -> str:
        return catalogue.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        key = singular if n == 1 else plural
        return catalogue.get(key, key)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters or {})
    return env


def explain_missing(error: jinja2.TemplateNotFound, project: Path) -> str:
    """Return a message saying which template is missing and where it was looked for."""
    looked = ", ".join(str(d) for d in theme_dirs(project))
    return f"template '{error.name}' not found; looked in: {looked}"
