"""The forecast pages and the records API cost the same number of queries at two sizes of team
(and of grid, and of page of records), and what the faster paths show is what they showed before:
the rows' links, the previous period's figure, the lines of the API list."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forecasting import services
from forecasting.api import ForecastLineSerializer
from forecasting.models import ForecastLine
from tests.factories import UserFactory

from .conftest import opportunity

pytestmark = pytest.mark.django_db

# With the top bar's position of a manager (one query, teams.User.position) and the machine forecast (insights'
# provider: the latest model and one sum for the whole subtree).
TEAM_PAGE_QUERIES = 18
MY_PAGE_QUERIES = 18  # with a draft: its lines are one more query
API_LIST_QUERIES = 7  # with the records' machine amounts (one sum for every period of the page)


def queries_of(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_reports(world, count: int, *, start: int) -> list:
    """`count` more account managers under the team lead, each with an opportunity and a submitted record."""
    people = []
    for number in range(start, start + count):
        person = UserFactory(username=f"bulk{number}", manager=world.teamlead, org_unit=world.team)
        opportunity(person, "07", "1000.00", date(2026, 5, 1))
        record = services.forecast_create(period=world.period, by=person)
        services.forecast_submit(forecast=record, by=person)
        people.append(person)
    return people


def test_team_page_queries_do_not_grow_with_the_team(client, world, django_assert_max_num_queries):
    client.force_login(world.teamlead)
    url = reverse("forecasting:team-forecast") + f"?period={world.period.pk}"
    add_reports(world, 3, start=0)
    client.get(url)
    small = queries_of(lambda: client.get(url))
    add_reports(world, 30, start=100)
    with django_assert_max_num_queries(TEAM_PAGE_QUERIES):
        large = queries_of(lambda: client.get(url))
    assert small == large


def test_team_page_queries_for_the_head_of_a_deep_subtree(client, world, django_assert_max_num_queries):
    client.force_login(world.head)
    url = reverse("forecasting:team-forecast") + f"?period={world.period.pk}"
    small = queries_of(lambda: client.get(url))
    add_reports(world, 20, start=0)
    with django_assert_max_num_queries(TEAM_PAGE_QUERIES):
        large = queries_of(lambda: client.get(url))
    assert small == large


def test_team_page_rows_link_to_each_record_and_its_actions(client, world):
    record = services.forecast_submit(forecast=services.forecast_create(period=world.period, by=world.am1),
                                      by=world.am1)
    client.force_login(world.teamlead)
    url = reverse("forecasting:team-forecast") + f"?period={world.period.pk}"
    html = client.get(url).content.decode()
    assert f'href="{reverse("forecasting:forecast-detail", args=[record.pk])}"' in html
    assert f'action="{reverse("forecasting:forecast-action", args=[record.pk, "approve"])}"' in html
    assert f'action="{reverse("forecasting:forecast-action", args=[record.pk, "return"])}"' in html
    # The approve form posted as the page renders it works, and comes back to the page.
    response = client.post(reverse("forecasting:forecast-action", args=[record.pk, "approve"]),
                           {"lock_version": record.lock_version, "next": url})
    assert response.status_code == 302 and response.url == url
    record.refresh_from_db()
    assert record.status == "approved"


def test_team_page_shows_the_previous_period_figure(client, world):
    record = services.forecast_create(period=world.previous, by=world.teamlead)
    services.forecast_revise(forecast=record, by=world.teamlead, amount="123456.00", reason="上季度")
    services.forecast_submit(forecast=record, by=world.teamlead)
    client.force_login(world.teamlead)
    html = client.get(reverse("forecasting:team-forecast") + f"?period={world.period.pk}").content.decode()
    assert world.previous.name in html and "123,456.00" in html
    # My forecast page shows the same figure for the same person.
    html = client.get(reverse("forecasting:my-forecast") + f"?period={world.period.pk}").content.decode()
    assert world.previous.name in html and "123,456.00" in html


def test_my_forecast_queries_do_not_grow_with_the_grid(client, world, django_assert_max_num_queries):
    client.force_login(world.am1)
    url = reverse("forecasting:my-forecast") + f"?period={world.period.pk}"
    services.forecast_create(period=world.period, by=world.am1)  # a draft: the grid reads its lines
    client.get(url)
    small = queries_of(lambda: client.get(url))
    for number in range(25):
        opportunity(world.am1, "05", f"{1000 + number}.00", date(2026, 5, 1 + number % 28), name=f"grid-{number}",
                    products=[(world.p1, "1", f"{1000 + number}.00")])
    services.forecast_create(period=world.period, by=world.am1)
    with django_assert_max_num_queries(MY_PAGE_QUERIES):
        large = queries_of(lambda: client.get(url))
    assert small == large


def test_api_list_queries_do_not_grow_with_records_and_lines(api_as, world, django_assert_max_num_queries):
    client = api_as(world.divhead)
    url = reverse("v1:forecast-list")
    services.forecast_create(period=world.period, by=world.am1)
    small = queries_of(lambda: client.get(url, {"page_size": 200}))
    for person in add_reports(world, 20, start=0):
        services.forecast_create(period=world.period, by=person)
    for user in (world.am1, world.am2, world.teamlead, world.regional, world.am3):
        services.forecast_create(period=world.period, by=user)
    with django_assert_max_num_queries(API_LIST_QUERIES):
        large = queries_of(lambda: client.get(url, {"page_size": 200}))
    assert small == large


def test_api_list_lines_are_the_detail_lines(api_as, world):
    """The list builds its lines directly from rows: they must equal the serializer's, as on the detail."""
    record = services.forecast_create(period=world.period, by=world.am1)
    services.forecast_set_lines(forecast=record, by=world.am1, lines=[
        {"opportunity": world.o.o1.pk, "amount": "99999.50", "category": "best_case"}])
    services.forecast_create(period=world.period, by=world.am2)
    client = api_as(world.teamlead)
    listed = {r["id"]: r for r in client.get(reverse("v1:forecast-list"), {"page_size": 200}).json()["results"]}
    detail = client.get(reverse("v1:forecast-detail", args=[record.pk])).json()
    expected = ForecastLineSerializer(
        ForecastLine.objects.filter(forecast=record).order_by("expected_close_date", "id"), many=True).data
    assert listed[record.pk]["lines"] == detail["lines"] == [dict(line) for line in expected]
    assert [line["amount"] for line in detail["lines"]] == ["99999.50", "20000.00", "50000.00"]
    assert detail["lines"][0]["category"] == "best_case" and detail["lines"][0]["stage"] == "07"
    assert listed[record.pk] == detail
