"""The reader's language beyond the catalogue: the API speaks English to a client that names no language, pages
write numbers and units as the language does, and the change log names rows, choices and values in it."""

import html
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from registry import services
from registry.tests.factories import DepositFactory, RegionFactory

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def test_the_api_answers_in_english_unless_the_client_asks_for_a_language(client_for, settings):
    settings.LANGUAGE_CODE = "ru"  # the portal's default, as in production
    url = "/api/v1/registry/deposits/?bbox=1,2"
    english = client_for(None).get(url)
    assert english.status_code == 400
    assert english["Content-Language"] == "en"
    assert "Give four numbers" in english.content.decode()
    russian = client_for(None).get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert russian["Content-Language"] == "ru"
    assert "Give four numbers" not in russian.content.decode()


def test_pages_keep_the_portals_default_language(web, settings):
    settings.LANGUAGE_CODE = "ru"
    assert web(None).get("/registry/deposits/")["Content-Language"] == "ru"


@pytest.mark.parametrize(
    ("language", "shown"),
    [("kk", f"1{NBSP}606{NBSP}778,70 млн т"), ("ru", f"1{NBSP}606{NBSP}778,70 млн т"), ("en", "1,606,778.70 Mt")],
)
def test_a_page_writes_numbers_as_the_readers_language_does(web, language, shown):
    deposit = DepositFactory(tonnage_t=Decimal("1606778700000.0"), is_published=True)
    page = web(None).get(f"/registry/deposits/{deposit.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert shown in html.unescape(page)


@pytest.mark.parametrize(("language", "shown"), [("kk", "мг/м³"), ("ru", "мкг/л"), ("en", "mg/m³")])
def test_units_are_written_in_the_readers_language(language, shown):
    code = "ug/l" if language == "ru" else "mg/m3"
    with translation.override(language):
        assert Template("{% load units %}{{ code|unit }}").render(Context({"code": code})) == shown


def test_the_change_log_names_rows_choices_and_values_in_the_readers_language(web, administrator):
    region = RegionFactory(name_en="Ulytau Region", name_ru="Улытауская область", name_kk="Ұлытау облысы")
    deposit = DepositFactory(region=region, operator__region=region)
    services.deposit_update(actor=administrator, deposit=deposit, fields={"status": "closed"})
    services.deposit_update(actor=administrator, deposit=deposit, fields={"name_kk": "Ұлытау қож үйіндісі"})
    page = html.unescape(
        web(administrator).get(f"/registry/deposits/{deposit.pk}/history/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    )
    assert "Ұлытау қож үйіндісі" in page  # the deposit by its Kazakh name, given after the first change
    assert "жабылған" in page  # the status by its Kazakh label
    assert ">closed<" not in page
