"""An unforeseen error answers an API client in JSON (an error id the log also has, no traceback) and a
person with a page, never Django's bare "Server Error (500)" (issue 14)."""

import logging

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.crm.broken_urls")]


@pytest.fixture
def failing_client(owner):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return client


@pytest.mark.parametrize("path", ["/api/v1/broken/", "/api/v1/broken-plain/"])
def test_an_api_client_gets_json_with_an_error_id_the_log_has(failing_client, caplog, path):
    with caplog.at_level(logging.ERROR, logger="crm.errors"):
        response = failing_client.post(path, {}, content_type="application/json")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert len(body["error_id"]) == 12 and body["error_id"] in body["detail"]
    assert "secret-detail-of-the-bug" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "crm.errors"]
    assert body["error_id"] in logged[0].getMessage()
    assert "secret-detail-of-the-bug" in str(logged[0].exc_info[1])


def test_a_person_gets_a_page_with_the_error_id(failing_client, caplog):
    with caplog.at_level(logging.ERROR, logger="crm.errors"):
        response = failing_client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    error_id = next(r for r in caplog.records if r.name == "crm.errors").getMessage().split()[-1]
    assert error_id in html and "secret-detail-of-the-bug" not in html
    assert "Server Error (500)" not in html
