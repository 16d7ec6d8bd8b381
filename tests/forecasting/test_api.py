"""The forecasting API: contract shapes, who sees what (owner, manager, outsider, anonymous),
periods, channel forecasts with their import, the production plan, query counts."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forecasting import services
from forecasting.models import ChannelForecast, ForecastPeriod

pytestmark = pytest.mark.django_db


def submitted(user, period):
    record = services.forecast_create(period=period, by=user)
    return services.forecast_submit(forecast=record, by=user)


def approved(user, period, by):
    return services.forecast_approve(forecast=submitted(user, period), by=by)


# --- forecast-periods/ ---------------------------------------------------------------------------

def test_periods_fields_and_deadlines(api_as, world):
    data = api_as(world.am1).get(reverse("v1:forecast-period-detail", args=[world.period.pk])).json()
    assert {"id", "name", "start", "end", "deadline", "status"} <= set(data)
    assert (data["start"], data["end"], data["status"], data["kind"]) == ("2026-04-01", "2026-06-30", "open",
                                                                          "quarter")
    # One deadline per level, two days apart; the period's deadline is the division's.
    assert data["deadlines"] == {"account_manager": "2026-04-05", "team": "2026-04-07", "region": "2026-04-09",
                                 "division": "2026-04-11"}
    assert data["deadline"] == "2026-04-11"
    listed = api_as(world.am1).get(reverse("v1:forecast-period-list"), {"contains": "2026-05-01"}).json()
    assert [p["id"] for p in listed["results"]] == [world.period.pk]


def test_only_admins_define_periods(api_as, world):
    body = {"kind": "month", "start": "2026-07-01", "deadlines": {"account_manager": "2026-07-03"}}
    assert api_as(world.divhead).post(reverse("v1:forecast-period-list"), body, format="json").status_code == 403
    response = api_as(world.admin).post(reverse("v1:forecast-period-list"), body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["end"], response.json()["name"]) == ("2026-07-31", "2026-07")
    assert response.json()["deadlines"]["account_manager"] == "2026-07-03"
    again = api_as(world.admin).post(reverse("v1:forecast-period-list"), body, format="json")
    assert again.status_code == 409


def test_anonymous_gets_401_everywhere(api, world):
    record = submitted(world.am1, world.period)
    for path in [reverse("v1:forecast-period-list"), reverse("v1:forecast-list"),
                 reverse("v1:forecast-detail", args=[record.pk]), reverse("v1:channel-forecast-list"),
                 reverse("v1:production-plan") + f"?period={world.period.pk}"]:
        assert api.get(path).status_code == 401, path
    assert api.post(reverse("v1:forecast-list"), {"period": world.period.pk}).status_code == 401
    assert api.post(reverse("v1:forecast-approve", args=[record.pk])).status_code == 401


# --- forecasts/ ----------------------------------------------------------------------------------

def test_forecast_fields_of_the_contract(api_as, world):
    record = submitted(world.am1, world.period)
    data = api_as(world.am1).get(reverse("v1:forecast-detail", args=[record.pk])).json()
    assert {"id", "period", "owner", "status", "version", "amount", "subordinate_total", "pipeline_total", "lines",
            "submitted_at", "lock_version"} <= set(data)
    assert data["amount"] == "170000.00" and data["owner"] == world.am1.pk and data["period"] == world.period.pk
    assert set(data["lines"][0]) >= {"opportunity", "amount", "category", "opportunity_amount", "stage"}


@pytest.mark.parametrize(("who", "status"), [("am1", 200), ("teamlead", 200), ("regional", 200), ("divhead", 200),
                                             ("head", 200), ("admin", 200), ("am2", 404), ("regional2", 404),
                                             ("outsider", 404)])
def test_forecast_visibility(api_as, world, who, status):
    record = submitted(world.am1, world.period)
    client = api_as(getattr(world, who))
    assert client.get(reverse("v1:forecast-detail", args=[record.pk])).status_code == status
    listed = client.get(reverse("v1:forecast-list"), {"period": world.period.pk}).json()
    assert (record.pk in [r["id"] for r in listed["results"]]) is (status == 200)
    assert client.get(reverse("v1:forecast-trail", args=[record.pk])).status_code == status


def test_forecast_filters(api_as, world):
    submitted(world.am1, world.period)
    services.forecast_create(period=world.period, by=world.am2)
    data = api_as(world.teamlead).get(reverse("v1:forecast-list"), {"status": "draft"}).json()
    assert [r["owner"] for r in data["results"]] == [world.am2.pk]
    data = api_as(world.teamlead).get(reverse("v1:forecast-list"), {"owner": world.am1.pk}).json()
    assert [r["status"] for r in data["results"]] == ["submitted"]


def test_forecast_create_needs_an_open_period(api_as, world):
    assert api_as(world.am1).post(reverse("v1:forecast-list"), {}, format="json").status_code == 400
    assert api_as(world.am1).post(reverse("v1:forecast-list"), {"period": 99999}, format="json").status_code == 400
    world.period.status = "closed"
    world.period.save()
    assert api_as(world.am1).post(reverse("v1:forecast-list"), {"period": world.period.pk},
                                  format="json").status_code == 409


def test_bad_inputs_are_400_never_500(api_as, world):
    record = services.forecast_create(period=world.period, by=world.am1)
    client = api_as(world.am1)
    for body in [{"amount": "abc", "reason": "x"}, {"amount": "-5", "reason": "x"}, {"reason": "x"},
                 {"amount": "1e30", "reason": "x"}, {"amount": "10", "reason": "x", "lock_version": "a"},
                 {"categories": {"other": "1"}, "reason": "x"}]:
        response = client.post(reverse("v1:forecast-revise", args=[record.pk]), body, format="json")
        assert response.status_code == 400, (body, response.content)
    bad_line = client.post(reverse("v1:forecast-lines", args=[record.pk]), {"lines": [{"id": 0, "amount": "1"}]},
                           format="json")
    assert bad_line.status_code == 400


def test_forecast_list_query_count_is_constant(api_as, world, django_assert_max_num_queries):
    for user in (world.am1, world.am2, world.teamlead, world.regional, world.am3):
        services.forecast_create(period=world.period, by=user)
        services.forecast_create(period=world.period, by=user)
    client = api_as(world.divhead)
    # 7 with each record's machine amount (insights' provider, one sum for every period of the page).
    with django_assert_max_num_queries(7):
        data = client.get(reverse("v1:forecast-list"), {"page_size": 200}).json()
    assert data["count"] == 10
    with django_assert_max_num_queries(6):
        client.get(reverse("v1:forecast-period-list"))


# --- channel-forecasts/ ----------------------------------------------------------------------------

def channel_body(world, **extra):
    return {"period": world.period.pk, "org_unit": world.division.pk, "partner": "华东分销有限公司",
            "partner_code": "D-001", "product": world.p1.pk, "quantity": "12", "amount": "130000.00", **extra}


def test_channel_forecast_create_and_visibility(api_as, world):
    response = api_as(world.divhead).post(reverse("v1:channel-forecast-list"), channel_body(world), format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert {"id", "period", "org_unit", "partner", "product", "quantity", "amount"} <= set(row)
    assert (row["partner"], row["amount"], row["quantity"]) == ("华东分销有限公司", "130000.00", "12.00")
    detail = reverse("v1:channel-forecast-detail", args=[row["id"]])
    for who, status in [("divhead", 200), ("head", 200), ("admin", 200), ("regional", 404), ("am1", 404),
                        ("outsider", 404)]:
        assert api_as(getattr(world, who)).get(detail).status_code == status, who
    # Below the division head nobody enters the division's channel forecasts.
    assert api_as(world.regional).post(reverse("v1:channel-forecast-list"), channel_body(world, partner="X"),
                                       format="json").status_code == 403
    # Only divisions take channel forecasts.
    assert api_as(world.admin).post(reverse("v1:channel-forecast-list"),
                                    channel_body(world, org_unit=world.region.pk), format="json").status_code == 400
    # Same partner and product again updates the one row.
    again = api_as(world.divhead).post(reverse("v1:channel-forecast-list"), channel_body(world, amount="5.00"),
                                       format="json")
    assert again.status_code == 201 and again.json()["id"] == row["id"]
    assert ChannelForecast.objects.get().amount == Decimal("5.00")
    patched = api_as(world.divhead).patch(detail, {"amount": "7.00"}, format="json")
    assert patched.status_code == 200 and patched.json()["amount"] == "7.00"
    assert api_as(world.divhead).delete(detail).status_code == 204
    assert not ChannelForecast.objects.exists()


def test_channel_import_csv_and_excel(api_as, world):
    text = "partner,partner_code,product,quantity,amount\n华东分销,D-1,P1,10,100000\n华东分销,D-1,P2,3,45000.50\n"
    upload = SimpleUploadedFile("channel.csv", text.encode("utf-8-sig"), content_type="text/csv")
    response = api_as(world.divhead).post(reverse("v1:channel-forecast-import"), {
        "period": world.period.pk, "org_unit": world.division.pk, "file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0}

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["渠道", "产品编码", "数量", "金额"])
    sheet.append(["华东分销", "P1", 11, 110000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("channel.xlsx", buffer.getvalue())
    response = api_as(world.divhead).post(reverse("v1:channel-forecast-import"), {
        "period": world.period.pk, "org_unit": world.division.pk, "file": upload}, format="multipart")
    assert response.json() == {"created": 0, "updated": 1}
    assert ChannelForecast.objects.get(product=world.p1).amount == Decimal("110000.00")


def test_channel_import_is_all_or_nothing(api_as, world):
    text = "partner,product,amount\n华东分销,P1,100\n华东分销,NOPE,5\n"
    upload = SimpleUploadedFile("channel.csv", text.encode(), content_type="text/csv")
    response = api_as(world.divhead).post(reverse("v1:channel-forecast-import"), {
        "period": world.period.pk, "org_unit": world.division.pk, "file": upload}, format="multipart")
    assert response.status_code == 400 and "NOPE" in str(response.json())
    assert not ChannelForecast.objects.exists()
    upload = SimpleUploadedFile("channel.txt", b"x")
    response = api_as(world.divhead).post(reverse("v1:channel-forecast-import"), {
        "period": world.period.pk, "org_unit": world.division.pk, "file": upload}, format="multipart")
    assert response.status_code == 400


# --- production-plan/ ------------------------------------------------------------------------------

@pytest.fixture
def approved_world(world):
    """am1 forecasts 40,000 of o2's 50,000; am1, am2 and the team manager approved; am3 only submitted."""
    record = services.forecast_create(period=world.period, by=world.am1)
    line = record.lines.get(opportunity=world.o.o2)
    services.forecast_set_lines(forecast=record, by=world.am1, lines=[{"id": line.pk, "amount": "40000.00"}])
    services.forecast_submit(forecast=record, by=world.am1)
    services.forecast_approve(forecast=record, by=world.teamlead)
    approved(world.am2, world.period, world.teamlead)
    approved(world.teamlead, world.period, world.regional)
    submitted(world.am3, world.period)  # not approved: not in the plan
    return world


