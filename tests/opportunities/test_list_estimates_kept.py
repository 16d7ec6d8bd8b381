"""A large list's estimate is kept in the shared cache (crm.counting, LIST_ESTIMATE_CACHE_SECONDS): the next
request for the same list neither counts nor plans again; another viewer, another filter or `?exact_count=1`
is counted on its own; a list within the limit is counted on every request; the database cache keeps nothing."""

from decimal import Decimal

import pytest
from django.db import connection

from tests.factories import OpportunityFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL gives estimates"),
]

LIST = "/api/v1/opportunities/"
LIMIT = 4
LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "estimates"}}


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.LIST_EXACT_COUNT_LIMIT = LIMIT


@pytest.fixture
def shared_cache(settings):
    settings.CACHES = LOCAL
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def add(owner, customer, count, **fields):
    for _ in range(count):
        OpportunityFactory(primary_owner=owner, customer=customer, amount=Decimal("1000.00"), **fields)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE opportunities_opportunity")  # the planner's estimate reflects the rows


def counted(queries) -> bool:
    return any("COUNT(" in q["sql"] or q["sql"].startswith("EXPLAIN") for q in queries.captured_queries)


def test_the_next_request_for_a_large_list_reads_the_kept_estimate(
        shared_cache, api_as, manager, owner, customer, django_assert_max_num_queries):
    add(owner, customer, LIMIT + 3)
    api = api_as(manager)
    with django_assert_max_num_queries(20) as first:
        body = api.get(LIST, {"page_size": 2}).json()
    assert counted(first) and body["count_exact"] is False and body["count"] > LIMIT
    with django_assert_max_num_queries(20) as second:
        again = api.get(LIST, {"page_size": 2, "page": 2}).json()
    assert not counted(second)
    assert again["count"] == body["count"] and again["count_exact"] is False
    with django_assert_max_num_queries(20) as exact:
        figures = api.get(LIST, {"page_size": 2, "exact_count": "1"}).json()
    assert counted(exact) and figures["count"] == LIMIT + 3 and figures["count_exact"] is True


def test_another_viewer_or_filter_is_counted_on_its_own(
        shared_cache, api_as, manager, owner, outsider, customer, django_assert_max_num_queries):
    add(owner, customer, LIMIT + 3)
    api_as(manager).get(LIST)
    with django_assert_max_num_queries(20) as filtered:
        body = api_as(manager).get(LIST, {"search": "no such name"}).json()
    assert counted(filtered) and body["count"] == 0 and body["count_exact"] is True
    with django_assert_max_num_queries(20) as own:
        body = api_as(owner).get(LIST).json()
    assert counted(own) and body["count_exact"] is False
    with django_assert_max_num_queries(20) as theirs:
        body = api_as(outsider).get(LIST).json()
    assert counted(theirs) and body["count"] == 0 and body["count_exact"] is True


def test_a_list_within_the_limit_is_counted_every_time(shared_cache, api_as, owner, customer):
    add(owner, customer, 2)
    api = api_as(owner)
    assert api.get(LIST).json()["count"] == 2
    add(owner, customer, 1)
    assert api.get(LIST).json()["count"] == 3


def second_reading(api, owner, customer, django_assert_max_num_queries):
    """The queries of the second read of a list above the limit (the first may have kept its estimate)."""
    add(owner, customer, LIMIT + 3)
    api.get(LIST)
    with django_assert_max_num_queries(20) as second:
        api.get(LIST)
    return second


def test_nothing_is_kept_when_the_keep_time_is_zero(
        shared_cache, settings, api_as, manager, owner, customer, django_assert_max_num_queries):
    settings.LIST_ESTIMATE_CACHE_SECONDS = 0
    assert counted(second_reading(api_as(manager), owner, customer, django_assert_max_num_queries))


def test_the_database_cache_keeps_nothing(api_as, manager, owner, customer, django_assert_max_num_queries):
    second = second_reading(api_as(manager), owner, customer, django_assert_max_num_queries)
    assert counted(second)
    assert not any("crm_cache" in q["sql"] for q in second.captured_queries)


@pytest.mark.parametrize("params", [{"stage": "zz"}, {"stage": "zz", "exact_count": "1"}])
def test_a_list_known_to_be_empty_answers_with_the_cache_on(shared_cache, api_as, manager, owner, customer, params):
    """An unknown stage code filters on no stage (`stage_id IN ()`): Django knows the list is empty before any SQL
    exists, and the estimate's key must not ask for that SQL."""
    add(owner, customer, LIMIT + 3)
    response = api_as(manager).get(LIST, params)
    assert response.status_code == 200
    assert response.json()["count"] == 0 and response.json()["count_exact"] is True


def test_the_page_with_a_filter_that_matches_nothing_answers_with_the_cache_on(shared_cache, client, manager, owner,
                                                                              customer):
    add(owner, customer, LIMIT + 3)
    client.force_login(manager)
    for params in ({"stage": "zz"}, {"close_after": "2026-02-31"}):
        assert client.get("/opportunities/", params).status_code == 200
