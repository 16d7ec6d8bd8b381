"""Ids from request parameters: a digit that int() refuses, or a number past the column's range, is "not
given" (or 404), never a 500."""

import pytest
from django.urls import reverse

from crm.params import MAX_ID, parse_id, parse_ids
from tests.factories import CustomerFactory, OpportunityFactory, ensure_default_config, stage

ODD = ["²", "١٢", "12a", "-3", "0", str(MAX_ID + 1), "99999999999999999999999", " ", ""]


@pytest.mark.parametrize("value", [*ODD, None, "1.5"])
def test_parse_id_refuses_what_the_database_cannot_take(value):
    assert parse_id(value) is None


def test_parse_id_reads_plain_ids():
    assert (parse_id("42"), parse_id(" 7 "), parse_id(9), parse_id(str(MAX_ID))) == (42, 7, 9, MAX_ID)
    assert parse_ids(["3", "²", "x", "5"]) == [3, 5]


@pytest.fixture
def opportunity(owner):
    ensure_default_config()
    return OpportunityFactory(primary_owner=owner, customer=CustomerFactory(owner=owner), stage=stage("02"))


@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_pages_answer_odd_ids_without_an_error(client, owner, opportunity, value):
    client.force_login(owner)
    pages = [
        (reverse("accounts:review-queue"), {"intake": value}),
        (reverse("team_selling:selling-contact-new", args=[opportunity.pk]), {"contact": value}),
        (reverse("opportunities:opportunity-list"), {"customer": value}),
        (reverse("opportunities:opportunity-new"), {"customer": value}),
        (reverse("opportunities:agenda"), {"scope": "team", "person": value}),
        (reverse("opportunities:activity-new"), {"customer": value}),
        (reverse("sales_planning:quota-list"), {"period": value}),
        (reverse("sales_planning:quota-dashboard"), {"unit": value}),
        (reverse("sales_planning:incentive-evaluation"), {"plan": value}),
    ]
    for url, params in pages:
        assert client.get(url, params).status_code in (200, 400, 404), url


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "1.5"])
def test_api_id_filters_refuse_odd_ids(api_as, owner, opportunity, value):
    client = api_as(owner)
    for name, params in (("v1:opportunity-list", {"customer": value}), ("v1:activity-list", {"opportunity": value}),
                         ("v1:bid-list", {"partner": value}), ("v1:territory-list", {"member": value})):
        response = client.get(reverse(name), params)
        assert response.status_code == 400, (name, response.status_code)
    assert client.get(reverse("v1:opportunity-list"), {"customer": opportunity.customer_id}).data["count"] == 1
