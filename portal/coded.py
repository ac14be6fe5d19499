"""Messages that are stored as a code and its parameters, and written out when shown, in the reader's language.

A stored message (a return's warnings, the row errors of a file read in the background) keeps no text: text would
stay in the language of whoever caused it to be computed. Its code names a `Template`, a lazy translation, and its
parameters are JSON values in a machine form (amounts as decimal strings, dates in ISO 8601), which the template's
`formats` write out in the language active when it is shown: "1 606 778,700 т" in Russian and Kazakh, "1,606,778.700
t" in English, a date as the language writes dates.

Where many messages are written in one place and only sometimes stored (a file's row errors), `Message` is text
written at once that also keeps its template, the catalogue's English msgid, and its parameters (`stored`), so that
`written` writes a stored copy again in its reader's language.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Format = Callable[[Any], str]


def number(value: Any) -> str:
    """A decimal as written, its decimals kept, grouped in the language's way."""
    return formats.number_format(Decimal(str(value)), force_grouping=True)


def tonnes(value: Any) -> str:
    return _("%(amount)s t") % {"amount": formats.number_format(Decimal(str(value)), 3, force_grouping=True)}


def date(value: Any) -> str:
    return formats.date_format(datetime.date.fromisoformat(str(value)))


def decimal_param(value: Decimal) -> str:
    """How a stored message keeps a decimal: exactly, as text (JSON's numbers are floats to many readers)."""
    return format(value, "f")


def _as_it_is(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Template:
    """A message's text and how its parameters are written out; a parameter without a format is put in as it is
    (a count, which also chooses a plural form, or a code)."""

    text: "StrOrPromise"
    formats: Mapping[str, Format] = field(default_factory=dict)

    def render(self, params: Mapping[str, Any]) -> str:
        try:
            shown = {name: self.formats.get(name, _as_it_is)(value) for name, value in params.items()}
            return str(self.text % shown)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            # Parameters of an older shape than the template: the text without them beats no text.
            return str(self.text)


def render(templates: Mapping[str, Template], code: str, params: Mapping[str, Any]) -> str:
    """The message of a code in the reader's language; an unknown code (from a newer version) as it is."""
    template = templates.get(code)
    return template.render(params) if template is not None else code


# How a parameter of a `Message` is written, by its name, where its stored value is a code ("medium": "air"); the
# apps register theirs.
PARAMETER_FORMATS: dict[str, Format] = {}


def _shown(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: PARAMETER_FORMATS.get(name, _as_it_is)(value) for name, value in params.items()}


def _json(value: Any) -> Any:
    """A parameter as JSON keeps it: decimals exactly, as text; anything else but numbers and text, as text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return decimal_param(value) if isinstance(value, Decimal) else str(value)


class Message(str):
    """Text in the active language that keeps its template (the English msgid) and parameters: used as `_`,
    `Message("unknown pollutant “%(code)s”.") % {"code": code}` reads like a translated message and can be stored."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> "Message":
        params = {name: _json(value) for name, value in (params or {}).items()}
        text = gettext(template)
        message = super().__new__(cls, text % _shown(params) if params else text)
        message.template, message.params = template, params
        return message

    def __mod__(self, params: Any) -> "Message":  # it keeps the template
        return Message(self.template, params)

    def stored(self) -> dict[str, Any]:
        return {"msgid": self.template, "params": self.params}


def from_error(error: ValidationError) -> "Message | str":
    """A Django ValidationError's message (a lazy translation and its parameters) as a Message."""
    if not hasattr(error, "message"):
        return " ".join(error.messages)
    with translation.override(None):  # no catalogue: the lazy translation gives its msgid
        template = str(error.message)
    return Message(template, error.params)


def written(stored: Mapping[str, Any], text_key: str) -> str:
    """A stored Message in the reader's language: from its msgid and parameters when it has them, else the text it
    was stored with (under `text_key`)."""
    code = stored.get("msgid")
    if not code:
        return str(stored.get(text_key, ""))
    params = stored.get("params") or {}
    try:
        return gettext(code) % _shown(params) if params else gettext(code)
    except (KeyError, TypeError, ValueError):
        return str(stored.get(text_key, code))


# An error about one row of a file or batch, or one line of a return, as a code and a message: the shape in which
# domain errors name what they are about (`error_items()`), which the API answers as it is (portal.api.exceptions).
ErrorItem = dict[str, Any]


def error_item(*, code: str, message: str, field: str | None = None, **where: int | str | None) -> ErrorItem:
    """One error; `where` is `row=` or `line=` (and, for a return's warning, its `key`); a None is left out."""
    located = {name: value for name, value in where.items() if value is not None}
    return {**located, "field": field, "code": code, "message": str(message)}
