"""`portal.throttling.client_address`: the connection's address, or behind a trusted proxy the address the proxy
saw; never an address the client names itself."""

import pytest
from django.test import RequestFactory

from portal.throttling import client_address

PROXY = "10.0.0.2"


def address(remote: str, forwarded: str | None = None) -> str:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "172.16.5.1"]


def test_without_trusted_proxies_the_connection_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.66") == "203.0.113.66"
    assert address("10.0.0.2", "198.51.100.7") == "10.0.0.2"


def test_an_untrusted_client_cannot_name_its_address(proxies):
    assert address("203.0.113.66", "198.51.100.7") == "203.0.113.66"


def test_behind_a_trusted_proxy_the_proxy_says_who_it_serves(proxies):
    assert address(PROXY, "198.51.100.7") == "198.51.100.7"
    assert address(PROXY, " 198.51.100.7 ") == "198.51.100.7"


def test_the_right_most_address_no_trusted_proxy_wrote(proxies):
    # The client sent "1.2.3.4" itself; our proxies appended what they saw, right to left: 172.16.5.1 saw
    # 198.51.100.7, which is the client.
    assert address(PROXY, "1.2.3.4, 198.51.100.7, 172.16.5.1") == "198.51.100.7"


def test_a_request_from_the_proxy_itself_is_the_proxys(proxies):
    assert address(PROXY) == PROXY
    assert address(PROXY, "172.16.5.1") == "172.16.5.1"


def test_something_other_than_an_address_stops_the_walk(proxies):
    assert address(PROXY, "unknown") == PROXY
    assert address(PROXY, "198.51.100.7, unknown, 172.16.5.1") == "172.16.5.1"


def test_an_ipv6_client_is_its_64_network(proxies):
    assert address("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::"
    assert address("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::"
    assert address(PROXY, "2001:db8:1:3::5") == "2001:db8:1:3::"
    assert address("::ffff:203.0.113.66") == "203.0.113.66"
