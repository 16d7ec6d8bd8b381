"""A database that went away answers 503 with Retry-After (JSON for the API, a page in the layout), logged
once per outage; /healthz tells whether the database and the broker answer."""

from __future__ import annotations

import logging
import socket
from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from crm import middleware
from tests.celery_broker import broker


@contextmanager
def database_lost():
    """Every query of this thread fails as on a connection the server closed."""
    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture(autouse=True)
def _fresh_outage_log(monkeypatch):
    monkeypatch.setattr(middleware, "outage_log", middleware._OutageLog())


@pytest.fixture
def client():
    """As a browser sees it: an error becomes the site's error response, not an exception in the test."""
    return Client(raise_request_exception=False)


def test_a_page_answers_503_in_the_layout_with_retry_after(client, owner):
    client.force_login(owner)
    with database_lost():
        response = client.get(reverse("accounts:customer-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert 'data-testid="service-unavailable"' in html and "bootstrap.min.css" in html
    assert "数据库暂时没有响应" in html  # the default language, Chinese


def test_the_api_answers_503_json_with_retry_after(client, owner):
    token = Token.objects.create(user=owner)
    with database_lost():
        response = client.get("/api/v1/customers/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_outage_is_logged_once_not_per_request(client, owner, caplog):
    client.force_login(owner)
    with caplog.at_level(logging.INFO), database_lost():
        for _ in range(5):
            assert client.get(reverse("accounts:customer-list")).status_code == 503
    outage = [r for r in caplog.records if r.name == "crm.middleware"]
    assert len(outage) == 1 and "database unavailable" in outage[0].getMessage()
    assert not [r for r in caplog.records if r.name == "django.request"]  # no 500 traceback per request
    assert client.get(reverse("accounts:customer-list")).status_code == 200  # back: served again


def test_healthz_says_what_answers(db, client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok", "broker": "ok"})
    with database_lost():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok"}


def test_healthz_reports_a_broker_that_does_not_answer(db, client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with broker(f"redis://127.0.0.1:{port}/0"):
        response = client.get(reverse("healthz"))
    # Still 200: the pages serve and jobs wait in the outbox; a proxy must not drop the node for it.
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unavailable"}


def test_healthz_answers_for_the_embedded_broker_of_make_run(db, client, tmp_path):
    """The SQLite broker file of `make run` answers; one that cannot be opened (its folder is gone) does not."""
    with broker(f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"):
        response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok", "broker": "ok"})
    with broker(f"sqla+sqlite:///{tmp_path / 'gone' / 'broker.sqlite3'}"):
        response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()["status"], response.json()["broker"]) == (
        200, "degraded", "unavailable")


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_under_a_request_answers_503_then_the_next_request_is_served(client, owner):
    """Fault test on PostgreSQL: the server ends the request's connection (as a restart does) mid-request."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): SQLite has no server to lose")
    client.force_login(owner)
    killed = []

    def kill_own_backend(execute, sql, params, many, context):
        if not killed:
            pid = context["connection"].connection.info.backend_pid
            settings = connection.settings_dict
            with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
                                 password=settings["PASSWORD"], dbname=settings["NAME"], autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(kill_own_backend):
        response = client.get(reverse("accounts:customer-list"))
    assert killed and response.status_code == 503 and response["Retry-After"]
    assert client.get(reverse("accounts:customer-list")).status_code == 200  # a fresh connection serves it
