"""crm.api.FilterBackend builds no filter set when the request names none of its filters, and filters exactly
as django-filter does when it names one (a range's `…_after`, a search's `q`, the ordering)."""

from datetime import date

import pytest

from opportunities.filters import OpportunityFilter
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/opportunities/"


@pytest.fixture
def no_filter_set(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("the filter set was built")

    monkeypatch.setattr(OpportunityFilter, "__init__", refuse)


def test_a_list_or_a_row_without_filters_builds_no_filter_set(no_filter_set, api_as, owner, customer):
    opportunity = OpportunityFactory(primary_owner=owner, customer=customer)
    api = api_as(owner)
    assert api.get(LIST, {"page_size": 5}).json()["count"] == 1
    assert api.get(f"{LIST}{opportunity.pk}/").status_code == 200


@pytest.mark.parametrize("params, expected", [
    ({"close_after": "2030-01-01"}, ["late"]),
    ({"close_before": "2030-01-01"}, ["early"]),
    ({"q": "lat"}, ["late"]),
    ({"ordering": "expected_close_date"}, ["early", "late"]),
    ({"ordering": "-expected_close_date"}, ["late", "early"]),
])
def test_a_parameter_of_the_filter_set_filters_as_before(api_as, owner, customer, params, expected):
    OpportunityFactory(primary_owner=owner, customer=customer, name="early", expected_close_date=date(2029, 6, 1))
    OpportunityFactory(primary_owner=owner, customer=customer, name="late", expected_close_date=date(2031, 6, 1))
    rows = api_as(owner).get(LIST, params).json()["results"]
    assert [row["name"] for row in rows] == expected


def test_a_bad_filter_value_is_still_refused(api_as, owner):
    response = api_as(owner).get(LIST, {"close_after": "not a date"})
    assert response.status_code == 400 and "close_after" in response.json()