EXPECTED_PLAN = [
    # P1 April: o1 (10, 100,000) + o9 of the team manager (1, 25,000)
    ("P1", "2026-04", "11.00", "125000.00"),
    ("P1", "2026-05", "2.00", "20000.00"),   # o4
    ("P1", "2026-06", "8.00", "80000.00"),   # o8
    ("P2", "2026-05", "4.00", "40000.00"),   # o2 pro-rated: 40,000 of 50,000 -> 4 of 5 units
    ("P2", "2026-06", "7.00", "70000.00"),   # o7 (am2's; am1 only on its team)
]


def test_production_plan_sums_by_product_and_month(api_as, approved_world):
    world = approved_world
    response = api_as(world.admin).get(reverse("v1:production-plan"), {"period": world.period.pk})
    assert response.status_code == 200
    rows = [(r["product_code"], r["month"], r["quantity"], r["amount"]) for r in response.json()]
    assert rows == EXPECTED_PLAN
    assert set(response.json()[0]) >= {"product", "month", "quantity", "amount"}
    # The team manager sees his subtree's approved records: the same plan here.
    mine = api_as(world.teamlead).get(reverse("v1:production-plan"), {"period": world.period.pk}).json()
    assert [(r["product_code"], r["month"], r["amount"]) for r in mine] == [row[:2] + row[3:] for row in
                                                                            EXPECTED_PLAN]
    # An account manager sees only what his own approved record holds.
    own = api_as(world.am1).get(reverse("v1:production-plan"), {"period": world.period.pk}).json()
    assert [(r["product_code"], r["month"], r["amount"]) for r in own] == [
        ("P1", "2026-04", "100000.00"), ("P1", "2026-05", "20000.00"), ("P2", "2026-05", "40000.00")]
    assert api_as(world.outsider).get(reverse("v1:production-plan"), {"period": world.period.pk}).json() == []


