"""The funnel API of spec/api.md: stages/, opportunities/{id}/move/, funnel/baselines/, funnel/health/ —
shapes, rules and permissions (owner, team member, manager, outsider 404, anonymous 401)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from funnel.models import Baseline, StageChange
from opportunities.models import Assessment, Stage
from tests.factories import BaselineFactory, OpportunityFactory, UserFactory, stage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STAGES = "/api/v1/stages/"
BASELINES = "/api/v1/funnel/baselines/"
HEALTH = "/api/v1/funnel/health/"


def move(opportunity):
    return f"/api/v1/opportunities/{opportunity.pk}/move/"


# --- Anonymous -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [STAGES, BASELINES, HEALTH])
def test_anonymous_gets_401(api, url):
    assert api.get(url).status_code == 401


def test_anonymous_cannot_move(api, opportunity):
    assert api.post(move(opportunity), {"stage": "02"}, format="json").status_code == 401


# --- Stages --------------------------------------------------------------------------------------

def test_stages_are_listed_for_everyone_with_the_contract_fields(api_as, owner):
    body = api_as(owner).get(STAGES).json()
    assert body["count"] == 9
    first = body["results"][0]
    assert {"code", "name", "probability", "order", "outcome"} <= set(first)
    assert [(s["code"], s["outcome"], s["probability"]) for s in body["results"]][-2:] == [("08", "won", 100),
                                                                                          ("08", "lost", 0)]
    assert body["results"][3]["requirements"] == ["assessment_done"]


def test_only_admins_write_stages(api_as, manager, admin_user):
    five = stage("05")
    assert api_as(manager).patch(f"{STAGES}{five.pk}/", {"probability": 55}, format="json").status_code == 403
    response = api_as(admin_user).patch(f"{STAGES}{five.pk}/", {"probability": 55, "stuck_after_days": 40},
                                        format="json")
    assert response.status_code == 200 and response.json()["probability"] == 55
    bad = api_as(admin_user).patch(f"{STAGES}{five.pk}/", {"requirements": ["nope"]}, format="json")
    assert bad.status_code == 400 and "requirements" in bad.json()


def test_a_stage_in_use_is_not_deleted(api_as, admin_user, opportunity):
    response = api_as(admin_user).delete(f"{STAGES}{stage('01').pk}/")
    assert response.status_code == 409
    assert Stage.objects.filter(code="01").exists()


# --- Move ----------------------------------------------------------------------------------------

def test_owner_moves_and_gets_the_new_stage_and_the_change(api_as, owner, opportunity):
    response = api_as(owner).post(move(opportunity), {"stage": "02"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["stage"], body["outcome"], body["probability"], body["weighted_amount"]) == (
        "02", "open", 20, "20000.00")
    assert body["stage_change"]["from_code"] == "01" and body["stage_change"]["to_code"] == "02"
    again = api_as(owner).post(move(opportunity), {"stage": "02"}, format="json")
    assert again.status_code == 200 and again.json()["stage_change"] is None
    history = api_as(owner).get(f"/api/v1/opportunities/{opportunity.pk}/stage-changes/").json()
    assert history["count"] == 1


def test_stage_08_without_outcome_is_400_naming_the_field(api_as, owner, opportunity):
    response = api_as(owner).post(move(opportunity), {"stage": "08"}, format="json")
    assert response.status_code == 400 and "outcome" in response.json()
    unknown = api_as(owner).post(move(opportunity), {"stage": "42"}, format="json")
    assert unknown.status_code == 400 and "stage" in unknown.json()


def test_lost_without_a_reason_is_400_and_with_one_closes(api_as, owner, opportunity):
    response = api_as(owner).post(move(opportunity), {"stage": "08", "outcome": "lost"}, format="json")
    assert response.status_code == 400 and "loss_reason" in response.json()
    response = api_as(owner).post(move(opportunity), {"stage": "08", "outcome": "lost", "loss_reason": "预算取消",
                                                      "competitor": "华为"}, format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "lost"


def test_requirement_refused_with_a_clear_message(api_as, owner, opportunity):
    response = api_as(owner).post(move(opportunity), {"stage": "04"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"stage": ["暂时不能推进到阶段 04: 请先完成商机价值评估(20 问)。"]}
    client = api_as(owner)
    client.cookies["django_language"] = "en"
    response = client.post(move(opportunity), {"stage": "04"}, format="json")
    assert response.json() == {"stage": ["Cannot move to stage 04 yet: Assess the opportunity (20 questions) first."]}
    Assessment.objects.create(opportunity=opportunity, author=owner, score=12, threshold=10, high_value=True,
                              opportunity_score=3, competitiveness_score=3, winnability_score=3, worth_score=3)
    assert api_as(owner).post(move(opportunity), {"stage": "04", "skip_open_tasks": True},
                              format="json").status_code == 200


@pytest.mark.parametrize(("who", "code"), [("manager", 200), ("director", 200), ("admin_user", 200),
                                           ("presales", 403), ("teammate", 404), ("outsider", 404)])
def test_move_permissions(request, api_as, opportunity, presales, who, code):
    response = api_as(request.getfixturevalue(who)).post(move(opportunity), {"stage": "02"}, format="json")
    assert response.status_code == code
    assert StageChange.objects.filter(opportunity=opportunity).count() == (1 if code == 200 else 0)


def test_a_closed_opportunity_is_reopened_by_a_superior_only(api_as, owner, manager, opportunity):
    api_as(owner).post(move(opportunity), {"stage": "08", "outcome": "lost", "loss_reason": "x"}, format="json")
    assert api_as(owner).post(move(opportunity), {"stage": "03"}, format="json").status_code == 403
    assert api_as(manager).post(move(opportunity), {"stage": "03"}, format="json").status_code == 200


def test_the_api_writes_the_day_an_opportunity_closed_and_clears_it_on_reopening(api_as, owner, manager, opportunity):
    detail = f"/api/v1/opportunities/{opportunity.pk}/"
    assert api_as(owner).get(detail).json()["closed_on"] is None
    api_as(owner).post(move(opportunity), {"stage": "08", "outcome": "lost", "loss_reason": "x"}, format="json")
    assert api_as(owner).get(detail).json()["closed_on"] == timezone.localdate().isoformat()
    listed = api_as(owner).get("/api/v1/opportunities/", {"stage": "all"}).json()["results"]
    assert [row["closed_on"] for row in listed if row["id"] == opportunity.pk] == [timezone.localdate().isoformat()]
    # Read-only: a PATCH cannot set it.
    api_as(owner).patch(detail, {"closed_on": "2020-01-01", "name": "改名"}, format="json")
    assert api_as(owner).get(detail).json()["closed_on"] == timezone.localdate().isoformat()
    api_as(manager).post(move(opportunity), {"stage": "03"}, format="json")
    assert api_as(owner).get(detail).json()["closed_on"] is None


# --- Baselines -----------------------------------------------------------------------------------

def test_admin_sets_a_baseline_for_anyone_but_themselves(api_as, admin_user, owner):
    client = api_as(admin_user)
    response = client.post(BASELINES, {"user": owner.pk, "stage": "03", "expected_count": "4"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert {"id", "user", "org_unit", "stage", "expected_count", "expected_amount", "source"} <= set(body)
    assert (body["stage"], body["source"], body["expected_count"], body["expected_amount"]) == ("03", "manual",
                                                                                              "4.00", None)
    again = client.post(BASELINES, {"user": owner.pk, "stage": "03", "expected_amount": "500000"}, format="json")
    assert again.status_code == 200 and Baseline.objects.filter(user=owner).count() == 1
    assert client.post(BASELINES, {"user": admin_user.pk, "stage": "03", "expected_count": "4"},
                       format="json").status_code == 403


def test_a_manager_sets_baselines_in_their_subtree_not_their_own(api_as, manager, director, owner, team, region,
                                                                  outsider):
    client = api_as(director)
    assert client.post(BASELINES, {"user": owner.pk, "stage": "02", "expected_count": "3"},
                       format="json").status_code == 201
    assert client.post(BASELINES, {"org_unit": team.pk, "stage": "02", "expected_count": "9"},
                       format="json").status_code == 201
    # Their own person and the unit they manage themselves: 403.
    assert client.post(BASELINES, {"user": director.pk, "stage": "02", "expected_count": "3"},
                       format="json").status_code == 403
    assert client.post(BASELINES, {"org_unit": region.pk, "stage": "02", "expected_count": "3"},
                       format="json").status_code == 403
    # Another branch: 404, as if it did not exist.
    assert client.post(BASELINES, {"user": outsider.pk, "stage": "02", "expected_count": "3"},
                       format="json").status_code == 404


def test_an_account_manager_sets_no_baseline(api_as, owner, teammate):
    client = api_as(owner)
    assert client.post(BASELINES, {"user": owner.pk, "stage": "02", "expected_count": "3"},
                       format="json").status_code == 403
    assert client.post(BASELINES, {"user": teammate.pk, "stage": "02", "expected_count": "3"},
                       format="json").status_code == 404


def test_baselines_list_is_scoped_and_history_rows_are_read_only(api_as, owner, manager, outsider, director):
    manual = BaselineFactory(user=owner, stage=stage("02"))
    history = Baseline.objects.create(user=owner, stage=stage("03"), source="history", expected_count=Decimal("2"))
    assert api_as(manager).get(BASELINES).json()["count"] == 2
    assert api_as(owner).get(BASELINES, {"source": "manual"}).json()["count"] == 1
    assert api_as(outsider).get(BASELINES).json()["count"] == 0
    assert api_as(outsider).get(f"{BASELINES}{manual.pk}/").status_code == 404
    assert api_as(manager).patch(f"{BASELINES}{history.pk}/", {"expected_count": "5"},
                                 format="json").status_code == 409
    assert api_as(owner).patch(f"{BASELINES}{manual.pk}/", {"expected_count": "5"}, format="json").status_code == 403
    response = api_as(manager).patch(f"{BASELINES}{manual.pk}/", {"expected_count": "5"}, format="json")
    assert response.status_code == 200 and response.json()["expected_count"] == "5.00"
    assert api_as(owner).delete(f"{BASELINES}{manual.pk}/").status_code == 403
    assert api_as(manager).delete(f"{BASELINES}{manual.pk}/").status_code == 204
    assert api_as(manager).delete(f"{BASELINES}{history.pk}/").status_code == 409


def test_baseline_input_is_validated(api_as, manager, owner):
    client = api_as(manager)
    assert client.post(BASELINES, {"user": owner.pk, "stage": "03"}, format="json").status_code == 400
    assert client.post(BASELINES, {"user": owner.pk, "stage": "03", "expected_count": "-1"},
                       format="json").status_code == 400
    assert client.post(BASELINES, {"stage": "03", "expected_count": "1"}, format="json").status_code == 400
    assert client.post(BASELINES, {"user": owner.pk, "stage": "08", "expected_count": "1"},
                       format="json").status_code == 400


# --- Health --------------------------------------------------------------------------------------

def test_health_of_my_own_funnel(api_as, owner, opportunity):
    BaselineFactory(user=owner, stage=stage("01"), expected_count=Decimal("1.00"), expected_amount=Decimal("200000"))
    client = api_as(owner)
    rows = client.get(HEALTH).json()
    assert [row["stage"] for row in rows] == ["01", "02", "03", "04", "05", "06", "07"]
    first = rows[0]
    assert {k: first[k] for k in ("stage", "current", "expected", "ratio", "status")} == {
        "stage": "01", "current": "1.00", "expected": "1.00", "ratio": "1.0000", "status": "good"}
    assert rows[1]["status"] == "no_baseline" and rows[1]["ratio"] is None and rows[1]["expected"] is None
    by_amount = client.get(HEALTH, {"measure": "amount"}).json()[0]
    assert (by_amount["current"], by_amount["ratio"], by_amount["status"]) == ("100000.00", "0.5000", "warning")
    assert client.get(HEALTH, {"measure": "weight"}).status_code == 400


@pytest.mark.parametrize(("who", "code"), [("owner", 200), ("manager", 200), ("director", 200),
                                           ("admin_user", 200), ("teammate", 404), ("outsider", 404)])
def test_health_visibility_of_a_person(request, api_as, owner, director, who, code):
    response = api_as(request.getfixturevalue(who)).get(HEALTH, {"user": owner.pk})
    assert response.status_code == code


@pytest.mark.parametrize(("who", "code"), [("manager", 200), ("director", 200), ("owner", 404), ("outsider", 404)])
def test_health_visibility_of_a_unit(request, api_as, team, director, who, code):
    assert api_as(request.getfixturevalue(who)).get(HEALTH, {"org_unit": team.pk}).status_code == code


def test_health_of_unknown_ids_is_404(api_as, admin_user):
    assert api_as(admin_user).get(HEALTH, {"user": 999999}).status_code == 404
    assert api_as(admin_user).get(HEALTH, {"org_unit": "x"}).status_code == 404


def test_health_costs_a_constant_number_of_queries(api_as, manager, team, director, django_assert_max_num_queries):
    for index in range(12):
        OpportunityFactory(primary_owner=UserFactory(username=f"am{index}", org_unit=team, manager=manager))
    with django_assert_max_num_queries(12):
        assert api_as(manager).get(HEALTH, {"org_unit": team.pk}).status_code == 200
