"""API of the sales organisation: token auth, users/me, lists, the error format."""

import pytest
from django.urls import reverse

from teams.models import User
from tests.factories import TEST_PASSWORD, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_auth_round_trip(api, owner):
    response = api.post(reverse("v1:api-token"), {"username": "owner", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get(reverse("v1:user-me"))
    assert me.status_code == 200
    assert me.json()["username"] == "owner"


def test_token_refused_for_wrong_password(api, owner):
    response = api.post(reverse("v1:api-token"), {"username": "owner", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_token_needs_both_fields(api):
    response = api.post(reverse("v1:api-token"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(reverse("v1:user-me")).status_code == 401


@pytest.mark.parametrize("name", ["v1:user-list", "v1:user-me", "v1:org-unit-list"])
def test_anonymous_gets_401(api, name):
    response = api.get(reverse(name))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert "detail" in response.json()


def test_me_returns_contract_fields(api_as, owner, manager, team):
    data = api_as(owner).get(reverse("v1:user-me")).json()
    assert {"id", "username", "display_name", "manager", "role", "org_unit"} <= set(data)
    assert data["manager"] == manager.pk
    assert data["org_unit"] == team.pk
    assert data["role"] == "account_manager"


def test_inactive_user_cannot_use_token(api, owner):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=owner)
    owner.is_active = False
    owner.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(reverse("v1:user-me")).status_code == 401


def test_user_list_paginated_and_filtered(api_as, owner, teammate, manager, outsider):
    client = api_as(owner)
    data = client.get(reverse("v1:user-list"), {"manager": manager.pk, "page_size": 1}).json()
    assert data["count"] == 2
    assert len(data["results"]) == 1
    assert data["next"] is not None
    data = client.get(reverse("v1:user-list"), {"role": "manager"}).json()
    assert sorted(u["username"] for u in data["results"]) == ["manager", "other-manager"]
    data = client.get(reverse("v1:user-list"), {"search": "outs"}).json()
    assert [u["username"] for u in data["results"]] == ["outsider"]


def test_page_size_capped_at_200(api_as, owner):
    UserFactory.create_batch(205)
    data = api_as(owner).get(reverse("v1:user-list"), {"page_size": 1000}).json()
    assert len(data["results"]) == 200


def test_missing_user_is_404_with_detail(api_as, owner):
    response = api_as(owner).get(reverse("v1:user-detail", args=[999999]))
    assert response.status_code == 404
    assert "detail" in response.json()


def test_invalid_filter_is_400_naming_the_field(api_as, owner):
    response = api_as(owner).get(reverse("v1:user-list"), {"role": "emperor"})
    assert response.status_code == 400
    assert "role" in response.json()


def test_user_list_constant_queries(api_as, owner, django_assert_max_num_queries):
    client = api_as(owner)
    unit = OrgUnitFactory()
    boss = UserFactory()
    UserFactory.create_batch(5, manager=boss, org_unit=unit)
    with django_assert_max_num_queries(3) as small:
        client.get(reverse("v1:user-list"))
    UserFactory.create_batch(40, manager=boss, org_unit=unit)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("v1:user-list"))
    assert response.json()["count"] == User.objects.count()


def test_org_units_list(api_as, owner, team, django_assert_max_num_queries):
    parent = OrgUnitFactory(name="华东区", kind="region")
    OrgUnitFactory.create_batch(10, parent=parent)
    client = api_as(owner)
    with django_assert_max_num_queries(3):
        data = client.get(reverse("v1:org-unit-list"), {"parent": parent.pk}).json()
    assert data["count"] == 10
    assert {"id", "name", "kind", "parent", "manager"} <= set(data["results"][0])
    detail = client.get(reverse("v1:org-unit-detail", args=[team.pk])).json()
    assert detail["member_count"] == 2  # the owner and their manager


def test_api_is_read_only_for_people(api_as, owner):
    response = api_as(owner).patch(reverse("v1:user-detail", args=[owner.pk]), {"role": "admin"}, format="json")
    assert response.status_code == 405
    owner.refresh_from_db()
    assert owner.role == "account_manager"


def test_a_locked_out_account_is_told_so_on_the_token_endpoint(api, settings):
    """After the lock-out even the right password gets "locked, for how long", never "wrong credentials";
    a wrong password gets the same answer, so the answer tells nothing about the password."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="locked-person")
    url = reverse("v1:api-token")
    for _ in range(3):
        api.post(url, {"username": "locked-person", "password": "nope"}, format="json")
    answers = []
    for password in (TEST_PASSWORD, "still-wrong"):
        response = api.post(url, {"username": "locked-person", "password": password}, format="json")
        assert response.status_code == 429
        assert response["Retry-After"] == "1800"
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert "锁定" in answers[0]["detail"] and "30 分钟" in answers[0]["detail"]  # locked, for 30 minutes


@pytest.mark.parametrize("username", ["own\x00er", "x" * 500, ["owner"]])
def test_a_name_no_account_could_have_is_a_field_message_not_a_server_error(api, owner, username):
    # A NUL byte reached the lock-out query before the serializer saw it; PostgreSQL refuses it in text (500).
    response = api.post(reverse("v1:api-token"), {"username": username, "password": "x"}, format="json")
    assert response.status_code == 400
