"""The division page opens on the period that has the division's figures, and an empty chart says so
(issue 16, item 6)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from forecasting import selectors
from forecasting.models import ChannelForecast, PeriodKind
from forecasting.services import period_create

pytestmark = pytest.mark.django_db

MAY_10 = date(2026, 5, 10)


@pytest.fixture
def month(world):
    return period_create(kind=PeriodKind.MONTH, start=date(2026, 5, 1), by=None)


def test_it_opens_on_the_quarter_with_figures_not_the_empty_month(world, month):
    assert selectors.current_period(viewer=world.divhead, today=MAY_10) == month  # the usual default
    ChannelForecast.objects.create(period=world.period, org_unit=world.division, partner_name="华东分销",
                                   product=world.p1, quantity=5, amount=90000)
    assert selectors.division_period(viewer=world.divhead, division=world.division, today=MAY_10) == world.period


def test_without_figures_anywhere_it_keeps_the_usual_default(world, month):
    assert selectors.division_period(viewer=world.divhead, division=world.division, today=MAY_10) == month


def test_the_page_follows_the_figures_and_an_empty_chart_says_so(client, world, month, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: MAY_10)
    client.force_login(world.divhead)
    empty = client.get(reverse("forecasting:division")).content.decode()
    assert 'data-testid="chart-empty"' in empty and 'data-chart="division"' not in empty
    ChannelForecast.objects.create(period=world.period, org_unit=world.division, partner_name="华东分销",
                                   product=world.p1, quantity=5, amount=90000)
    response = client.get(reverse("forecasting:division"))
    assert response.context["period"] == world.period
    html = response.content.decode()
    assert "华东分销" in html and 'data-chart="division"' in html and 'data-testid="chart-empty"' not in html
