"""Every page, read in Kazakh, Russian and English by every role, shows no untranslated interface string, no
Python repr and no raw identifier.

The pages are the GET rows of the permission matrix that answer a role with HTML. What a reader sees of a page is
its text nodes, the attributes a browser shows or reads out (title, placeholder, aria-label, alt, the value of a
button) and the strings of its JSON data blocks (json_script: chart and map labels). On a Kazakh or Russian page a
text is untranslated when it is, whole, a message of the catalogue in English or in the other language
(locale/*/django.po, a placeholder matching anything: a warning stored in the language of whoever computed it
reads so), or when it holds a word of the English messages that the page's language never uses ("Tonnage", a
label Django made from a field name); on an English page, when it holds Cyrillic. A repr is Python's way of
writing a value (`<QuerySet`, `Decimal(`, `None`, `{'`); a raw identifier is a choice's stored value
(`surface_water`) where its label belongs. The world's own data (names and codes, notes and explanations it
typed, reference data's sources) is what it is in every language, and is left out of the texts first.
"""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import json
import re
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import translation

from monitoring.ingest import COLUMNS as RESULT_COLUMNS
from monitoring.models import MpcNorm, Pollutant, SeverityRuleSet, Unit
from portal.tests.permission_matrix.test_matrix import ROWS
from portal.tests.permission_matrix.world import ROLES, World
from registry.models import Region
from registry.returns.checks import INPUT_FIELDS
from registry.returns.models import WasteCode
from registry.services import SURVEY_COLUMNS

pytestmark = pytest.mark.django_db

LANGUAGES = ("kk", "ru", "en")
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
REPRS = re.compile(r"<QuerySet|<[A-Z]\w+: |Decimal\(|datetime\.|\{'|\['|\bNone\b|^True$|^False$")
WORD = re.compile(r"[^\W\d_]{2,}")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
TOKEN = re.compile(r"\b[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*\b")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# A text that is an address or a file's path.
ADDRESS = re.compile(r"^(/\S*|[\w./-]+\.\w{2,4})$")
# What a JSON block holds for the script, not for the reader: addresses, and the stored values it colours by.
MACHINE_KEYS = {
    "url", "tiles", "outline", "attribution", "kind", "medium", "severity", "status", "t", "state", "pollutant",
}  # fmt: skip
# What the world typed (notes, explanations, the inspector's reasons: test helpers') and reference data's sources.
TYPED = ("Checked on site.", "Checked.", "Seen.")


def _po_entries(path: Path) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) of a .po file, a plural form as an entry of its own; the header left out."""
    entry: dict[str, str] = {}
    current = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if entry.get("msgid"):
                yield entry["msgid"], entry.get("msgstr", "")
                if entry.get("msgid_plural"):
                    yield entry["msgid_plural"], entry.get("msgstr[1]", "")
            if not line:
                entry, current = {}, ""
            continue
        if line.startswith('"'):
            entry[current] += json.loads(line)
            continue
        keyword, _, rest = line.partition(" ")
        current = {"msgstr[0]": "msgstr"}.get(keyword, keyword)
        entry[current] = json.loads(rest)


@cache
def _catalogue() -> dict[str, list[tuple[str, str]]]:
    return {
        locale.name: list(_po_entries(locale / "LC_MESSAGES" / "django.po"))
        for locale in sorted(Path(settings.LOCALE_PATHS[0]).iterdir())
    }


def _literal(message: str) -> str:
    return PLACEHOLDER.sub(" ", message)


def _pattern(message: str) -> str:
    """A message as a regular expression: its words as they are, any text for a placeholder."""
    parts = PLACEHOLDER.split(message)
    return ".+?".join(r"\s+".join(re.escape(word) for word in part.split()) for part in parts)


@cache
def _foreign(language: str) -> re.Pattern[str]:
    """What must not be shown whole on a page in `language`: the English messages and the other languages'."""
    messages: set[str] = set()
    for locale, entries in _catalogue().items():
        for msgid, msgstr in entries:
            messages.add(msgid)
            if locale != language and msgstr:
                messages.add(msgstr)
    # The language's own translations, where they read the same as another's ("API"), are not foreign.
    messages -= {msgstr for _msgid, msgstr in _catalogue()[language]}
    # A message of placeholders and punctuation ("%(label)s: %(value)s") would match any text.
    patterns = [_pattern(message) for message in messages if WORD.search(_literal(message))]
    return re.compile("|".join(f"(?:{pattern})" for pattern in sorted(patterns, key=len, reverse=True)))


@cache
def _english_words(language: str) -> frozenset[str]:
    """The words of the English messages that the language's own messages never use (it writes "API" too)."""
    english = {word.lower() for msgid, _ in _catalogue()[language] for word in LATIN_WORD.findall(_literal(msgid))}
    own = {word.lower() for _, msgstr in _catalogue()[language] for word in LATIN_WORD.findall(_literal(msgstr))}
    return frozenset(english - own)


@cache
def _raw_identifiers() -> frozenset[str]:
    """The stored values of the apps' choices that are not their own English label: `surface_water`, `air`."""
    values = set()
    with translation.override("en"):
        for app in ("portal", "registry", "returns", "monitoring", "reports"):
            for model in apps.get_app_config(app).get_models():
                for field in model._meta.get_fields():
                    for value, label in getattr(field, "flatchoices", None) or ():
                        if isinstance(value, str) and TOKEN.fullmatch(value) and value != str(label):
                            values.add(value)
    return frozenset(values)


