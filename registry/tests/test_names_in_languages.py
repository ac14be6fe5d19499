"""Enterprises and deposits have a name in each language beside the registered one: pages and the map show the
reader's (else the registered name), and the search finds a row by its name, its operator's or its region's in
any language. The deposit list's orderings are written in the reader's language."""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import html
import json
import re

import pytest
from django.utils import translation

from registry.tests.factories import DepositFactory, EnterpriseFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def balkhash():
    region = RegionFactory(name_en="Karaganda Region", name_ru="Карагандинская область", name_kk="Қарағанды облысы")
    plant = EnterpriseFactory(
        name="Kazakhmys Corporation LLP", name_ru="ТОО «Корпорация Казахмыс»", name_kk="«Қазақмыс Корпорациясы» ЖШС",
        region=region,
    )  # fmt: skip
    return DepositFactory(
        name="Balkhash Copper Plant slag dumps", name_en="Balkhash Copper Plant slag dumps",
        name_ru="Шлаковые отвалы Балхашского медеплавильного завода",
        name_kk="Балқаш мыс қорыту зауытының қож үйінділері", operator=plant, is_published=True,
    )  # fmt: skip


@pytest.fixture
def unnamed():
    """A deposit known by its registered name only."""
    return DepositFactory(name="Zhezkazgan tailings", is_published=True)


def page(web, url, language):
    response = web(None).get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_searching_a_russian_name_finds_the_deposit_on_an_english_page(web, balkhash, unnamed):
    text = page(web, "/registry/deposits/?q=Балхаш", "en")
    assert "Balkhash Copper Plant slag dumps" in text
    assert "Zhezkazgan tailings" not in text


@pytest.mark.parametrize(
    ("query", "found"),
    [("Балқаш", True), ("balkhash", True), ("Казахмыс", True), ("Қарағанды", True), ("Алматы", False)],
)
def test_the_api_searches_names_of_the_deposit_its_operator_and_its_region_in_every_language(
    client_for, balkhash, query, found
):
    results = client_for(None).get("/api/v1/registry/deposits/", {"q": query}).json()["results"]
    names = [item["name"] for item in results]
    assert names == (["Balkhash Copper Plant slag dumps"] if found else [])


def test_the_enterprise_search_reads_every_language(client_for, balkhash):
    results = client_for(None).get("/api/v1/registry/enterprises/", {"q": "Қазақмыс"}).json()["results"]
    assert [item["name_ru"] for item in results] == ["ТОО «Корпорация Казахмыс»"]


@pytest.mark.parametrize(
    ("language", "deposit", "operator"),
    [
        ("kk", "Балқаш мыс қорыту зауытының қож үйінділері", "«Қазақмыс Корпорациясы» ЖШС"),
        ("ru", "Шлаковые отвалы Балхашского медеплавильного завода", "ТОО «Корпорация Казахмыс»"),
        ("en", "Balkhash Copper Plant slag dumps", "Kazakhmys Corporation LLP"),
    ],
)
def test_pages_and_the_map_name_a_deposit_in_the_readers_language(web, balkhash, language, deposit, operator):
    detail = page(web, f"/registry/deposits/{balkhash.pk}/", language)
    assert f"<h1>{deposit}" in detail
    assert operator in detail
    listing = page(web, "/registry/deposits/", language)
    points = json.loads(re.search(r'<script id="map-points" type="application/json">(.*?)</script>', listing).group(1))
    assert [(point["name"], point["operator"]) for point in points] == [(deposit, operator)]


def test_a_name_not_given_in_a_language_falls_back_to_the_registered_one(web, unnamed):
    assert "<h1>Zhezkazgan tailings" in page(web, f"/registry/deposits/{unnamed.pk}/", "kk")
    with translation.override("kk"):
        assert str(unnamed) == unnamed.local_name == "Zhezkazgan tailings"


def test_the_orderings_are_written_in_the_readers_language(web, balkhash):
    options = re.compile(r'<option value="-?(?:tonnage|state_year)">([^<]*)</option>')
    english = options.findall(page(web, "/registry/deposits/", "en"))
    assert english == ["Tonnage", "Tonnage (descending)", "Year of the surveyed state",
                       "Year of the surveyed state (descending)"]  # fmt: skip
    assert options.findall(page(web, "/registry/deposits/", "ru"))[:2] == ["Масса", "Масса (по убыванию)"]
    # and English again: nothing of the Russian request stayed behind
    assert options.findall(page(web, "/registry/deposits/", "en")) == english
