"""Lists ordered by name order by the name the reader reads (the name in the page's language, else the registered
one), by default and when "name" is asked for, on the pages and in the API."""

# ruff: noqa: RUF001 (Russian and Kazakh text)

import html

import pytest

from registry.tests.factories import DepositFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

# Registered names in one order, Russian ones in the other; Kazakh ones in the registered order.
NAMES = [
    {"name": "Alpha Mining LLP", "name_ru": "ТОО «Ягодное»", "name_kk": "«Бірлік» ЖШС"},
    {"name": "Beta Smelting LLP", "name_ru": "ТОО «Амурское»", "name_kk": "«Жалын» ЖШС"},
]


@pytest.fixture
def enterprises(region):
    found = []
    for names in NAMES:
        enterprise = EnterpriseFactory(region=region, **names)
        DepositFactory(operator=enterprise, is_published=True, name=f"Dump of {names['name']}",
                       name_ru=f"Отвал {names['name_ru']}", name_kk=f"{names['name_kk']} үйіндісі")  # fmt: skip
        found.append(enterprise)
    return found


def order(text: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: text.index(name))


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        ("ru", "ТОО «Амурское»", "ТОО «Ягодное»"),
        ("kk", "«Бірлік» ЖШС", "«Жалын» ЖШС"),
        ("en", "Alpha Mining LLP", "Beta Smelting LLP"),
    ],
)
def test_the_enterprise_and_deposit_lists_order_by_the_readers_name(web, enterprises, language, first, second):
    client = web(None)
    for url in ("/registry/enterprises/", "/registry/enterprises/?ordering=name", "/registry/deposits/"):
        text = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
        assert order(text, [second, first]) == [first, second], url
    text = html.unescape(
        client.get("/registry/deposits/?ordering=-name", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    )
    assert order(text, [first, second]) == [second, first]


def test_the_api_orders_by_the_name_in_the_language_asked_for(client_for, enterprises):
    api = client_for(None)
    alpha, beta = (enterprise.bin for enterprise in enterprises)
    for language, expected in (("ru", [beta, alpha]), ("kk", [alpha, beta]), ("en", [alpha, beta])):
        answer = api.get("/api/v1/registry/enterprises/", {"ordering": "name"}, HTTP_ACCEPT_LANGUAGE=language)
        assert [item["bin"] for item in answer.json()["results"]] == expected, language
        answer = api.get("/api/v1/registry/deposits/", {"ordering": "-name"}, HTTP_ACCEPT_LANGUAGE=language)
        assert [item["operator"]["bin"] for item in answer.json()["results"]] == expected[::-1], language
