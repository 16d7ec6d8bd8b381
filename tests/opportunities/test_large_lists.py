"""Lists larger than the exact-count limit (crm.counting): they say "about" (PostgreSQL's estimate) or "more
than" (SQLite), never a made-up exact figure; the exact count and total come on request; pages stop at the limit;
and the query count does not grow with the list."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/opportunities/"
LIMIT = 4


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.LIST_EXACT_COUNT_LIMIT = LIMIT


def add(owner, customer, count, amount="1000.00"):
    for _ in range(count):
        OpportunityFactory(primary_owner=owner, customer=customer, amount=Decimal(amount))


def test_a_list_within_the_limit_is_counted_and_summed_exactly(client, api_as, manager, owner, customer):
    add(owner, customer, LIMIT)
    client.force_login(manager)
    html = client.get(reverse("opportunities:opportunity-list")).content.decode()
    assert 'data-testid="opportunity-total"' in html and "4,000.00" in html
    assert 'data-testid="exact-figures"' not in html and 'data-testid="pages-stop"' not in html
    body = api_as(manager).get(LIST).json()
    assert body["count"] == LIMIT and body["count_exact"] is True


def test_above_the_limit_the_page_says_about_or_more_than_and_gives_the_exact_figures_on_request(
        client, manager, owner, customer):
    add(owner, customer, LIMIT + 3)
    client.force_login(manager)
    url = reverse("opportunities:opportunity-list")
    html = client.get(url).content.decode()
    assert 'data-testid="opportunity-total"' not in html  # no partial sum passed off as the total
    assert 'data-testid="exact-figures"' in html
    # "about …" (the planner's estimate, PostgreSQL) or "more than …" (no estimate, or one below what was just
    # read, as the planner may give for a table this small): never a figure shown as exact.
    assert "约" in html or f"超过 {LIMIT} 个商机" in html
    if connection.vendor != "postgresql":
        assert f"超过 {LIMIT} 个商机" in html
    assert 'data-testid="pages-stop"' in html
    html = client.get(url, {"exact": "1"}).content.decode()
    assert "7 个商机" in html and "7,000.00" in html


def test_above_the_limit_the_api_marks_the_count_and_stops_the_pages(api_as, manager, owner, customer):
    add(owner, customer, LIMIT + 3)
    api = api_as(manager)
    body = api.get(LIST, {"page_size": 2}).json()
    assert body["count_exact"] is False and body["count"] >= LIMIT
    assert len(body["results"]) == 2
    assert api.get(LIST, {"page_size": 2, "page": 2}).status_code == 200
    response = api.get(LIST, {"page_size": 2, "page": 3})  # rows 5-6: beyond the depth of 4
    assert response.status_code == 404
    assert "4" in response.json()["detail"]
    body = api.get(LIST, {"page_size": 2, "exact_count": "1"}).json()
    assert body["count"] == LIMIT + 3 and body["count_exact"] is True


def test_a_cursor_walks_the_whole_list_past_the_page_depth_in_constant_queries(
        api_as, manager, owner, outsider, customer, django_assert_max_num_queries):
    # An integration reading all 300,000 opportunities had numbered pages stop at the limit: ?cursor= walks
    # every row by keyset pages, each a range scan on the id, none read twice or skipped.
    add(owner, customer, LIMIT + 3)
    api = api_as(manager)
    seen, url, sizes = [], f"{LIST}?cursor=&page_size=2&ordering=amount", []
    while url:
        with django_assert_max_num_queries(8) as queries:
            body = api.get(url).json()
        sizes.append(len(queries.captured_queries))
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == LIMIT + 3 and seen == sorted(seen, reverse=True)  # newest first, each once
    assert len(set(sizes)) == 1
    assert api.get(LIST, {"cursor": "not-a-cursor"}).status_code == 404
    assert api_as(outsider).get(LIST, {"cursor": ""}).json()["results"] == []


def test_an_outsider_counts_nothing_of_a_large_list(api_as, outsider, owner, customer):
    add(owner, customer, LIMIT + 3)
    body = api_as(outsider).get(LIST, {"exact_count": "1"}).json()
    assert body["count"] == 0 and body["results"] == []


def test_large_lists_keep_a_constant_number_of_queries(client, api_as, manager, owner, customer,
                                                       django_assert_max_num_queries):
    add(owner, customer, LIMIT + 1)
    client.force_login(manager)
    api = api_as(manager)
    url = reverse("opportunities:opportunity-list")
    with django_assert_max_num_queries(20) as page_few:
        client.get(url)
    with django_assert_max_num_queries(8) as api_few:
        api.get(LIST)
    add(owner, customer, 3 * LIMIT)
    with django_assert_max_num_queries(len(page_few.captured_queries)):
        assert client.get(url, {"page": 2}).status_code == 200
    with django_assert_max_num_queries(len(api_few.captured_queries)):
        assert api.get(LIST, {"page_size": 2, "page": 2}).status_code == 200
