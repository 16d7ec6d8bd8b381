"""/api/schema/ and /api/docs/ are behind sign-in in production; API_DOCS_PUBLIC=1 opens them."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(API_DOCS_PUBLIC=False)
def test_an_anonymous_visitor_gets_neither_schema_nor_docs(client):
    assert client.get("/api/schema/").status_code == 401
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/api/docs/")


@override_settings(API_DOCS_PUBLIC=False)
def test_a_signed_in_person_reads_schema_and_docs(client, org):
    client.force_login(org.am1)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


@override_settings(API_DOCS_PUBLIC=True)
def test_api_docs_public_opens_them(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_production_keeps_them_closed_unless_asked():
    from tests.crm.test_settings import GOOD_KEY, run_django

    production = {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "crm.example.com"}
    show = ("shell", "-c", "from django.conf import settings; print(settings.API_DOCS_PUBLIC)")
    assert run_django(production, *show).stdout.split()[-1] == "False"
    assert run_django({**production, "API_DOCS_PUBLIC": "1"}, *show).stdout.split()[-1] == "True"
