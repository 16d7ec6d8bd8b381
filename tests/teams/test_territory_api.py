"""`territories/` and `assignment-rules/`: every signed-in member reads; administrators, and managers for the
units they manage, configure territories; only administrators configure assignment rules; writes validated by
the services; lists paginated in a constant number of queries."""

import pytest
from django.urls import reverse

from crm.errors import ConflictError, DomainError, PermissionDenied
from sales_planning.models import Redeployment, TerritoryAccount, TerritoryPlan
from teams import services
from teams.models import AssignmentRule, AssignmentStrategy, Territory
from tests.factories import UserFactory
from tests.sales_org import customer_for

pytestmark = pytest.mark.django_db

TERRITORIES = reverse("v1:territory-list")
RULES = reverse("v1:assignment-rule-list")



@pytest.fixture
def territory(org):
    territory = Territory.objects.create(name="华东重点行业", org_unit=org.region, provinces=["上海"])
    territory.members.set([org.am1])
    return territory


def _detail(name, pk):
    return reverse(f"v1:{name}-detail", args=[pk])


# --- Territories ---------------------------------------------------------------------------------

def test_everyone_signed_in_reads_territories(api, api_as, org, territory):
    for person in (org.am1, org.outsider, org.admin):
        response = api_as(person).get(TERRITORIES)
        assert response.status_code == 200 and response.data["count"] == 1
    row = api_as(org.am3).get(_detail("territory", territory.pk)).data
    assert (row["name"], row["org_unit"], row["members"], row["member_count"]) == (
        "华东重点行业", org.region.pk, [org.am1.pk], 1)
    assert api.get(TERRITORIES).status_code == 401
    assert api_as(org.am1).get(TERRITORIES, {"member": org.am3.pk}).data["count"] == 0


def test_a_manager_creates_territories_for_the_units_they_manage(api_as, org):
    body = {"name": "  杭州 制造业 ", "org_unit": org.team_b.pk, "provinces": ["浙江", " 浙江 ", ""],
            "cities": ["杭州"], "industries": ["制造业"], "members": [org.am3.pk]}
    response = api_as(org.region_mgr).post(TERRITORIES, body, format="json")
    assert response.status_code == 201, response.data
    assert (response.data["name"], response.data["provinces"], response.data["members"]) == (
        "杭州 制造业", ["浙江"], [org.am3.pk])
    territory = Territory.objects.get(pk=response.data["id"])
    assert territory.history.first().history_user == org.region_mgr
    # Not their unit, an account manager, or a unit outside their subtree: 403.
    for person, unit in ((org.team_mgr_b, org.team), (org.am1, org.team), (org.other_head, org.region)):
        response = api_as(person).post(TERRITORIES, {**body, "name": f"x{person.pk}", "org_unit": unit.pk,
                                                     "members": []}, format="json")
        assert response.status_code == 403, person


def test_territory_validation(api_as, org, territory):
    client = api_as(org.region_mgr)
    response = client.post(TERRITORIES, {"name": "华东重点行业", "org_unit": org.region.pk}, format="json")
    assert response.status_code == 400 and "name" in response.data
    response = client.post(TERRITORIES, {"name": "外人", "org_unit": org.region.pk,
                                         "members": [org.outsider.pk]}, format="json")
    assert response.status_code == 400 and "members" in response.data
    response = client.post(TERRITORIES, {"name": "无单位"}, format="json")
    assert response.status_code == 400 and "org_unit" in response.data
    response = client.post(TERRITORIES, {"name": "坏清单", "org_unit": org.region.pk, "provinces": "上海"},
                           format="json")
    assert response.status_code == 400 and "provinces" in response.data
    gone = UserFactory(username="gone", manager=org.team_mgr, is_active=False)
    response = client.post(TERRITORIES, {"name": "离职", "org_unit": org.team.pk, "members": [gone.pk]},
                           format="json")
    assert response.status_code == 400 and "members" in response.data


def test_changing_moving_and_deleting_a_territory(api_as, org, territory):
    client = api_as(org.region_mgr)
    response = client.patch(_detail("territory", territory.pk), {"cities": ["上海", "苏州"], "active": False},
                            format="json")
    assert response.status_code == 200 and response.data["cities"] == ["上海", "苏州"]
    assert response.data["active"] is False and response.data["provinces"] == ["上海"]
    # Moving it to a unit outside the manager's subtree is refused; a team manager cannot touch a region's.
    assert client.patch(_detail("territory", territory.pk), {"org_unit": org.other_division.pk},
                        format="json").status_code == 403
    assert api_as(org.team_mgr).patch(_detail("territory", territory.pk), {"name": "x"},
                                      format="json").status_code == 403
    assert api_as(org.admin).patch(_detail("territory", territory.pk), {"org_unit": org.team.pk},
                                   format="json").status_code == 200
    TerritoryAccount.objects.create(territory=territory, customer_id=customer_for(org.am1).pk)
    assert client.delete(_detail("territory", territory.pk)).status_code == 409
    TerritoryAccount.objects.all().delete()
    assert api_as(org.am1).delete(_detail("territory", territory.pk)).status_code == 403
    assert client.delete(_detail("territory", territory.pk)).status_code == 204
    assert not Territory.objects.exists() and Territory.history.filter(history_type="-").exists()


