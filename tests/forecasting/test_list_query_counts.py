"""The other forecasting lists (the records page, the channel forecasts) cost the same number of
queries at any length."""

import pytest
from django.urls import reverse

from forecasting import services

pytestmark = pytest.mark.django_db


def _versions(world, count):
    for _index in range(count):
        record = services.forecast_create(period=world.period, by=world.am1)
        services.forecast_submit(forecast=record, by=world.am1)


@pytest.mark.parametrize("size", [1, 6])
def test_the_records_page(client, world, size, django_assert_max_num_queries):
    _versions(world, size)
    client.force_login(world.teamlead)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("forecasting:records") + f"?period={world.period.pk}")
    assert response.status_code == 200 and response.context["page"].paginator.count >= size


@pytest.mark.parametrize("size", [1, 8])
def test_the_channel_forecast_list(api_as, world, size, django_assert_max_num_queries):
    for index in range(size):
        services.channel_forecast_save(period=world.period, org_unit=world.division, partner_name=f"分销{index}",
                                       product=world.p1, quantity="1", amount="10.00", by=world.divhead)
    client = api_as(world.divhead)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("v1:channel-forecast-list"))
    assert response.status_code == 200 and response.json()["count"] == size
