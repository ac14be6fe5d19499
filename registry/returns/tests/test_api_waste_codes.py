"""GET /api/v1/returns/waste-codes/: the waste classifier, public, paginated, in the reader's language, filtered
by a code or a word of the name (any language) and by the hazardous flag."""

import re

import pytest

from registry.returns.tests import helpers

pytestmark = pytest.mark.django_db

URL = "/api/v1/returns/waste-codes/"


def test_the_classifier_is_public_and_paginated(api_client):
    response = api_client.get(URL, {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert len(body["results"]) == 2
    assert set(body["results"][0]) == {"code", "label", "name", "hazardous", "chapter", "mirror"}


def test_names_in_the_language_asked_for(api_client):
    slag = {"q": helpers.SLAG}

    english = api_client.get(URL, slag).json()["results"]
    russian = api_client.get(URL, slag, HTTP_ACCEPT_LANGUAGE="ru").json()["results"]

    assert [item["code"] for item in english] == [helpers.SLAG]
    assert english[0]["name"] != russian[0]["name"]
    assert re.search("[\u0400-\u04ff]", russian[0]["name"])  # Cyrillic


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("100601", [helpers.SLAG]),
        ("10 06 01", [helpers.SLAG]),
        ("10 06 01*", [helpers.SLAG]),
        ("1006", [helpers.SLAG, helpers.FLUE_DUST, "10 06 04"]),
    ],
)
def test_found_by_code_however_spaced(api_client, typed, expected):
    codes = [item["code"] for item in api_client.get(URL, {"q": typed}).json()["results"]]

    assert codes == expected


def test_found_by_a_word_of_the_name_in_any_language(api_client, waste_codes):
    tailings = waste_codes[helpers.TAILINGS]
    for word in (tailings.name_en.split()[0], tailings.name_ru.split()[0], tailings.name_kk.split()[0]):
        codes = [item["code"] for item in api_client.get(URL, {"q": word}).json()["results"]]
        assert helpers.TAILINGS in codes, word


def test_filtered_by_the_hazardous_flag(api_client, waste_codes):
    hazardous = api_client.get(URL, {"hazardous": "true", "page_size": 100}).json()["results"]
    other = api_client.get(URL, {"hazardous": "false", "page_size": 100}).json()["results"]

    assert {item["code"] for item in hazardous} == {c for c, w in waste_codes.items() if w.hazardous}
    assert {item["code"] for item in other} == {c for c, w in waste_codes.items() if not w.hazardous}
    assert all(item["label"].endswith("*") for item in hazardous)
