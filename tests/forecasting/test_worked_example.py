"""The worked example of the issue, end to end through the API, with the exact totals at each level:
account managers -> team manager -> region manager -> division head (see conftest.py for the data)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from forecasting.models import Forecast, ForecastEvent

pytestmark = pytest.mark.django_db

LIST = reverse("v1:forecast-list")


def url(name, record_id):
    return reverse(f"v1:forecast-{name}", args=[record_id])


def d(value) -> Decimal:
    return Decimal(str(value))


def create(api_as, user, period):
    response = api_as(user).post(LIST, {"period": period.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def submit(api_as, user, record):
    response = api_as(user).post(url("submit", record["id"]), {}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_four_levels_up_to_the_division(api_as, world):
    o, period = world.o, world.period

    # --- Account manager 1: only his confirmed, primary-owned opportunities in the quarter ------------
    am1 = create(api_as, world.am1, period)
    assert am1["version"] == 1 and am1["status"] == "draft"
    assert [line["opportunity"] for line in am1["lines"]] == [o.o1.pk, o.o4.pk, o.o2.pk]  # by close date
    # o3 unconfirmed, o5 lost, o6 next quarter, o7 only on its sales team: none of them counts.
    assert d(am1["amount"]) == d("170000.00")
    assert d(am1["own_total"]) == d("170000.00")
    assert d(am1["subordinate_total"]) == 0
    assert d(am1["pipeline_total"]) == d("200000.00")  # o1 + o2 + o3 (unconfirmed) + o4
    assert am1["categories"] == {"commit": "120000.00", "best_case": "50000.00", "pipeline": "0.00"}
    # Each line starts at the opportunity's full amount, not probability-weighted.
    assert {line["opportunity"]: line["amount"] for line in am1["lines"]}[o.o2.pk] == "50000.00"

    # He forecasts less for o2 than its amount.
    line_o2 = next(line for line in am1["lines"] if line["opportunity"] == o.o2.pk)
    response = api_as(world.am1).post(url("lines", am1["id"]), {"lock_version": am1["lock_version"], "lines": [
        {"id": line_o2["id"], "amount": "40000.00"}]}, format="json")
    assert response.status_code == 200, response.content
    am1 = response.json()
    assert d(am1["amount"]) == d("160000.00")
    assert am1["categories"]["best_case"] == "40000.00"

    # A revision needs a reason (400); a stale lock version is a 409, never a lost update.
    response = api_as(world.am1).post(url("revise", am1["id"]), {"amount": "150000.00"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api_as(world.am1).post(url("revise", am1["id"]), {"amount": "150000.00", "reason": "x",
                                                                  "lock_version": am1["lock_version"] - 1},
                                      format="json")
    assert response.status_code == 409
    assert Forecast.objects.get(pk=am1["id"]).amount == d("160000.00")

    am1 = submit(api_as, world.am1, am1)
    assert am1["status"] == "submitted" and am1["submitted_at"]
    # Submitting twice is a 409; a submitted record cannot be revised (409); nobody approves their own (403).
    assert api_as(world.am1).post(url("submit", am1["id"]), {}, format="json").status_code == 409
    assert api_as(world.am1).post(url("revise", am1["id"]), {"amount": "1.00", "reason": "late"},
                                  format="json").status_code == 409
    assert api_as(world.am1).post(url("approve", am1["id"]), {}, format="json").status_code == 403

    # --- Account manager 2: returned, then a new version, revised with a reason --------------------
    am2 = create(api_as, world.am2, period)
    assert [line["opportunity"] for line in am2["lines"]] == [o.o7.pk, o.o8.pk]
    assert d(am2["amount"]) == d("150000.00")
    assert am2["categories"] == {"commit": "80000.00", "best_case": "0.00", "pipeline": "70000.00"}
    am2 = submit(api_as, world.am2, am2)
    response = api_as(world.teamlead).post(url("return", am2["id"]), {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api_as(world.teamlead).post(url("return", am2["id"]), {"reason": "o7 仍在需求阶段,请复核"},
                                           format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"

    am2v2 = create(api_as, world.am2, period)
    assert am2v2["version"] == 2 and am2v2["status"] == "draft"
    response = api_as(world.am2).post(url("revise", am2v2["id"]), {"amount": "140000.00", "reason": "客户预算削减"},
                                      format="json")
    assert response.status_code == 200, response.content
    am2v2 = response.json()
    assert d(am2v2["amount"]) == d("140000.00")
    assert am2v2["categories"] == {"commit": "74666.67", "best_case": "0.00", "pipeline": "65333.33"}
    am2v2 = submit(api_as, world.am2, am2v2)

    # The returned version stays as it was; deciding on it again is a conflict.
    assert api_as(world.teamlead).post(url("approve", am2["id"]), {}, format="json").status_code == 409
    assert Forecast.objects.get(pk=am2["id"]).amount == d("150000.00")

    # --- Team manager: sum of the direct subordinates' latest reported records + his own opportunity ---
    for record in (am1, am2v2):
        response = api_as(world.teamlead).post(url("approve", record["id"]), {}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "approved"
    team = create(api_as, world.teamlead, period)
    assert [line["opportunity"] for line in team["lines"]] == [o.o9.pk]
    assert d(team["subordinate_total"]) == d("300000.00")  # 160,000 + 140,000
    assert d(team["own_total"]) == d("25000.00")
    assert d(team["amount"]) == d("325000.00")
    assert d(team["pipeline_total"]) == d("375000.00")  # 200,000 + 150,000 + 25,000
    assert team["categories"] == {"commit": "219666.67", "best_case": "40000.00", "pipeline": "65333.33"}
    response = api_as(world.teamlead).post(url("revise", team["id"]), {"amount": "310000.00",
                                                                        "reason": "o8 交付风险"}, format="json")
    assert response.status_code == 200
    team = submit(api_as, world.teamlead, response.json())
    assert d(team["amount"]) == d("310000.00")
    assert d(team["subordinate_total"]) == d("300000.00")  # kept beside the revised figure

    # A manager outside the subtree does not even see the record (404); an outsider neither.
    assert api_as(world.regional2).post(url("approve", team["id"]), {}, format="json").status_code == 404
    assert api_as(world.outsider).post(url("return", team["id"]), {"reason": "x"}, format="json").status_code == 404

    # --- Region manager: the team manager's revised figure; the silent team counts 0 -----------------
    region = create(api_as, world.regional, period)
    assert region["lines"] == []
    assert d(region["subordinate_total"]) == d("310000.00")
    assert d(region["amount"]) == d("310000.00")
    assert d(region["pipeline_total"]) == d("385000.00")  # + o10 of the team that did not submit
    assert api_as(world.regional).post(url("approve", team["id"]), {}, format="json").status_code == 200
    region = submit(api_as, world.regional, region)

    # The other region.
    am3 = submit(api_as, world.am3, create(api_as, world.am3, period))
    assert d(am3["amount"]) == d("90000.00")
    assert api_as(world.regional2).post(url("approve", am3["id"]), {}, format="json").status_code == 200
    region2 = submit(api_as, world.regional2, create(api_as, world.regional2, period))
    assert d(region2["amount"]) == d("90000.00")

    # --- Division head: the final record of the period -------------------------------------------------
    division = create(api_as, world.divhead, period)
    assert d(division["subordinate_total"]) == d("400000.00")  # 310,000 + 90,000
    assert d(division["amount"]) == d("400000.00")
    assert d(division["pipeline_total"]) == d("475000.00")
    # A superior anywhere up the line may decide: the division head approves the region's record.
    assert api_as(world.divhead).post(url("approve", region["id"]), {}, format="json").status_code == 200
    assert api_as(world.divhead).post(url("approve", region2["id"]), {}, format="json").status_code == 200
    division = submit(api_as, world.divhead, division)
    assert api_as(world.head).post(url("approve", division["id"]), {}, format="json").status_code == 200
    # Approving an approved record again is a conflict.
    assert api_as(world.divhead).post(url("approve", am1["id"]), {}, format="json").status_code == 409

    # Every version is kept, with the trail of who did what and why.
    assert Forecast.objects.filter(owner=world.am2, period=period).count() == 2
    trail = api_as(world.teamlead).get(url("trail", am2v2["id"])).json()
    assert [(e["version"], e["kind"]) for e in trail] == [
        (1, "created"), (1, "submitted"), (1, "returned"), (2, "created"), (2, "revised"), (2, "submitted"),
        (2, "approved")]
    returned = next(e for e in trail if e["kind"] == "returned")
    assert returned["reason"] == "o7 仍在需求阶段,请复核" and returned["actor"] == world.teamlead.pk
    revised = next(e for e in trail if e["kind"] == "revised")
    assert (revised["amount_before"], revised["amount_after"], revised["reason"]) == (
        "150000.00", "140000.00", "客户预算削减")
    assert ForecastEvent.objects.filter(forecast_id=team["id"], kind="revised", reason="o8 交付风险").exists()


def test_account_manager_approving_is_refused(api_as, world):
    record = submit(api_as, world.am1, create(api_as, world.am1, world.period))
    # The owner: 403. Another account manager does not see the record at all: 404.
    assert api_as(world.am1).post(url("approve", record["id"]), {}, format="json").status_code == 403
    assert api_as(world.am2).post(url("approve", record["id"]), {}, format="json").status_code == 404
    assert Forecast.objects.get(pk=record["id"]).status == "submitted"


def test_manager_returning_own_record_is_refused(api_as, world):
    record = submit(api_as, world.teamlead, create(api_as, world.teamlead, world.period))
    response = api_as(world.teamlead).post(url("return", record["id"]), {"reason": "x"}, format="json")
    assert response.status_code == 403


def test_only_the_owner_submits_or_revises(api_as, world):
    record = create(api_as, world.am1, world.period)
    assert api_as(world.teamlead).post(url("submit", record["id"]), {}, format="json").status_code == 403
    response = api_as(world.teamlead).post(url("revise", record["id"]), {"amount": "1.00", "reason": "x"},
                                           format="json")
    assert response.status_code == 403


def test_revision_with_categories_must_add_up(api_as, world):
    record = create(api_as, world.am1, world.period)
    bad = api_as(world.am1).post(url("revise", record["id"]), {
        "amount": "100.00", "reason": "split", "categories": {"commit": "60.00", "best_case": "30.00"}},
        format="json")
    assert bad.status_code == 400 and "amount" in bad.json()
    good = api_as(world.am1).post(url("revise", record["id"]), {
        "reason": "split", "categories": {"commit": "60.00", "best_case": "30.00", "pipeline": "10.00"}},
        format="json")
    assert good.status_code == 200
    assert good.json()["amount"] == "100.00"
    assert good.json()["categories"] == {"commit": "60.00", "best_case": "30.00", "pipeline": "10.00"}


def test_new_version_keeps_the_owners_line_figures(api_as, world):
    record = create(api_as, world.am1, world.period)
    line = next(line for line in record["lines"] if line["opportunity"] == world.o.o1.pk)
    api_as(world.am1).post(url("lines", record["id"]), {"lines": [
        {"id": line["id"], "amount": "90000.00", "category": "best_case"}]}, format="json")
    again = create(api_as, world.am1, world.period)
    assert again["version"] == 2
    carried = next(line for line in again["lines"] if line["opportunity"] == world.o.o1.pk)
    assert (carried["amount"], carried["category"]) == ("90000.00", "best_case")
    # The earlier draft is kept as it was.
    assert Forecast.objects.get(pk=record["id"]).lines.get(opportunity=world.o.o1).amount == Decimal("90000.00")


def test_two_stale_copies_never_lose_an_update(world):
    from crm.errors import ConflictError
    from forecasting import services

    record = services.forecast_create(period=world.period, by=world.am1)
    first, second = Forecast.objects.get(pk=record.pk), Forecast.objects.get(pk=record.pk)
    services.forecast_revise(forecast=first, by=world.am1, amount="1000.00", reason="first")
    with pytest.raises(ConflictError):
        services.forecast_revise(forecast=second, by=world.am1, amount="2000.00", reason="second")
    with pytest.raises(ConflictError):
        services.forecast_submit(forecast=second, by=world.am1)
    assert Forecast.objects.get(pk=record.pk).amount == Decimal("1000.00")
    assert ForecastEvent.objects.filter(forecast=record, kind="revised").count() == 1
