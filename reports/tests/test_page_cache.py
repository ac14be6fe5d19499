"""Whole public pages are cached for anonymous readers (reports.cache.PublicPageCacheMiddleware)."""

import random
import re
import string
from decimal import Decimal

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from monitoring.models import MonitoringPoint
from portal import cache_tags
from portal.tests.factories import UserFactory
from registry.models import Region
from registry.reference import load_regions
from registry.tests.factories import DepositFactory, EnterpriseFactory
from reports.aggregates import recompute
from reports.cache import CSRF_PLACEHOLDER
from reports.models import MonitoringAggregate, WasteAggregate
from reports.reference import load_published_statistics

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
ANY_TOKEN = re.compile(r'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+|(?<="X-CSRFToken": ")[A-Za-z0-9]+')


@pytest.fixture(autouse=True)
def statistics(db, django_capture_on_commit_callbacks):
    load_regions()
    with django_capture_on_commit_callbacks(execute=True):
        load_published_statistics()


@pytest.fixture
def karaganda():
    return Region.objects.get(iso_code="KZ-35")


def add_held(region, tonnes):
    WasteAggregate.objects.create(
        year=2023, region=region, held=Decimal(tonnes), generated=0, received=0, recycled=0, disposed=0,
        transferred=0,
    )  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/registry/deposits/",
        "/registry/deposits/{deposit}/",
        "/registry/enterprises/",
        "/registry/enterprises/{enterprise}/",
        "/monitoring/points/",
        "/statistics/",
        "/statistics/regions/?order=-2019",
        "/statistics/regions/KZ-35/",
        "/statistics/enterprises/{enterprise}/",
        "/statistics/regions/?format=csv",
        "/api/v1/stats/waste/?year=2019&region=KZ-35",
        "/api/v1/stats/monitoring/",
    ],
)
def test_an_anonymous_reader_gets_the_cached_page_without_a_query(client, karaganda, url, django_assert_num_queries):
    deposit = DepositFactory(region=karaganda, is_published=True)
    url = url.format(deposit=deposit.pk, enterprise=deposit.operator_id)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]
    assert ANY_TOKEN.sub("", second.content.decode()) == ANY_TOKEN.sub("", first.content.decode())


def test_logged_in_readers_get_fresh_pages_and_never_fill_the_cache(client, karaganda):
    client.get("/registry/deposits/")
    DepositFactory(name="Uncommitted slag dump", is_published=True)  # no commit, so the versions stand
    reader = Client()
    reader.force_login(UserFactory(username="logged_in_reader"))
    html = reader.get("/registry/deposits/").content.decode()
    assert "Uncommitted slag dump" in html
    assert "logged_in_reader" in html

    html = client.get("/registry/deposits/").content.decode()
    assert "Uncommitted slag dump" not in html  # still the anonymous page cached before
    assert "logged_in_reader" not in html


def test_language_variants_do_not_mix(client, django_assert_num_queries):
    assert '<html lang="ru"' in client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="kk"' in client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    with django_assert_num_queries(0):
        response = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ru"' in response.content.decode()
    assert response["Content-Language"] == "ru"