class _Reader(HTMLParser):
    """The texts a reader sees or hears."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip: list[str] = []
        self._json = False
        self._buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        button = tag == "input" and attributes.get("type") in {"submit", "button"}
        for name, value in attributes.items():
            if value and (name in SHOWN_ATTRIBUTES or (name == "value" and button)):
                self.texts.append(value)
        if tag in {"script", "style"}:
            self._skip.append(tag)
            self._json = tag == "script" and attributes.get("type") == "application/json"
            self._buffer = ""

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
            if self._json:
                self.texts.extend(_strings(json.loads(self._buffer)))
            self._json = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            self._buffer += data
        else:
            self.texts.append(data)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in MACHINE_KEYS:
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def problems_of(html: str, language: str, data: list[str]) -> list[str]:
    """What a page in `language` shows untranslated; `data` the texts shown as they are, longest first."""
    reader = _Reader()
    reader.feed(html)
    found = []
    for raw in reader.texts:
        text = " ".join(raw.split())
        if ADDRESS.match(text):
            continue
        own = text
        for name in data:
            own = own.replace(name, " ")
        if not WORD.search(own):
            continue
        # On an English page an English word may be a stored value too ("air"): only an underscore gives it away.
        tokens = [token for token in TOKEN.findall(own) if language != "en" or "_" in token]
        if REPRS.search(own):
            found.append(f"repr: {text!r}")
        elif raw_tokens := sorted({token for token in tokens if token in _raw_identifiers()}):
            found.append(f"raw identifier {raw_tokens}: {text!r}")
        elif language == "en":
            if CYRILLIC.search(own):
                found.append(f"not English: {text!r}")
        elif _foreign(language).fullmatch(text):
            found.append(f"untranslated: {text!r}")
        elif english := sorted({word for word in LATIN_WORD.findall(own) if word.lower() in _english_words(language)}):
            found.append(f"English words {english}: {text!r}")
    return found


def _data(world: World, language: str, path: str) -> list[str]:
    """The world's own names and codes (those held in each language, in the page's; in every language on a page of
    history, which shows each language's name as a changed value, and units as stored), what it typed, the columns
    of the upload files (typed as they are), the reference data's sources."""
    names: set[str] = {str(value) for value in world.keys.values()} | {user.username for user in world.users.values()}
    with translation.override(language):
        for obj in world.objects.values():
            names.update(str(getattr(obj, name)) for name in ("name", "code") if getattr(obj, name, ""))
    if "history" in path or path.startswith("/audit/"):
        for model in (Region, Pollutant, WasteCode):
            for row in model.objects.values_list("name_kk", "name_ru", "name_en"):
                names.update(row)
        names.update(Unit.objects.values_list("code", flat=True))  # a norm's unit, as stored
    names.update(TYPED)
    names.update([*RESULT_COLUMNS, *SURVEY_COLUMNS, *INPUT_FIELDS])
    names.update(MpcNorm.objects.values_list("legal_basis", flat=True))
    names.update(SeverityRuleSet.objects.values_list("note", flat=True))
    return sorted((name for name in names if name), key=len, reverse=True)


PAGES = sorted(
    {
        path
        for _key, method, path, _expected, _body in ROWS
        if method == "GET" and not path.startswith(("/api/", "/admin/"))
    }
)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_translated(world, path, language):
    url = path.format(**world.keys)
    data = _data(world, language, path)
    found: dict[str, set[str]] = {}
    for role in ROLES:
        with transaction.atomic():
            response = world.client(role).get(url, HTTP_ACCEPT_LANGUAGE=language)
            transaction.set_rollback(True)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for problem in problems_of(response.content.decode(), language, data):
            found.setdefault(problem, set()).add(role)
    report = "\n".join(f"  {problem} ({', '.join(sorted(roles))})" for problem, roles in sorted(found.items()))
    assert not found, f"{url} in {language}:\n{report}"


@pytest.mark.parametrize(
    ("html", "language", "found"),
    [
        ("<p>State year</p>", "kk", "English words ['State', 'year']: 'State year'"),
        ("<p>Tonnage</p>", "kk", "untranslated: 'Tonnage'"),
        ('<select><option value="-tonnage">Tonnage (descending)</option></select>', "ru", "untranslated"),
        ("<td>surface_water</td>", "ru", "raw identifier ['surface_water']"),
        ("<td>None</td>", "kk", "repr"),
        ("<td>&lt;QuerySet []&gt;</td>", "ru", "repr"),
        ("<li>100,000 т не совпадает с остатком на конец года 130,000 т по принятому отчёту за прошлый год.</li>",
         "kk", "untranslated"),
        ('<script type="application/json">{"labels": {"reported": "generated (reported)"}}</script>', "kk",
         "untranslated"),
        ('<canvas aria-label="Concentration and MPC"></canvas>', "ru", "untranslated"),
        ("<h1>Отходы</h1>", "en", "not English"),
    ],
)  # fmt: skip
def test_the_reader_finds_what_is_not_in_the_pages_language(html, language, found):
    (problem,) = problems_of(html, language, data=[])
    assert problem.startswith(found)


def test_the_reader_leaves_translated_text_and_data_alone():
    page = (
        '<p>Масса</p><td>AIR-1</td><a href="/registry/deposits/1/">reports/2026/report.pdf</a>'
        '<script type="application/json">{"kind": "chemical_metallurgical", "url": "/x/"}</script>'
        '<button type="submit" name="language" value="kk">KK</button><td>Enterprise A LLP</td>'
    )
    assert problems_of(page, "ru", data=["Enterprise A LLP", "AIR-1"]) == []
