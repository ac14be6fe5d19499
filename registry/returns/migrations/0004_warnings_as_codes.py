"""A submitted version's warnings were stored as text, in the language active when they were computed; they are
now stored as a code and parameters, written out when shown in the reader's language.

Each stored text is read back with the three languages' texts of its warning as they were until now (kept here, so
that later edits of the translations do not change what this migration reads): the amounts (always three decimals,
grouped in the language's way), the factor and the ISO dates become the parameters. A text none of them reads
(edited by hand, say) stays as it is, under the code "legacy", and is shown as it was.
"""

import re
from collections.abc import Callable

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

AMOUNT = r"(?P<{name}>[0-9][0-9 \u00a0,.]*[,.][0-9]{{3}}) [tт]"
FACTOR = r"(?P<factor>[0-9]+(?:\.[0-9]+)?)"
DATE = r"(?P<{name}>[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})"


def _texts(*texts: str) -> list[re.Pattern[str]]:
    def pattern(text: str) -> re.Pattern[str]:
        escaped = re.escape(text)
        for name in ("opening", "closing", "now", "then"):
            escaped = escaped.replace(re.escape(f"%({name})s"), AMOUNT.format(name=name))
        for name in ("date", "deadline"):
            escaped = escaped.replace(re.escape(f"%({name})s"), DATE.format(name=name))
        return re.compile(escaped.replace(re.escape("%(factor)s"), FACTOR))

    return [pattern(text) for text in texts]


# Key prefix -> (code, the texts in English, Russian and Kazakh).
TEXTS = {
    "opening": (
        "opening_differs",
        _texts(
            "%(opening)s differs from the closing balance %(closing)s of last year's accepted return.",
            "%(opening)s не совпадает с остатком на конец года %(closing)s по принятому отчёту за прошлый год.",
            "%(opening)s өткен жылғы қабылданған есептегі жыл соңындағы қалдықтан (%(closing)s) өзгеше.",
        ),
    ),
    "change": (
        "change",
        _texts(
            "%(now)s against %(then)s last year: a change of more than %(factor)s times.",
            "%(now)s против %(then)s в прошлом году: изменение превышает %(factor)s-кратное.",
            "%(now)s, өткен жылы %(then)s: өзгеріс %(factor)s еседен асады.",
        ),
    ),
    "late": (
        "late",
        _texts(
            "Filed on %(date)s, after the deadline of %(deadline)s.",
            "Подан %(date)s, после истечения срока подачи (%(deadline)s).",
            "%(date)s тапсырылды, тапсыру мерзімі (%(deadline)s) өткеннен кейін.",
        ),
    ),
}
AMOUNTS = ("opening", "closing", "now", "then")


def _amount(text: str) -> str:
    """An amount as Russian ("1 234,500"), English ("1,234.500") or Kazakh ("1234.500") wrote it: three decimals
    after the last separator."""
    whole = re.sub(r"[^0-9]", "", text[:-4])
    return f"{whole or '0'}.{text[-3:]}"


def read(item: dict) -> dict:
    """A stored warning with a code and parameters; as it was if it has a code already."""
    if item.get("code"):
        return item
    stored = {name: item.get(name) for name in ("key", "line", "field")}
    code, texts = TEXTS.get(str(item.get("key", "")).split(":")[0], (None, []))
    for text in texts:
        match = text.fullmatch(" ".join(str(item.get("message", "")).split()))
        if match:
            params = {name: _amount(value) if name in AMOUNTS else value for name, value in match.groupdict().items()}
            return {**stored, "code": code, "params": params}
    return {**stored, "code": "legacy", "params": {"text": item.get("message", "")}}


ENGLISH_TEXTS = {
    "opening_differs": "%(opening)s t differs from the closing balance %(closing)s t of last year's accepted return.",
    "change": "%(now)s t against %(then)s t last year: a change of more than %(factor)s times.",
    "late": "Filed on %(date)s, after the deadline of %(deadline)s.",
}


def unread(item: dict) -> dict:
    """Back to text, in English."""
    if "message" in item:
        return item
    params = item.get("params", {})
    if item.get("code") == "legacy":
        message = params.get("text", "")
    else:
        message = ENGLISH_TEXTS.get(item.get("code"), "%(text)s") % {**params, "text": item.get("code")}
    return {name: item.get(name) for name in ("key", "line", "field")} | {"message": message}


def _convert(apps: Apps, convert: Callable[[dict], dict]) -> None:
    ReturnVersion = apps.get_model("returns", "ReturnVersion")
    for version in ReturnVersion.objects.exclude(warnings=[]).only("pk", "warnings").iterator():
        warnings = [convert(item) for item in version.warnings]
        if warnings != version.warnings:
            ReturnVersion.objects.filter(pk=version.pk).update(warnings=warnings)


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _convert(apps, read)


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _convert(apps, unread)


class Migration(migrations.Migration):
    dependencies = [("returns", "0003_audited_labels")]

    operations = [migrations.RunPython(forwards, backwards)]
