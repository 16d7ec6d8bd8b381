"""The opportunities API of spec/api.md: shapes, rules, permissions (owner, team member, manager,
outsider 404, anonymous 401), filters and constant query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opportunities.models import Activity, Opportunity, OwnerChange, Product
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    CustomerFactory,
    OpportunityFactory,
    ProductFactory,
    UserFactory,
    stage,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/opportunities/"
CLOSE = (timezone.localdate() + timedelta(days=45)).isoformat()


def detail(opportunity, suffix=""):
    return f"{LIST}{opportunity.pk}/{suffix}"


def yes(count):
    return {"answers": {f"q{n}": n <= count for n in range(1, 21)}}


# --- Anonymous and outsiders -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "{id}/", "{id}/assessment/", "{id}/team/"])
def test_anonymous_gets_401(api, opportunity, path):
    response = api.get(LIST + path.format(id=opportunity.pk))
    assert response.status_code == 401


@pytest.mark.parametrize("url", ["/api/v1/activities/", "/api/v1/products/"])
def test_anonymous_gets_401_elsewhere(api, url):
    assert api.get(url).status_code == 401


def test_outsider_gets_404_everywhere(api_as, outsider, opportunity):
    client = api_as(outsider)
    assert client.get(detail(opportunity)).status_code == 404
    assert client.patch(detail(opportunity), {"name": "x"}, format="json").status_code == 404
    assert client.get(detail(opportunity, "assessment/")).status_code == 404
    assert client.post(detail(opportunity, "assessment/"), yes(20), format="json").status_code == 404
    assert client.post(detail(opportunity, "change-owner/"), {"primary_owner": outsider.pk},
                       format="json").status_code == 404
    assert client.get(detail(opportunity, "team/")).status_code == 404
    assert client.post(detail(opportunity, "team/"), {"user": outsider.pk}, format="json").status_code == 404
    assert client.delete(detail(opportunity, f"team/{opportunity.primary_owner_id}/")).status_code == 404
    body = client.get(LIST).json()
    assert body["count"] == 0 and body["results"] == []
    # Not even through a filter naming its customer or owner.
    assert client.get(LIST, {"customer": opportunity.customer_id}).json()["count"] == 0
    assert client.get(LIST, {"owner": opportunity.primary_owner_id}).json()["count"] == 0


@pytest.mark.parametrize(("who", "count"), [("owner", 1), ("manager", 1), ("director", 1), ("presales", 1),
                                            ("admin_user", 1), ("teammate", 0), ("outsider", 0)])
def test_list_visibility(request, api_as, opportunity, presales, who, count):
    assert api_as(request.getfixturevalue(who)).get(LIST).json()["count"] == count


# --- Shape -----------------------------------------------------------------------------------

def test_contract_fields_and_money_format(api_as, owner, opportunity, product):
    from opportunities import services

    services.line_add(opportunity=opportunity, by=owner, data={"product": product, "quantity": "2",
                                                               "unit_price": "625000", "discount": "0"})
    data = api_as(owner).get(detail(opportunity)).json()
    assert {"id", "name", "customer", "amount", "expected_close_date", "stage", "primary_owner", "confirmed",
            "assessment_score", "high_value", "lines"} <= set(data)
    assert data["amount"] == "1250000.00"
    assert data["stage"] == "01" and data["outcome"] == "open"
    assert data["primary_owner"] == owner.pk
    assert data["lines"][0]["amount"] == "1250000.00"
    assert data["lines"][0]["product"] == product.pk
    assert data["expected_close_date"] == opportunity.expected_close_date.isoformat()


# --- Create ----------------------------------------------------------------------------------

def test_create_with_lines(api_as, owner, customer, product):
    response = api_as(owner).post(LIST, {
        "customer": customer.pk, "name": "新产线", "expected_close_date": CLOSE, "competitors": ["西门子"],
        "lines": [{"product": product.pk, "quantity": "3", "unit_price": "1000.10", "discount": "10"},
                  {"product": product.pk, "quantity": "1"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["amount"] == "12700.27"  # 3 * 1000.10 * 0.9 = 2700.27, plus 10000.00 at list price
    assert data["primary_owner"] == owner.pk
    assert data["stage"] == "01"
    assert [line["amount"] for line in data["lines"]] == ["2700.27", "10000.00"]
    assert Opportunity.objects.get(pk=data["id"]).team.get().is_primary


def test_create_for_a_subordinate_and_not_for_a_peer(api_as, manager, owner, teammate, customer):
    response = api_as(manager).post(LIST, {"customer": customer.pk, "name": "x", "expected_close_date": CLOSE,
                                           "primary_owner": owner.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["primary_owner"] == owner.pk
    response = api_as(owner).post(LIST, {"customer": customer.pk, "name": "y", "expected_close_date": CLOSE,
                                         "primary_owner": teammate.pk}, format="json")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_create_on_an_invisible_customer_is_400(api_as, outsider, customer):
    response = api_as(outsider).post(LIST, {"customer": customer.pk, "name": "x", "expected_close_date": CLOSE},
                                     format="json")
    assert response.status_code == 400
    assert "customer" in response.json()


def test_create_validation_names_fields(api_as, owner, customer):
    response = api_as(owner).post(LIST, {"customer": customer.pk}, format="json")
    assert response.status_code == 400
    assert {"name", "expected_close_date"} <= set(response.json())
    response = api_as(owner).post(LIST, {"customer": customer.pk, "name": "x", "expected_close_date": CLOSE,
                                         "amount": "-1"}, format="json")
    assert "amount" in response.json()
    response = api_as(owner).post(LIST, {"customer": customer.pk, "name": "x", "expected_close_date": CLOSE,
                                         "lines": [{"product": 999999, "quantity": "1"}]}, format="json")
    assert response.status_code == 400 and "lines" in response.json()


def test_create_in_a_stage_and_stage_08_needs_an_outcome(api_as, owner, customer):
    client = api_as(owner)
    base = {"customer": customer.pk, "name": "x", "expected_close_date": CLOSE}
    assert client.post(LIST, {**base, "stage": "05"}, format="json").json()["stage"] == "05"
    response = client.post(LIST, {**base, "stage": "08"}, format="json")
    assert response.status_code == 400 and "outcome" in response.json()
    data = client.post(LIST, {**base, "stage": "08", "outcome": "lost"}, format="json").json()
    assert (data["stage"], data["outcome"], data["probability"]) == ("08", "lost", 0)
    assert client.post(LIST, {**base, "stage": "42"}, format="json").status_code == 400


def test_amount_with_lines_must_match(api_as, owner, customer, product):
    response = api_as(owner).post(LIST, {"customer": customer.pk, "name": "x", "expected_close_date": CLOSE,
                                         "amount": "1", "lines": [{"product": product.pk, "quantity": "1"}]},
                                  format="json")
    assert response.status_code == 400 and "amount" in response.json()
    assert not Opportunity.objects.filter(name="x").exists()


# --- Update ----------------------------------------------------------------------------------

def test_only_the_primary_owner_confirms(api_as, owner, manager, presales, opportunity):
    assert api_as(manager).patch(detail(opportunity), {"confirmed": True}, format="json").status_code == 403
    assert api_as(presales).patch(detail(opportunity), {"confirmed": True}, format="json").status_code == 403
    response = api_as(owner).patch(detail(opportunity), {"confirmed": True}, format="json")
    assert response.status_code == 200 and response.json()["confirmed"] is True


def test_edit_rules(api_as, owner, manager, presales, opportunity, product):
    assert api_as(presales).patch(detail(opportunity), {"name": "x"}, format="json").status_code == 403
    response = api_as(manager).patch(detail(opportunity), {"name": "改名", "amount": "88.80"}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["amount"]) == ("改名", "88.80")
    response = api_as(owner).patch(detail(opportunity), {"lines": [{"product": product.pk, "quantity": "2"}]},
                                   format="json")
    assert response.json()["amount"] == "20000.00"
    for field, value in [("stage", "05"), ("primary_owner", manager.pk), ("customer", opportunity.customer_id)]:
        response = api_as(owner).patch(detail(opportunity), {field: value}, format="json")
        assert response.status_code == 400 and field in response.json()
    assert api_as(owner).put(detail(opportunity), {}, format="json").status_code == 400


# --- Filters and ordering ---------------------------------------------------------------------

def test_filters(api_as, owner, teammate, manager):
    today = timezone.localdate()
    a = OpportunityFactory(primary_owner=owner, name="A", stage=stage("05"), high_value=True, confirmed=True,
                           expected_close_date=today + timedelta(days=10), amount=Decimal("300.00"))
    OpportunityFactory(primary_owner=teammate, name="B", stage=stage("02"),
                       expected_close_date=today + timedelta(days=100), amount=Decimal("100.00"))
    OpportunityFactory(primary_owner=owner, name="C", stage=stage("08", "won"),
                       expected_close_date=today + timedelta(days=50), amount=Decimal("200.00"))
    client = api_as(manager)

    def names(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names(stage="05") == ["A"]
    assert names(stage="05,02", ordering="name") == ["A", "B"]
    assert names(outcome="won") == ["C"]
    assert names(owner=teammate.pk) == ["B"]
    assert names(customer=a.customer_id) == ["A"]
    assert names(close_after=(today + timedelta(days=20)).isoformat(), ordering="name") == ["B", "C"]
    assert names(close_before=(today + timedelta(days=60)).isoformat(), ordering="name") == ["A", "C"]
    assert names(high_value="true") == ["A"]
    assert names(confirmed="false", ordering="name") == ["B", "C"]
    assert names(ordering="-amount") == ["A", "C", "B"]
    assert names(ordering="expected_close_date") == ["A", "C", "B"]
    assert names(search="B") == ["B"]
    assert client.get(LIST, {"close_after": "not-a-date"}).status_code == 400
    assert client.get(LIST, {"ordering": "password"}).status_code == 400


def test_list_has_a_constant_number_of_queries(api_as, manager, owner, teammate, product,
                                               django_assert_max_num_queries):
    from opportunities.models import OpportunityLine

    def add(count):
        for index in range(count):
            opportunity = OpportunityFactory(primary_owner=owner if index % 2 else teammate)
            OpportunityLine.objects.create(opportunity=opportunity, product=product, quantity=1, unit_price=1,
                                           amount=1)

    client = api_as(manager)
    add(3)
    # visibility (subtree ids, memberships), count, page, lines
    with django_assert_max_num_queries(5) as few:
        client.get(LIST)
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"page_size": 50})
    assert response.json()["count"] == 33


# --- Assessment ------------------------------------------------------------------------------

def test_assessment_round_trip(api_as, owner, presales, opportunity):
    client = api_as(owner)
    empty = client.get(detail(opportunity, "assessment/")).json()
    assert empty["score"] is None and len(empty["questions"]) == 20
    response = client.post(detail(opportunity, "assessment/"), yes(11), format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["score"], data["high_value"]) == (11, True)
    assert data["dimensions"] == {"opportunity": 5, "competitiveness": 5, "winnability": 1, "worth": 0}
    response = api_as(presales).post(detail(opportunity, "assessment/"), yes(10), format="json")
    assert (response.json()["score"], response.json()["high_value"]) == (10, False)
    latest = client.get(detail(opportunity, "assessment/")).json()
    assert latest["score"] == 10
    assert [entry["score"] for entry in latest["history"]] == [10, 11]
    listed = client.get(LIST, {"high_value": "false"}).json()["results"][0]
    assert (listed["assessment_score"], listed["high_value"]) == (10, False)


def test_assessment_missing_or_unknown_answers_are_400_naming_them(api_as, owner, opportunity):
    body = yes(5)
    del body["answers"]["q3"]
    body["answers"]["q42"] = True
    response = api_as(owner).post(detail(opportunity, "assessment/"), body, format="json")
    assert response.status_code == 400
    errors = response.json()["answers"]
    assert any("q3" in e for e in errors) and any("q42" in e for e in errors)
    response = api_as(owner).post(detail(opportunity, "assessment/"), {}, format="json")
    assert response.status_code == 400 and "answers" in response.json()
    response = api_as(owner).post(detail(opportunity, "assessment/"), {"answers": ["q1"]}, format="json")
    assert response.status_code == 400 and "answers" in response.json()


# --- Change owner ----------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["manager", "director", "admin_user"])
def test_change_owner_allowed(request, api_as, opportunity, teammate, who):
    response = api_as(request.getfixturevalue(who)).post(
        detail(opportunity, "change-owner/"), {"primary_owner": teammate.pk, "reason": "调岗"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["primary_owner"] == teammate.pk
    assert OwnerChange.objects.get().reason == "调岗"


@pytest.mark.parametrize("who", ["owner", "presales"])
def test_change_owner_refused_with_403_and_a_message(request, api_as, opportunity, teammate, who):
    response = api_as(request.getfixturevalue(who)).post(
        detail(opportunity, "change-owner/"), {"primary_owner": teammate.pk}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not OwnerChange.objects.exists()


def test_change_owner_stale_is_409_and_bad_target_is_400(api_as, manager, owner, teammate, outsider, opportunity):
    client = api_as(manager)
    response = client.post(detail(opportunity, "change-owner/"), {"primary_owner": outsider.pk}, format="json")
    assert response.status_code == 400 and "primary_owner" in response.json()
    response = client.post(detail(opportunity, "change-owner/"), {"primary_owner": 999999}, format="json")
    assert response.status_code == 400
    client.post(detail(opportunity, "change-owner/"), {"primary_owner": teammate.pk}, format="json")
    response = client.post(detail(opportunity, "change-owner/"),
                           {"primary_owner": manager.pk, "expected_owner": owner.pk}, format="json")
    assert response.status_code == 409


# --- Team ------------------------------------------------------------------------------------

def test_team_endpoints(api_as, owner, presales, manager, opportunity):
    colleague = UserFactory(username="service-engineer")
    listed = api_as(presales).get(detail(opportunity, "team/")).json()
    assert [(m["user"], m["is_primary"]) for m in listed] == [(owner.pk, True), (presales.pk, False)]
    response = api_as(presales).post(detail(opportunity, "team/"), {"user": colleague.pk, "role": "service"},
                                     format="json")
    assert response.status_code == 403
    response = api_as(owner).post(detail(opportunity, "team/"), {"user": colleague.pk, "role": "service"},
                                  format="json")
    assert response.status_code == 201 and response.json()["role"] == "service"
    assert api_as(owner).post(detail(opportunity, "team/"), {"user": colleague.pk, "role": "king"},
                              format="json").status_code == 400
    assert api_as(manager).delete(detail(opportunity, f"team/{colleague.pk}/")).status_code == 204
    response = api_as(owner).delete(detail(opportunity, f"team/{owner.pk}/"))
    assert response.status_code == 400 and "user" in response.json()
    assert api_as(owner).delete(detail(opportunity, "team/") + f"?user={presales.pk}").status_code == 204
    assert api_as(owner).delete(detail(opportunity, "team/")).status_code == 400
    assert [m["user"] for m in api_as(owner).get(detail(opportunity, "team/")).json()] == [owner.pk]


# --- Activities ------------------------------------------------------------------------------

def test_activities_crud(api_as, owner, presales, outsider, opportunity):
    contact = ContactFactory(customer=opportunity.customer)
    client = api_as(owner)
    response = client.post("/api/v1/activities/", {
        "kind": "visit", "subject": "拜访采购部", "opportunity": opportunity.pk, "due_at": "2026-12-01T10:00:00+08:00",
        "participants": [presales.pk], "contacts": [contact.pk], "notes": "带样品",
    }, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert {"id", "kind", "subject", "customer", "opportunity", "owner", "due_at", "done_at", "notes"} <= set(data)
    assert (data["customer"], data["owner"]) == (opportunity.customer_id, owner.pk)
    url = f"/api/v1/activities/{data['id']}/"
    assert api_as(presales).get(url).status_code == 200
    assert api_as(outsider).get(url).status_code == 404
    assert api_as(outsider).patch(url, {"notes": "x"}, format="json").status_code == 404
    response = client.patch(url, {"done_at": "2026-12-01T11:00:00+08:00", "outcome": "同意试点"}, format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "同意试点"
    assert client.patch(url, {"customer": CustomerFactory(owner=owner).pk}, format="json").status_code == 400
    assert api_as(outsider).get("/api/v1/activities/").json()["count"] == 0
    assert client.get("/api/v1/activities/", {"done": "true"}).json()["count"] == 1
    assert client.get("/api/v1/activities/", {"done": "false"}).json()["count"] == 0
    assert client.get("/api/v1/activities/", {"kind": "visit", "opportunity": opportunity.pk}).json()["count"] == 1
    assert client.delete(url).status_code == 204
    assert not Activity.objects.exists()


def test_activity_refusals(api_as, owner, outsider, opportunity, customer):
    response = api_as(owner).post("/api/v1/activities/", {"kind": "call", "subject": "x",
                                                         "due_at": "2026-12-01T10:00:00+08:00"}, format="json")
    assert response.status_code == 400 and "customer" in response.json()
    response = api_as(outsider).post("/api/v1/activities/", {"kind": "call", "subject": "x", "customer": customer.pk,
                                                            "due_at": "2026-12-01T10:00:00+08:00"}, format="json")
    assert response.status_code == 400 and "customer" in response.json()
    response = api_as(owner).post("/api/v1/activities/", {"kind": "call", "subject": "x", "customer": customer.pk,
                                                         "owner": outsider.pk, "due_at": "2026-12-01T10:00:00+08:00"},
                                  format="json")
    assert response.status_code == 400 and "owner" in response.json()


def test_activity_list_constant_queries(api_as, owner, opportunity, presales, django_assert_max_num_queries):
    client = api_as(owner)
    for _ in range(2):
        ActivityFactory(opportunity=opportunity).participants.add(presales)
    # visibility (subtree ids twice, memberships), count, page, participants, contacts, ...
    with django_assert_max_num_queries(8) as few:
        client.get("/api/v1/activities/")
    for _ in range(20):
        ActivityFactory(opportunity=opportunity).participants.add(presales)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/activities/").json()["count"] == 22


# --- Products --------------------------------------------------------------------------------

def test_products_read_by_all_changed_by_admins(api_as, owner, admin_user):
    ProductFactory(code="A-1", name="服务器")
    assert [p["code"] for p in api_as(owner).get("/api/v1/products/").json()["results"]] == ["A-1"]
    body = {"code": "B-2", "name": "存储阵列", "unit": "套", "list_price": "380000.00"}
    assert api_as(owner).post("/api/v1/products/", body, format="json").status_code == 403
    response = api_as(admin_user).post("/api/v1/products/", body, format="json")
    assert response.status_code == 201 and response.json()["list_price"] == "380000.00"
    product = Product.objects.get(code="B-2")
    assert api_as(owner).patch(f"/api/v1/products/{product.pk}/", {"active": False},
                               format="json").status_code == 403
    assert api_as(admin_user).patch(f"/api/v1/products/{product.pk}/", {"active": False},
                                    format="json").json()["active"] is False
    assert api_as(admin_user).post("/api/v1/products/", body, format="json").status_code == 400  # code taken
    assert api_as(admin_user).delete(f"/api/v1/products/{product.pk}/").status_code == 405


def test_outsider_cannot_delete_an_activity(api_as, outsider, opportunity):
    activity = ActivityFactory(opportunity=opportunity)
    assert api_as(outsider).delete(f"/api/v1/activities/{activity.pk}/").status_code == 404
    assert Activity.objects.filter(pk=activity.pk).exists()


@pytest.mark.parametrize("params", [{"due_after": "0001-01-01T00:00:00"}, {"due_before": "9999-12-31T23:59:59"}])
def test_activity_dates_at_the_calendar_edges_are_400(api_as, owner, opportunity, params):
    response = api_as(owner).get("/api/v1/activities/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_product_list_constant_queries(api_as, owner, django_assert_max_num_queries):
    client = api_as(owner)
    for _ in range(2):
        ProductFactory()
    with django_assert_max_num_queries(4) as few:
        assert client.get("/api/v1/products/").json()["count"] == 2
    for _ in range(6):
        ProductFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/products/").json()["count"] == 8


def test_team_delete_reads_the_query_whatever_the_body(api_as, owner, presales, opportunity):
    # A JSON list body has no .get(): the ?user= parameter still names the person.
    client = api_as(owner)
    assert client.delete(detail(opportunity, "team/") + f"?user={presales.pk}", [],
                         format="json").status_code == 204
    response = client.delete(detail(opportunity, "team/"), {"user": "1.5"}, format="json")
    assert response.status_code == 400 and "user" in response.json()
    assert client.delete(detail(opportunity, "team/"), {"user": str(2**70)}, format="json").status_code == 400
