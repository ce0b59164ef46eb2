"""The Jinja environment: the project's templates first, then the default theme."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import babel
import jinja2

from timeline.content import gate
from timeline.dates.locale import babel_locale
from timeline.errors import ContentError

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = "templates"
LOCALE_DIR = "locale"
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories


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
    return [root / folder for root, folder in theme_roots(project)]


def theme_roots(project: Path) -> list[tuple[Path, str]]:
    """Return each template folder as (root, folder under it), the project's own first.

    Files of the project's templates/ must stay inside the project; the
    default theme is its own root. Raise ContentError for a templates/ that
    points outside the project.
    """
    default = default_theme_dir()
    own = gate.folder(project, TEMPLATES_DIR)
    if own is not None and own != default.resolve():
        return [(project, TEMPLATES_DIR), (default, "")]
    return [(default, "")]


Catalogue = dict[str, "str | dict[str, str]"]  # a plural: its forms by CLDR category


def load_catalogue(project: Path, language: str) -> Catalogue:
    """Return the interface strings translated to language ({} for the theme's own English)."""
    catalogue: Catalogue = {}
    for root, folder in reversed(theme_roots(project)):  # the project's file wins
        rel = _join(folder, LOCALE_DIR, f"{language}.toml")
        if os.path.lexists(root / rel):
            catalogue.update(_parse_catalogue(gate.read_text(root, rel)))
    return catalogue


def _parse_catalogue(file: gate.Text) -> Catalogue:
    """Return a catalogue's strings, or raise a ContentError located in the file."""
    try:
        data = tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise ContentError(file.path, int(match.group(1)) if match else 0,
                           f"invalid TOML: {error}") from None
    for key, value in data.items():
        if isinstance(value, dict) and value and all(
                form in PLURAL_FORMS and isinstance(text, str) for form, text in value.items()):
            continue
        if not isinstance(value, str):
            raise ContentError(file.path, _line_of(key, file.text),
                               f"the translation of '{key}' must be a string, or a table "
                               f"of plural forms (one, few, many, other...)")
    return data


def _line_of(key: str, text: str) -> int:
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith((f'"{key}"', f"'{key}'", f"{key} ", f"{key}=")):
            return number
    return 0


def _join(*parts: str) -> str:
    return "/".join(part for part in parts if part)


class GateLoader(jinja2.BaseLoader):
    """Load templates from theme folders, reading every file through the gate."""

    def __init__(self, roots: list[tuple[Path, str]]) -> None:
        self.roots = roots

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        """Return the source of the first theme folder's template of that name."""
        parts = template.split("/")
        if any(part in ("", ".", "..") for part in parts) or "\\" in template:
            raise jinja2.TemplateNotFound(template)
        for root, folder in self.roots:
            rel = _join(folder, *parts)
            path = root / rel
            if not os.path.lexists(path):
                continue
            text = gate.read_text(root, rel).text
            return text, str(path), _unchanged(path)
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path) -> Callable[[], bool]:
    """Return a function telling whether path still has the modification time it has now."""

    def mtime() -> float | None:
        try:
            return path.stat().st_mtime
        except OSError:
            return None

    first = mtime()
    return lambda: mtime() == first


def make_environment(project: Path, *, language: str = "en",
                     filters: dict[str, Callable[..., Any]] | None = None,
                     bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """Return a strict, autoescaping environment over the project's and default templates.

    A bytecode_cache shared between environments saves compiling unchanged
    templates again (Jinja compares each template's source with the cached one).
    """
    roots = theme_roots(project)
    loader = jinja2.ChoiceLoader([
        GateLoader(roots),
        jinja2.PrefixLoader({"default": GateLoader(roots[-1:])}),
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
    rules = babel_locale(language)

    def gettext(message: str) -> str:
        found = catalogue.get(message, message)
        return found if isinstance(found, str) else message

    def ngettext(singular: str, plural: str, n: int) -> str:
        forms = catalogue.get(singular)
        if isinstance(forms, dict):  # forms by the language's plural rule, from CLDR
            category = plural_category(rules, n)
            found = forms.get(category) or forms.get("other") or forms.get("many")
            if found is not None:
                return found
        key = singular if n == 1 else plural
        return gettext(key)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["plural_samples"] = plural_samples(rules)
    env.filters.update(filters or {})
    return env


def plural_samples(rules: babel.Locale | None) -> tuple[tuple[str, float], ...]:
    """Return a number of each plural category of a language (CLDR's rule), smallest
    whole number first, so that a template can write every form a script may need:
    search.js picks one for its count with the browser's Intl.PluralRules."""
    samples: dict[str, float] = {}
    for n in [*range(1000), *(k + 0.5 for k in range(10))]:
        samples.setdefault(plural_category(rules, n), n)
    return tuple((c, samples[c]) for c in PLURAL_FORMS if c in samples)


def plural_category(rules: babel.Locale | None, n: float) -> str:
    """Return the CLDR plural category of n in a language (English's rule without one)."""
    if rules is None:
        return "one" if n == 1 else "other"
    return str(rules.plural_form(n))


def explain_missing(error: jinja2.TemplateNotFound, project: Path) -> str:
    """Return a message saying which template is missing and where it was looked for."""
    looked = ", ".join(str(d) for d in theme_dirs(project))
    return f"template '{error.name}' not found; looked in: {looked}"