def test_production_plan_csv(api_as, approved_world):
    world = approved_world
    response = api_as(world.admin).get(reverse("v1:production-plan"), {"period": world.period.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["product", "product_code", "product_name", "month", "quantity", "amount"]
    assert [(r[1], r[3], r[4], r[5]) for r in rows[1:]] == EXPECTED_PLAN


def test_production_plan_needs_a_period(api_as, world):
    assert api_as(world.admin).get(reverse("v1:production-plan")).status_code == 400
    assert api_as(world.admin).get(reverse("v1:production-plan"), {"period": "x"}).status_code == 400
    assert api_as(world.admin).get(reverse("v1:production-plan"), {"period": 99999}).status_code == 404


def test_schema_lists_the_forecast_endpoints(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    # tests/crm/test_schema.py fails on any warning of the whole schema; this checks the paths.
    call_command("spectacular", "--validate", "--file", str(out))
    text = out.read_text()
    for path in ["/api/v1/forecast-periods/", "/api/v1/forecasts/{id}/submit/", "/api/v1/forecasts/{id}/revise/",
                 "/api/v1/forecasts/{id}/return/", "/api/v1/forecasts/{id}/approve/", "/api/v1/channel-forecasts/",
                 "/api/v1/production-plan/"]:
        assert path in text, path


def test_period_kinds_are_month_and_quarter(world):
    assert ForecastPeriod.objects.get(pk=world.previous.pk).end == date(2026, 3, 31)


@pytest.mark.parametrize(("start", "end", "kind", "name"), [
    ("2026-08-01", "2026-08-31", "month", "2026-08"),
    ("2026-10-01", "2026-12-31", "quarter", "2026 Q4"),
    ("2027-01-01", "2027-12-31", "year", "2027"),
])
def test_period_create_with_the_contract_fields_only(api_as, world, start, end, kind, name):
    """`name, start, end, deadline` suffice: the kind follows from the dates, the deadline is the last level's."""
    body = {"name": "", "start": start, "end": end, "deadline": end}
    response = api_as(world.admin).post(reverse("v1:forecast-period-list"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["kind"], data["name"], data["start"], data["end"]) == (kind, name, start, end)
    assert data["deadline"] == end
    # The levels below keep their two days each before the final deadline, in the level order.
    dues = [data["deadlines"][level] for level in ("account_manager", "team", "region", "division")]
    assert dues == sorted(dues) and dues[-1] == end


def test_period_dates_of_no_kind_need_the_kind(api_as, world):
    body = {"name": "Autumn push", "start": "2026-08-03", "end": "2026-09-20", "deadline": "2026-08-10"}
    response = api_as(world.admin).post(reverse("v1:forecast-period-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert "kind" in response.json()
    response = api_as(world.admin).post(reverse("v1:forecast-period-list"), {**body, "kind": "month"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["end"], response.json()["deadline"]) == ("2026-09-20", "2026-08-10")
    assert api_as(world.admin).post(reverse("v1:forecast-period-list"), {"start": "2026-08-03"},
                                    format="json").status_code == 400
