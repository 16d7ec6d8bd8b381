"""Every URL of forecasting, page and API, is a 404 for an outsider (someone in another branch) and
leaves the record as it was; malformed ids and amounts are a clear answer, never a server error."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from forecasting import services
from forecasting.models import ChannelForecast, Forecast

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


def submitted(user, period):
    return services.forecast_submit(forecast=services.forecast_create(period=period, by=user), by=user)


def _unchanged(record):
    fresh = Forecast.objects.get(pk=record.pk)
    return (fresh.status, fresh.amount, fresh.lock_version) == (record.status, record.amount, record.lock_version)


@pytest.mark.parametrize("action", ["submit", "approve", "return", "revise"])
def test_page_actions_on_someone_elses_record_are_404(client, world, action):
    record = submitted(world.am1, world.period)
    client.force_login(world.outsider)
    response = client.post(reverse("forecasting:forecast-action", args=[record.pk, action]),
                           {"reason": "x", "amount": "1.00", "lock_version": record.lock_version})
    assert response.status_code == 404
    assert _unchanged(record)


def test_page_lines_of_someone_elses_record_are_404(client, world):
    record = services.forecast_create(period=world.period, by=world.am1)
    line = record.lines.first()
    client.force_login(world.outsider)
    response = client.post(reverse("forecasting:lines-update", args=[record.pk]),
                           {f"amount-{line.pk}": "1.00", "lock_version": record.lock_version})
    assert response.status_code == 404
    assert _unchanged(record)
    line.refresh_from_db()
    assert line.amount != 1


def test_division_pages_of_someone_elses_division_are_404(client, world):
    client.force_login(world.outsider)
    url = reverse("forecasting:division") + f"?period={world.period.pk}&unit={world.division.pk}"
    assert client.get(url).status_code == 404
    upload = SimpleUploadedFile("channel.csv", b"partner,partner_code,product,quantity,amount\nX,D,P1,1,1\n")
    response = client.post(reverse("forecasting:channel-import"),
                           {"period": world.period.pk, "unit": world.division.pk, "file": upload})
    assert response.status_code == 404
    assert not ChannelForecast.objects.exists()


@pytest.mark.parametrize("unit", ["abc", "1.5", "²", "-3", HUGE, ""])
def test_channel_import_with_a_malformed_division_is_404(client, world, unit):
    client.force_login(world.divhead)
    upload = SimpleUploadedFile("channel.csv", b"partner,partner_code,product,quantity,amount\nX,D,P1,1,1\n")
    response = client.post(reverse("forecasting:channel-import"),
                           {"period": world.period.pk, "unit": unit, "file": upload})
    assert response.status_code == 404
    assert not ChannelForecast.objects.exists()


@pytest.mark.parametrize("action", ["submit", "approve", "return", "revise", "lines"])
def test_api_actions_on_someone_elses_record_are_404(api_as, world, action):
    record = submitted(world.am1, world.period)
    response = api_as(world.outsider).post(reverse(f"v1:forecast-{action}", args=[record.pk]),
                                           {"reason": "x", "amount": "1.00", "lines": []}, format="json")
    assert response.status_code == 404
    assert _unchanged(record)


def test_api_channel_rows_of_someone_elses_division_are_404(api_as, world):
    row = services.channel_forecast_save(period=world.period, org_unit=world.division, partner_name="华东分销",
                                         product=world.p1, quantity="2", amount="100.00", by=world.divhead)
    detail = reverse("v1:channel-forecast-detail", args=[row.pk])
    client = api_as(world.outsider)
    assert client.patch(detail, {"amount": "1.00"}, format="json").status_code == 404
    assert client.delete(detail).status_code == 404
    row.refresh_from_db()
    assert row.amount == 100


@pytest.mark.parametrize(("language", "text"), [("en", "Forecast approved."), ("zh-hans", None)])
def test_page_action_message_is_in_the_readers_language(client, world, language, text):
    record = submitted(world.am1, world.period)
    world.teamlead.language = language
    world.teamlead.save(update_fields=["language"])
    client.force_login(world.teamlead)
    response = client.post(reverse("forecasting:forecast-action", args=[record.pk, "approve"]),
                           {"lock_version": record.lock_version})
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert Forecast.objects.get(pk=record.pk).status == "approved"
    with translation.override("zh-hans"):
        chinese = translation.gettext("Forecast approved.")
    assert chinese != "Forecast approved."
    assert shown == [text or chinese]


def test_malformed_ids_in_pages_and_api_are_never_a_server_error(client, api_as, world):
    client.force_login(world.head)
    api = api_as(world.head)
    for value in ["abc", "1.5", "²", "-3", HUGE]:
        for url in [reverse("forecasting:my-forecast") + f"?period={value}",
                    reverse("forecasting:records") + f"?period={world.period.pk}&page={value}",
                    reverse("forecasting:team-forecast") + f"?period={world.period.pk}&person={value}",
                    reverse("forecasting:division") + f"?period={world.period.pk}&unit={value}",
                    reverse("forecasting:production-plan") + f"?period={value}"]:
            assert client.get(url).status_code in (200, 404), url
        for path, name in [("v1:forecast-list", "period"), ("v1:forecast-list", "owner"),
                           ("v1:channel-forecast-list", "org_unit"), ("v1:production-plan", "period")]:
            assert api.get(reverse(path), {name: value}).status_code in (400, 404), (path, name, value)