def test_htmx_results_and_the_full_page_do_not_mix(client):
    DepositFactory(name="Cached slag dump", is_published=True)
    assert "<html" in client.get("/registry/deposits/").content.decode()
    partial = client.get("/registry/deposits/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "Cached slag dump" in partial
    assert "<html" in client.get("/registry/deposits/").content.decode()


def test_json_and_the_browsable_api_do_not_mix(client):
    assert client.get("/api/v1/stats/waste/?year=2019").json()["count"] > 0
    assert client.get("/api/v1/stats/waste/?year=2019", HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")
    assert client.get("/api/v1/stats/waste/?year=2019").json()["count"] > 0


def test_an_aggregate_change_shows_at_once(client, karaganda, django_capture_on_commit_callbacks):
    url = "/api/v1/stats/waste/?year=2023&region=KZ-35"
    assert client.get(url).json()["count"] == 0
    add_held(karaganda, "55555555")
    assert client.get(url).json()["count"] == 0  # still cached: nothing committed, so the versions stand
    with django_capture_on_commit_callbacks(execute=True):
        recompute("monitoring")  # a full recompute is not narrowed: it bumps every answer's tag (ALL)
    held = [row["value"] for row in client.get(url).json()["results"] if row["indicator"] == "held"]
    assert held == ["55555.6"]


def test_a_registry_change_shows_at_once(client, karaganda, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(region=karaganda)
    assert "Fresh slag dump" not in client.get("/registry/deposits/").content.decode()
    assert "Fresh slag dump" not in client.get("/statistics/regions/KZ-35/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        DepositFactory(name="Fresh slag dump", operator=enterprise, region=karaganda, is_published=True)
    assert "Fresh slag dump" in client.get("/registry/deposits/").content.decode()
    assert "Fresh slag dump" in client.get("/statistics/regions/KZ-35/").content.decode()


def test_a_new_monitoring_point_shows_at_once(client, karaganda, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(region=karaganda)
    assert "SLAG-AIR-7" not in client.get("/monitoring/points/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        MonitoringPoint.objects.create(
            enterprise=enterprise, code="SLAG-AIR-7", medium="air", latitude=Decimal("46.8"), longitude=Decimal("75")
        )
    assert "SLAG-AIR-7" in client.get("/monitoring/points/").content.decode()


def test_a_deploy_drops_the_cached_pages(client, karaganda, django_capture_on_commit_callbacks):
    """A new release's templates and static file names must not wait for the old pages to expire: migrate, which
    every deploy runs, bumps the tag every answer depends on."""
    url = "/api/v1/stats/waste/?year=2023&region=KZ-35"
    assert client.get(url).json()["count"] == 0
    add_held(karaganda, "55555555")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("migrate", verbosity=0)
    assert client.get(url).json()["count"] > 0


def test_a_lost_version_never_meets_the_pages_stored_before(client, karaganda):
    url = "/api/v1/stats/waste/?year=2023&region=KZ-35"
    assert client.get(url).json()["count"] == 0
    add_held(karaganda, "55555555")
    # Evicted, or Redis lost it, while the pages stayed.
    cache.delete_many(cache_tags.version_keys([cache_tags.figures("waste", 2023, "KZ-35")]))
    assert client.get(url).json()["count"] > 0


def test_made_up_parameters_bypass_the_cache(client):
    url = "/statistics/regions/KZ-35/?utm_source=feed"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert queries.captured_queries  # rendered again


def test_no_csrf_token_or_session_is_shared_through_the_cache():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/statistics/")
    second_page = second.get("/statistics/")  # from the cache
    for page in (first_page, second_page):
        html = page.content.decode()
        assert CSRF_PLACEHOLDER not in html
        assert "csrftoken" in page.cookies  # each reader gets the cookie that goes with their own token
        assert "sessionid" not in page.cookies
    first_token = TOKEN.search(first_page.content.decode())[1]
    second_token = TOKEN.search(second_page.content.decode())[1]
    assert f'"X-CSRFToken": "{second_token}"' in second_page.content.decode()  # htmx's header too
    assert first_token != second_token

    switch = {"language": "kk", "next": "/statistics/"}
    assert second.post("/i18n/setlang/", {**switch, "csrfmiddlewaretoken": first_token}).status_code == 403
    assert second.post("/i18n/setlang/", {**switch, "csrfmiddlewaretoken": second_token}).status_code == 302
    assert '<html lang="kk"' in second.get("/statistics/").content.decode()


def _stored(settings) -> set[bytes]:
    """The keys of the page cache and the cached statistics, as Redis holds them."""
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    with redis.Redis.from_url(settings.REDIS_URL) as server:
        keys = set(server.scan_iter(match=f"{prefix}:*", count=1000))
    return {key for key in keys if b":page:" in key or b":stats:" in key}


def _junk(chooser: random.Random, name: str) -> str:
    """A value for a parameter: text, a number out of any bounds, a page past the last, a padded or signed number."""
    number = chooser.randint(2, 10**7)
    return chooser.choice([
        "".join(chooser.choices(string.ascii_letters + string.digits + "-_.,", k=chooser.randint(1, 12))),
        str(number + 2300), f"0{number}", f"+{number}", f" {number}", "KZ-99" if name == "region" else str(number),
    ])  # fmt: skip


def test_random_query_parameters_store_no_cache_entry(client, karaganda, settings):
    """A client making up query parameters, or values of the parameters the views read, fills nothing: 500 such
    requests to the cached pages and the stats API leave the cache's keys as they were."""
    deposit = DepositFactory(region=karaganda, is_published=True)
    MonitoringAggregate.objects.create(
        year=2024, region=karaganda, pollutant_code="Cu", medium="air", unit="mg/m3", results=10, mean=0.01,
        maximum=0.2, exceeding=6, high=2, extreme=1, points=2, enterprises=1,
    )  # fmt: skip
    urls = [
        "/", "/registry/deposits/", f"/registry/deposits/{deposit.pk}/", "/registry/enterprises/",
        f"/registry/enterprises/{deposit.operator_id}/", "/monitoring/points/", "/statistics/", "/statistics/regions/",
        "/statistics/regions/KZ-35/", f"/statistics/enterprises/{deposit.operator_id}/", "/api/v1/stats/waste/",
        "/api/v1/stats/monitoring/",
    ]  # fmt: skip
    declared = ["year", "page", "page_size", "format", "order", "region", "pollutant", "q", "kind", "ordering",
                "operator", "min_tonnage", "bbox"]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 200
    before = _stored(settings)
    chooser = random.Random(11)
    answers = set()
    for number in range(500):
        query = {}
        for _ in range(chooser.randint(1, 3)):
            name = chooser.choice([*declared, "".join(chooser.choices(string.ascii_lowercase, k=6))])
            query[name] = _junk(chooser, name)
        # One address each, so that no rate limit answers in place of the page.
        response = client.get(chooser.choice(urls), query, REMOTE_ADDR=f"10.0.{number // 250}.{number % 250 + 1}")
        answers.add(response.status_code)
    assert 200 in answers  # most pages answer a made-up parameter as if it were not there
    assert _stored(settings) == before


def test_the_query_is_keyed_by_its_values_in_any_order_and_empty_fields_mean_none(client, django_assert_num_queries):
    DepositFactory(name="Ordered slag dump", is_published=True)
    assert "Ordered slag dump" in client.get("/registry/deposits/?region=&kind=&ordering=name").content.decode()
    with django_assert_num_queries(0):
        assert "Ordered slag dump" in client.get("/registry/deposits/?q=&ordering=name&status=").content.decode()


def test_a_corrected_or_refused_value_is_shown_but_never_stored(client, karaganda, settings):
    DepositFactory(region=karaganda, is_published=True)
    client.get("/registry/deposits/")
    before = _stored(settings)
    past_the_last = client.get("/registry/deposits/?page=7")
    assert past_the_last.status_code == 200
    assert past_the_last.context["page"].number == 1
    made_up_region = client.get("/registry/deposits/?region=KZ-99")
    assert made_up_region.status_code == 200
    assert made_up_region.context["filter"].errors
    assert client.get("/api/v1/stats/monitoring/?pollutant=Xx").json()["count"] == 0
    assert _stored(settings) == before


def test_a_made_up_order_of_the_regional_table_is_computed_as_the_official_one(client, settings):
    client.get("/statistics/regions/")
    before = _stored(settings)
    html = client.get("/statistics/regions/?order=-19x").content.decode()
    assert 'href="/statistics/regions/KZ-35/"' in html
    assert _stored(settings) == before
