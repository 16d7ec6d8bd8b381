"""Length and format are checked before anything looks for duplicates (issue 16, item 7): a 2,000,000-character
name is refused by its length at once, on the page, the live check and the API, and matching never sees it."""

import pytest
from django.urls import reverse

from accounts import matching

pytestmark = pytest.mark.django_db

LONG_NAME = "x" * 2_000_000  # 2 MB: under the request size limit


@pytest.fixture
def matching_must_not_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("duplicate matching ran on input that fails its length check")

    for name in ("customer_match_candidates", "customer_match_lookup", "similar_names"):
        monkeypatch.setattr(matching, name, refuse)
        monkeypatch.setattr(f"accounts.services.{name}", refuse, raising=False)


def test_the_page_refuses_a_long_name_by_its_length(client, owner, matching_must_not_run):
    client.force_login(owner)
    response = client.post(reverse("accounts:customer-new"), {"source": "manual", "name": LONG_NAME})
    assert response.status_code == 200
    [message] = response.context["form"].errors["name"]
    assert "200" in message  # the limit is named


def test_the_live_check_refuses_a_long_name_without_matching(client, owner, matching_must_not_run):
    client.force_login(owner)
    response = client.post(reverse("accounts:customer-check"), {"name": LONG_NAME, "email": "x@"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/customers/check/", "/api/v1/customers/intake/"])
def test_the_api_refuses_a_long_name_by_its_length(api_as, owner, path, matching_must_not_run):
    response = api_as(owner).post(path, {"name": LONG_NAME, "source": "manual"}, format="json")
    assert response.status_code == 400
    assert "name" in str(response.json())
