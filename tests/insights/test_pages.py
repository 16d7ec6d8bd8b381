"""Who sees a prediction (pages and API), the opportunity list's column and filter in constant queries, the
calibration page, and the machine forecast on the team forecast page and the forecasts API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from insights.models import Prediction
from insights.services import win_model_train
from tests.insights.conftest import make_deals

API = "/api/v1/opportunities/{}/prediction/"


@pytest.fixture
def trained(history):
    win_model_train()
    return history


def test_prediction_api_follows_visibility(trained, owner, manager, outsider, api_as, api):
    deal, _answers = trained["open"][0]
    body = api_as(owner).get(API.format(deal.pk)).json()
    stored = Prediction.objects.get(opportunity=deal)
    assert body["source"] == "model" and body["trained_on"] == 200
    assert body["probability"] == pytest.approx(float(stored.probability))
    assert len(body["factors"]) == 3 and "Q7" in body["factors"][0]["label"]
    assert api_as(manager).get(API.format(deal.pk)).status_code == 200
    assert api_as(outsider).get(API.format(deal.pk)).status_code == 404
    assert api.get(API.format(deal.pk)).status_code in (401, 403)
    assert api_as(owner).get(API.format(99999999999999999999)).status_code == 404


def test_prediction_part_follows_visibility(trained, owner, outsider, client):
    deal, _answers = trained["open"][0]
    url = reverse("insights:prediction-part", args=[deal.pk])
    client.force_login(owner)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and b"Q7" in page.content and b"data-testid=\"prediction-factors\"" in page.content
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_without_training_the_api_gives_the_stage_probability(db, owner, api_as):
    deal, _answers = make_deals(owner, count=1, outcome="open", open_stage="05")[0]
    body = api_as(owner).get(API.format(deal.pk)).json()
    assert body == {"probability": deal.stage.probability / 100, "source": "stage", "factors": [], "trained_on": 0}


def test_list_column_and_filter_in_constant_queries(trained, owner, client, django_assert_max_num_queries):
    client.force_login(owner)
    url = reverse("opportunities:opportunity-list")
    with django_assert_max_num_queries(25) as few:
        page = client.get(url, {"predicted_min": "70"})
    high = {d.pk for d, a in trained["open"] if a["q7"]}
    shown = {o.pk for o in page.context["page"].object_list}
    assert shown == high
    assert page.context["totals"].count == len(high)
    assert b'data-testid="column-predicted_min"' in page.content
    make_deals(owner, count=30, outcome="open", seed=9)
    win_model_train()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, {"predicted_min": "70"})
    assert len(page.context["page"].object_list) > len(high)
    # The count and total are those of the filtered rows (counted with the column's join), and without the filter
    # those of every row (counted without it): the same figures either way.
    assert page.context["totals"].count == len(page.context["page"].object_list)
    everything = client.get(url)
    from django.db.models import Sum

    from opportunities.models import Opportunity

    open_rows = Opportunity.objects.visible_to(owner).filter(stage__outcome="open")
    assert everything.context["totals"].count == open_rows.count() > len(high)
    assert everything.context["totals"].amount == open_rows.aggregate(total=Sum("amount"))["total"]


def test_the_filter_takes_the_figure_the_column_shows(trained, owner, client):
    unscored_high = make_deals(owner, count=1, outcome="open", open_stage="07", seed=11)[0][0]  # stage: 90 %
    unscored_low = make_deals(owner, count=1, outcome="open", open_stage="02", seed=12)[0][0]  # stage: 20 %
    assert not Prediction.objects.filter(opportunity__in=[unscored_high, unscored_low]).exists()
    client.force_login(owner)
    page = client.get(reverse("opportunities:opportunity-list"), {"predicted_min": "70"})
    shown = {o.pk for o in page.context["page"].object_list}
    assert unscored_high.pk in shown and unscored_low.pk not in shown
    assert {d.pk for d, a in trained["open"] if a["q7"]} <= shown


def test_calibration_page_for_managers_and_administrators(trained, owner, manager, admin_user, client):
    url = reverse("insights:calibration")
    client.force_login(owner)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and b'data-testid="calibration-table"' in page.content
    assert b'data-testid="model-shown"' in page.content and b"train-now" not in page.content
    client.force_login(admin_user)
    assert b"train-now" in client.get(url).content
    answer = client.post(reverse("insights:train-now"))
    assert answer.status_code == 302 and "/jobs/" in answer["Location"]


def test_machine_forecast_beside_the_submitted_one(trained, owner, manager, client, api_as):
    from forecasting.models import ForecastPeriod
    from forecasting.services import forecast_create
    from tests.factories import ensure_forecast_config

    ensure_forecast_config()
    deals = [d for d, _a in trained["open"]]
    close = deals[0].expected_close_date
    period = ForecastPeriod.objects.create(name="测试期", start=close - timedelta(days=20),
                                           end=close + timedelta(days=5))
    expected = sum((d.amount * Prediction.objects.get(opportunity=d).probability for d in deals), Decimal(0))
    # Deals already won in the period count in full, as in a submitted forecast.
    expected += sum((d.amount for d, answers in trained["closed"]
                     if answers["q7"] and period.start <= d.closed_on <= period.end), Decimal(0))
    client.force_login(manager)
    page = client.get(reverse("forecasting:team-forecast"), {"period": period.pk})
    assert page.context["machine"]["total"] == expected.quantize(Decimal("0.01"))
    assert f'data-testid="fc-machine-{owner.pk}"'.encode() in page.content
    record = forecast_create(period=period, by=owner)
    body = api_as(owner).get("/api/v1/forecasts/", {"period": period.pk}).json()
    row = next(r for r in body["results"] if r["id"] == record.pk)
    assert Decimal(row["machine_amount"]) == expected.quantize(Decimal("0.01"))


def test_a_stage_move_forgets_the_prediction_everywhere(trained, owner, api_as, client):
    # The page, the API, the list and the machine forecast kept the old stage's learned figure until the night.
    from funnel.services import opportunity_move

    deal, _answers = next((d, a) for d, a in trained["open"] if d.stage.code != "01")
    assert Prediction.objects.filter(opportunity=deal).exists()
    opportunity_move(opportunity=deal, stage_code="01", by=None, skip_open_tasks=True)
    deal.refresh_from_db()
    assert not Prediction.objects.filter(opportunity=deal).exists()
    body = api_as(owner).get(API.format(deal.pk)).json()
    assert body["source"] == "stage" and body["probability"] == pytest.approx(deal.stage.probability / 100)
    client.force_login(owner)
    page = client.get(reverse("opportunities:opportunity-list"), {"customer": deal.customer_id, "stage": "all"})
    rows = {o.pk: o for o in page.context["page"].object_list}
    # The list shows what the page shows: the stage's probability.
    assert float(rows[deal.pk].predicted_probability) == pytest.approx(deal.stage.probability / 100)
    assert rows[deal.pk].predicted_source == "stage"


def test_an_opportunity_not_scored_yet_weighs_by_its_stage_probability(db, owner):
    """Without a model, the machine forecast is amount × the stage probability, on SQLite too (an integer
    division there made every 30 % zero)."""
    from django.utils import timezone

    from insights.selectors import machine_forecast_by_owner
    from tests.factories import OpportunityFactory, stage

    today = timezone.localdate()
    OpportunityFactory(primary_owner=owner, stage=stage("03"), amount=Decimal("1000.00"),
                       expected_close_date=today + timedelta(days=5))
    figures = machine_forecast_by_owner(ranges=[(today, today + timedelta(days=30))], owner_ids=[owner.pk])
    assert figures.by_owner[0][owner.pk] == Decimal("1000.00") * stage("03").probability / 100
