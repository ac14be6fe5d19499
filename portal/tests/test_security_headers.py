"""TRACE refused, the map's tile server in the Content-Security-Policy, and who gets `Cache-Control: no-store`
(portal.headers). Every page's headers and its keeping to the policy: permission_matrix/test_headers.py."""

import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from portal.env import csp_source
from portal.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "portal" / "settings.py"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
@pytest.mark.parametrize("path", ["/", "/statistics/", "/api/v1/stats/waste/", "/admin/", "/no-such-page/"])
def test_trace_is_refused_everywhere(client, method, path):
    response = client.generic(method, path, HTTP_X_SECRET="echo me")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert b"echo me" not in response.content
    assert "Content-Security-Policy" in response


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_trace_is_refused_through_gunicorn():
    """As the portal runs in production: gunicorn hands TRACE to Django, which would dispatch it to a view."""
    port = _free_port()
    # --preload: the port is open only once the application is loaded.
    command = ["gunicorn", "portal.wsgi", "--preload", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    server = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(600):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("TRACE", "/", headers={"Host": "127.0.0.1", "X-Secret": "echo me"})
                break
            except ConnectionRefusedError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        response = connection.getresponse()
        assert response.status == 405
        assert b"echo me" not in response.read()
    finally:
        server.terminate()
        server.wait(10)


def test_the_tile_server_of_the_map_is_allowed_for_images(monkeypatch):
    monkeypatch.setenv("MAP_TILE_URL", "https://{s}.tile.example.kz/{z}/{x}/{y}.png")
    settings = runpy.run_path(str(SETTINGS))
    assert settings["SECURE_CSP"]["img-src"] == ["'self'", "data:", "https://*.tile.example.kz"]
    assert csp_source("MAP_TILE_URL", "http://tiles.example.kz:8080/{z}/{x}/{y}.png") == "http://tiles.example.kz:8080"
    with pytest.raises(ImproperlyConfigured, match="MAP_TILE_URL"):
        csp_source("MAP_TILE_URL", "https://tiles.{s}.example.kz/{z}/{x}/{y}.png")


@pytest.mark.django_db
def test_private_answers_and_api_answers_are_never_stored_on_the_way(client):
    anonymous = client.get("/statistics/")  # sets the CSRF cookie, whose token is in the page
    assert "csrftoken" in anonymous.cookies
    assert "no-store" in anonymous["Cache-Control"] and "private" in anonymous["Cache-Control"]
    assert "no-store" in client.get("/api/v1/stats/waste/?year=2019")["Cache-Control"]
    reader = Client()
    reader.force_login(UserFactory.create())
    page = reader.get("/registry/deposits/")
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "no-store" in reader.get("/api/v1/registry/regions/")["Cache-Control"]
    # Swagger UI's page holds nothing of the reader (its script, with the CSRF token, is private).
    assert "private" not in client.get("/api/v1/docs/")["Cache-Control"]
    assert "private" in client.get("/api/v1/docs/?script=")["Cache-Control"]