def test_territory_service_refuses_directly(org, territory):
    with pytest.raises(PermissionDenied):
        services.territory_save(by=org.am1, data={"name": "x", "org_unit": org.team})
    with pytest.raises(DomainError):
        services.territory_save(by=org.team_mgr, data={"name": "", "org_unit": org.team})
    with pytest.raises(ConflictError):
        TerritoryAccount.objects.create(territory=territory, customer_id=customer_for(org.am1).pk)
        services.territory_delete(territory=territory, by=org.admin)


USES = {
    "named account": lambda org, t: TerritoryAccount.objects.create(territory=t, customer_id=customer_for(org.am1).pk),
    "plan": lambda org, t: TerritoryPlan.objects.create(org_unit=org.region, territory=t, year=2026,
                                                        drafted_by=org.region_mgr),
    "assignment rule": lambda org, t: AssignmentRule.objects.create(name="规则", territory=t,
                                                                    strategy=AssignmentStrategy.ROUND_ROBIN),
    "re-deployment from": lambda org, t: Redeployment.objects.create(by=org.admin, to_user=org.am2, from_territory=t,
                                                                      reason="调岗"),
    "re-deployment to": lambda org, t: Redeployment.objects.create(by=org.admin, to_user=org.am2, to_territory=t,
                                                                    reason="调岗"),
}


@pytest.mark.parametrize("use", list(USES))
def test_a_territory_in_use_is_refused_deletion_with_a_409(api_as, org, territory, use):
    """Whatever app refers to the territory (and however it names the relation), deleting it is a 409, never
    a 500 from the database's PROTECT."""
    USES[use](org, territory)
    with pytest.raises(ConflictError):
        services.territory_delete(territory=territory, by=org.admin)
    response = api_as(org.admin).delete(_detail("territory", territory.pk))
    assert response.status_code == 409 and "停用" in response.data["detail"]
    assert Territory.objects.filter(pk=territory.pk).exists()


@pytest.mark.parametrize("size", [3, 12])
def test_territory_list_costs_constant_queries(api_as, org, size, django_assert_max_num_queries):
    for index in range(size):
        territory = Territory.objects.create(name=f"区域{index}", org_unit=org.team, provinces=["上海"])
        territory.members.set([org.am1, org.am2])
    client = api_as(org.am1)
    for page_size in (2, 50):
        with django_assert_max_num_queries(4):
            response = client.get(TERRITORIES, {"page_size": page_size})
        assert len(response.data["results"]) == min(page_size, size)
        assert response.data["results"][0]["member_count"] == 2


# --- Assignment rules ----------------------------------------------------------------------------

def _rule_body(org, **extra):
    return {"name": "上海制造业", "order": 10, "provinces": ["上海"], "industries": ["制造业"],
            "sources": ["campaign"], "strategy": "user", "user": org.am1.pk, **extra}


def test_only_administrators_configure_assignment_rules(api_as, org):
    for person in (org.am1, org.team_mgr, org.head):
        assert api_as(person).post(RULES, _rule_body(org), format="json").status_code == 403
    response = api_as(org.admin).post(RULES, _rule_body(org), format="json")
    assert response.status_code == 201, response.data
    rule = AssignmentRule.objects.get()
    assert (rule.user, rule.provinces, rule.sources) == (org.am1, ["上海"], ["campaign"])
    assert rule.history.first().history_user == org.admin
    # Everyone signed in reads them; nobody but an administrator changes or deletes them.
    assert api_as(org.outsider).get(RULES).data["count"] == 1
    assert api_as(org.team_mgr).patch(_detail("assignment-rule", rule.pk), {"order": 1},
                                      format="json").status_code == 403
    assert api_as(org.team_mgr).delete(_detail("assignment-rule", rule.pk)).status_code == 403
    response = api_as(org.admin).patch(_detail("assignment-rule", rule.pk),
                                       {"strategy": "round_robin", "org_unit": org.team.pk}, format="json")
    assert response.status_code == 200 and response.data["user"] is None
    assert api_as(org.admin).delete(_detail("assignment-rule", rule.pk)).status_code == 204
    assert not AssignmentRule.objects.exists()


@pytest.mark.parametrize("extra, field", [
    ({"user": None}, "user"),
    ({"strategy": "fewest_customers", "user": None}, "org_unit"),
    ({"min_employees": 500, "max_employees": 100}, "max_employees"),
    ({"min_annual_revenue": "1000000.00", "max_annual_revenue": "10.00"}, "max_annual_revenue"),
    ({"sources": ["fax"]}, "sources"),
    ({"name": " "}, "name"),
    ({"strategy": "lottery"}, "strategy"),
])
def test_assignment_rule_validation(api_as, org, extra, field):
    response = api_as(org.admin).post(RULES, _rule_body(org, **extra), format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert not AssignmentRule.objects.exists()


def test_rules_use_an_active_person(org):
    gone = UserFactory(username="gone", is_active=False)
    with pytest.raises(DomainError) as caught:
        services.assignment_rule_save(by=org.admin, data={"name": "r", "strategy": AssignmentStrategy.USER,
                                                          "user": gone})
    assert caught.value.field == "user"


@pytest.mark.parametrize("size", [3, 15])
def test_rule_list_costs_constant_queries(api_as, org, size, django_assert_max_num_queries):
    for index in range(size):
        AssignmentRule.objects.create(name=f"规则{index}", order=index, strategy=AssignmentStrategy.USER,
                                      user=org.am1, provinces=["上海"])
    client = api_as(org.am2)
    for page_size in (2, 50):
        with django_assert_max_num_queries(3):
            response = client.get(RULES, {"page_size": page_size})
        assert [row["order"] for row in response.data["results"]] == list(range(min(page_size, size)))
