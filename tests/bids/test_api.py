"""The bids/ and partners/ API of spec/api.md: shapes, enumerations (400 naming the field), weights,
permissions (owner, team member, manager, outsider 404, anonymous 401), actions and query counts."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bids.models import BidProject, Partner
from bids.services import bid_update, partner_rate_credit
from tests.bids.conftest import days_ahead
from tests.factories import BidProjectFactory, OpportunityFactory, PartnerFactory, make_credit_code, stage

pytestmark = pytest.mark.django_db

BIDS = "/api/v1/bids/"
PARTNERS = "/api/v1/partners/"


def detail(bid, suffix=""):
    return f"{BIDS}{bid.pk}/{suffix}"


def payload(opportunity, **overrides):
    body = {
        "opportunity": opportunity.pk, "sales_method": "tender", "tender_type": "open_second_quote",
        "lots": True, "single_quote": False, "agents": [], "scheme": "direct",
        "delivery_date": "2026-09-30", "delivery_place": "客户总部机房",
        "evaluation": {"price": 40, "service": 20, "technology": 30, "commercial": 10},
        "impact": "extreme", "competitors": ["华为", "新华三"], "background": "集团统一采购",
        "relationship": "over_60",
        "lines": [{"configuration": "双路 CPU / 512G 内存", "quantity": "4", "target_price": "80000.00",
                   "quote": "86000.00"}],
    }
    body.update(overrides)
    return body


# --- Anonymous and outsiders -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "{id}/", "{id}/comparison/"])
def test_anonymous_gets_401(api, bid, path):
    assert api.get(BIDS + path.format(id=bid.pk)).status_code == 401


def test_anonymous_gets_401_on_partners(api, partner):
    assert api.get(PARTNERS).status_code == 401
    assert api.get(f"{PARTNERS}{partner.pk}/").status_code == 401
    assert api.get("/api/v1/competitor-brands/").status_code == 401


def test_outsider_gets_404_everywhere(api_as, outsider, bid):
    client = api_as(outsider)
    assert client.get(detail(bid)).status_code == 404
    assert client.patch(detail(bid), {"background": "x"}, format="json").status_code == 404
    assert client.get(detail(bid, "comparison/")).status_code == 404
    assert client.post(detail(bid, "outcome/"), {"outcome": "won"}, format="json").status_code == 404
    assert client.post(detail(bid, "submit/")).status_code == 404
    body = client.get(BIDS).json()
    assert body["count"] == 0 and body["results"] == []
    # Not through a filter naming the opportunity or its customer either.
    assert client.get(BIDS, {"opportunity": bid.opportunity_id}).json()["count"] == 0
    assert client.get(BIDS, {"customer": bid.opportunity.customer_id}).json()["count"] == 0
    # Nor by creating a record on an opportunity they cannot see.
    other = OpportunityFactory(primary_owner=bid.opportunity.primary_owner)
    response = client.post(BIDS, payload(other), format="json")
    assert response.status_code == 400 and "opportunity" in response.json()


@pytest.mark.parametrize(("who", "count"), [("owner", 1), ("manager", 1), ("director", 1), ("presales", 1),
                                            ("admin_user", 1), ("teammate", 0), ("outsider", 0)])
def test_list_visibility(request, api_as, bid, presales, who, count):
    assert api_as(request.getfixturevalue(who)).get(BIDS).json()["count"] == count


# --- Shape and creation -----------------------------------------------------------------------------------

def test_create_with_the_contract_shape(api_as, owner, opportunity, product):
    body = payload(opportunity, lines=[
        {"configuration": "双路 CPU / 512G 内存", "quantity": "4", "target_price": "80000.00", "quote": "86000.00"},
        {"configuration": "", "product": product.pk, "quantity": "1", "target_price": "1000", "quote": "900"},
    ], submission_at=days_ahead(7).isoformat())
    response = api_as(owner).post(BIDS, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    for field in ["id", "opportunity", "sales_method", "tender_type", "lots", "single_quote", "agents", "scheme",
                  "delivery_date", "delivery_place", "evaluation", "impact", "competitors", "background",
                  "relationship", "lines"]:
        assert field in data, field
    assert data["evaluation"] == {"price": 40, "service": 20, "technology": 30, "commercial": 10}
    assert data["competitors"] == ["华为", "新华三"]
    assert data["agents"] == []
    assert data["lines"][0]["target_price"] == "80000.00"
    assert data["lines"][1]["product"] == product.pk and data["lines"][1]["configuration"] == product.name
    assert data["lines"][0]["product"] is None
    assert data["target_total"] == "321000.00" and data["quote_total"] == "344900.00"
    assert data["gap"] == "23900.00" and data["gap_percent"] == "7.45"
    assert data["status"] == "preparing" and data["warnings"] == []
    assert data["delivery_date"] == "2026-09-30"
    bid = BidProject.objects.get(pk=data["id"])
    assert bid.created_by == owner and bid.agenda_entries.count() == 1


def test_a_second_record_for_the_same_opportunity_is_a_conflict(api_as, owner, bid, opportunity):
    assert api_as(owner).post(BIDS, payload(opportunity), format="json").status_code == 409


@pytest.mark.parametrize(("field", "value"), [
    ("sales_method", "auction"), ("tender_type", "sealed"), ("scheme", "agents_only"), ("impact", "critical"),
    ("relationship", "over_90"), ("sales_method", None), ("scheme", ""), ("relationship", 80),
])
def test_each_enumeration_refuses_values_outside_the_contract(api_as, owner, opportunity, field, value):
    response = api_as(owner).post(BIDS, payload(opportunity, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not BidProject.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("sales_method", "auction"), ("tender_type", "sealed"), ("scheme", "agents_only"), ("impact", "critical"),
    ("relationship", "unknown_yet"),
])
def test_each_enumeration_is_refused_on_update_too(api_as, owner, bid, field, value):
    response = api_as(owner).patch(detail(bid), {field: value}, format="json")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("weights", [
    {"price": 40, "service": 20, "technology": 30, "commercial": 9},
    {"price": 50, "service": 50, "technology": 50, "commercial": 0},
    {"price": 40, "service": 20, "technology": 40},
    {"price": 101, "service": 0, "technology": 0, "commercial": 0},
    {"price": "forty", "service": 20, "technology": 30, "commercial": 10},
])
def test_weights_not_summing_to_100_answer_400_naming_evaluation(api_as, owner, opportunity, weights):
    response = api_as(owner).post(BIDS, payload(opportunity, evaluation=weights), format="json")
    assert response.status_code == 400
    assert "evaluation" in response.json()


def test_weights_may_be_unknown(api_as, owner, opportunity):
    response = api_as(owner).post(BIDS, payload(opportunity, evaluation=None, tender_type=None, impact=None),
                                  format="json")
    assert response.status_code == 201
    assert (response.json()["evaluation"], response.json()["tender_type"], response.json()["impact"]) == (
        None, None, None)


@pytest.mark.parametrize(("line", "field"), [
    ({"configuration": "x", "quantity": "0", "target_price": "1", "quote": "1"}, "lines[0].quantity"),
    ({"configuration": "x", "quantity": "1", "target_price": "-1", "quote": "1"}, "lines[0].target_price"),
    ({"configuration": "", "quantity": "1", "target_price": "1", "quote": "1"}, "lines[0].configuration"),
    ({"configuration": "x", "quantity": "1", "target_price": "1"}, "lines"),
    ({"configuration": "x", "quantity": "1", "target_price": "1", "quote": "1", "product": 999999}, "lines"),
])
def test_bad_lines_answer_400(api_as, owner, opportunity, line, field):
    response = api_as(owner).post(BIDS, payload(opportunity, lines=[line]), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_agents_as_ids_and_with_their_scheme_and_quote(api_as, owner, bid, partner, poor_partner):
    client = api_as(owner)
    response = client.patch(detail(bid), {"scheme": "multi_agent_multi_scheme",
                                          "agent_details": [
                                              {"partner": partner.pk, "scheme": "方案 A", "quote": "350000.00"},
                                              {"partner": poor_partner.pk, "scheme": "方案 B", "quote": "340000"}]},
                            format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["agents"] == [partner.pk, poor_partner.pk]
    assert data["agent_details"][1] == {"partner": poor_partner.pk, "partner_name": poor_partner.name,
                                        "credit_rating": "poor", "scheme": "方案 B", "quote": "340000.00"}
    assert len(data["warnings"]) == 1 and poor_partner.name in data["warnings"][0]
    # The contract's list of ids keeps each agent's scheme and quote.
    data = client.patch(detail(bid), {"agents": [partner.pk, poor_partner.pk]}, format="json").json()
    assert data["agent_details"][0]["quote"] == "350000.00"
    assert client.patch(detail(bid), {"agents": [999999]}, format="json").status_code == 400
    response = client.patch(detail(bid), {"scheme": "direct"}, format="json")
    assert response.status_code == 400 and "scheme" in response.json()


def test_competitors_with_known_prices(api_as, owner, bid):
    client = api_as(owner)
    data = client.patch(detail(bid), {"competitor_details": [{"brand": "华为", "known_price": "330000"},
                                                             {"brand": "中兴"}]}, format="json").json()
    assert data["competitors"] == ["华为", "中兴"]
    assert data["competitor_details"][0] == {"brand": "华为", "known_price": "330000.00", "note": ""}
    comparison = client.get(detail(bid, "comparison/")).json()
    assert comparison["quote_total"] == "344000.00"
    bars = {bar["label"]: bar for bar in comparison["bars"]}
    assert bars["华为"]["amount"] == "330000.00" and bars["华为"]["gap"] == "14000.00"
    assert "中兴" not in bars  # no known price


def test_the_opportunity_of_a_record_does_not_change(api_as, owner, bid):
    other = OpportunityFactory(primary_owner=owner)
    response = api_as(owner).patch(detail(bid), {"opportunity": other.pk}, format="json")
    assert response.status_code == 400 and "opportunity" in response.json()


def test_team_member_without_tender_role_gets_403(api_as, bid, service_member):
    client = api_as(service_member)
    assert client.get(detail(bid)).status_code == 200
    assert client.patch(detail(bid), {"background": "x"}, format="json").status_code == 403


def test_presales_edits_manager_edits(api_as, bid, presales, manager):
    assert api_as(presales).patch(detail(bid), {"background": "售前补充"}, format="json").status_code == 200
    assert api_as(manager).patch(detail(bid), {"relationship": "over_80"}, format="json").status_code == 200


# --- Actions -------------------------------------------------------------------------------------------------

def test_outcome_action_moves_the_opportunity(api_as, owner, bid, opportunity):
    client = api_as(owner)
    response = client.post(detail(bid, "outcome/"), {"outcome": "lost", "winning_brand": "华为",
                                                     "winning_price": "300000.00", "reason": "价格劣势"},
                           format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "lost" and response.json()["winning_price"] == "300000.00"
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.stage.outcome) == ("08", "lost")
    assert client.post(detail(bid, "outcome/"), {"outcome": "won"}, format="json").status_code == 409
    assert client.patch(detail(bid), {"background": "x"}, format="json").status_code == 409


@pytest.mark.parametrize(("body", "field"), [
    ({"outcome": "postponed"}, "outcome"), ({}, "outcome"), ({"outcome": "lost"}, "winning_brand"),
])
def test_bad_outcomes_answer_400(api_as, owner, bid, body, field):
    response = api_as(owner).post(detail(bid, "outcome/"), body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_only_the_owner_line_records_the_outcome(api_as, bid, presales):
    assert api_as(presales).post(detail(bid, "outcome/"), {"outcome": "won"}, format="json").status_code == 403


def test_submit_and_reopen(api_as, owner, bid):
    client = api_as(owner)
    assert client.post(detail(bid, "submit/")).json()["status"] == "submitted"
    assert client.post(detail(bid, "submit/")).status_code == 409
    assert client.post(detail(bid, "reopen/"), {}, format="json").status_code == 409
    client.post(detail(bid, "outcome/"), {"outcome": "cancelled"}, format="json")
    assert client.post(detail(bid, "reopen/"), {"reason": "重新招标"}, format="json").json()["status"] == "preparing"


# --- Filters and query counts ------------------------------------------------------------------------------

def test_filters(api_as, owner, bid):
    client = api_as(owner)
    other = BidProjectFactory(opportunity=OpportunityFactory(primary_owner=owner, stage=stage("04")),
                              tender_type="negotiated", impact="medium", relationship="under_30")
    assert {r["id"] for r in client.get(BIDS, {"tender_type": "negotiated"}).json()["results"]} == {other.pk}
    assert {r["id"] for r in client.get(BIDS, {"impact": "very_high"}).json()["results"]} == {bid.pk}
    assert {r["id"] for r in client.get(BIDS, {"relationship": "under_30"}).json()["results"]} == {other.pk}
    assert client.get(BIDS, {"status": "preparing"}).json()["count"] == 2
    day = timezone.localtime(bid.submission_at).date()
    assert {r["id"] for r in client.get(BIDS, {"date_from": day.isoformat(),
                                               "date_to": day.isoformat()}).json()["results"]} == {bid.pk}
    for name in ("status", "tender_type", "impact", "relationship", "sales_method"):
        response = client.get(BIDS, {name: "nonsense"})
        assert response.status_code == 400 and name in response.json()


def _bids_with_everything(owner, count):
    from bids.services import bid_create

    partners = [PartnerFactory() for _ in range(2)]
    for _ in range(count):
        opportunity = OpportunityFactory(primary_owner=owner, stage=stage("05"))
        bid_create(opportunity=opportunity, by=owner, data={
            "scheme": "multi_agent_multi_scheme", "agents": [p.pk for p in partners],
            "competitors": ["华为", "新华三"],
            "lines": [{"configuration": "a", "quantity": 1, "target_price": 1, "quote": 2}] * 2,
        })


def test_list_endpoints_cost_a_constant_number_of_queries(api_as, owner, django_assert_max_num_queries):
    client = api_as(owner)
    _bids_with_everything(owner, 2)
    with django_assert_max_num_queries(8):
        assert client.get(BIDS).json()["count"] == 2
    _bids_with_everything(owner, 6)
    with django_assert_max_num_queries(8):
        assert client.get(BIDS).json()["count"] == 8
    with django_assert_max_num_queries(4):
        assert client.get(PARTNERS).json()["count"] == 4


# --- Partners ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "presales"])
def test_the_partner_list_is_visible_to_all_sales_staff(request, api_as, partner, presales, who):
    client = api_as(request.getfixturevalue(who))
    data = client.get(PARTNERS).json()
    assert [row["name"] for row in data["results"]] == [partner.name]
    assert {"id", "name", "credit_rating"} <= set(data["results"][0])
    assert client.get(f"{PARTNERS}{partner.pk}/").status_code == 200


def test_partners_are_written_by_managers_and_admins(api_as, owner, manager, admin_user):
    body = {"name": "广州粤通信息技术有限公司", "credit_code": make_credit_code(77), "kind": "agent", "region": "华南",
            "contacts": [{"name": "黄家明", "title": "总经理", "phone": "020-38776655", "email": "h@example.com"}]}
    assert api_as(owner).post(PARTNERS, body, format="json").status_code == 403
    response = api_as(manager).post(PARTNERS, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["credit_rating"] is None and data["contacts"][0]["name"] == "黄家明"
    assert api_as(manager).post(PARTNERS, body, format="json").status_code == 400  # same name
    patched = api_as(admin_user).patch(f"{PARTNERS}{data['id']}/", {"status": "suspended"}, format="json")
    assert patched.status_code == 200 and patched.json()["status"] == "suspended"


@pytest.mark.parametrize(("field", "value"), [("kind", "reseller"), ("status", "closed"),
                                              ("credit_code", "91310000123456789X")])
def test_partner_enumerations_and_credit_code_answer_400(api_as, manager, field, value):
    response = api_as(manager).post(PARTNERS, {"name": "某公司", field: value}, format="json")
    assert response.status_code == 400 and field in response.json()


def test_credit_rating_action(api_as, manager, owner, partner):
    url = f"{PARTNERS}{partner.pk}/credit-rating/"
    today = timezone.localdate().isoformat()
    assert api_as(owner).post(url, {"rating": "good", "rated_on": today, "source": "x"},
                              format="json").status_code == 403
    response = api_as(manager).post(url, {"rating": "poor", "rated_on": today, "source": "法院执行信息",
                                          "note": "被列为被执行人"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["rating"] == "poor" and response.json()["recorded_by"] == manager.pk
    assert api_as(owner).get(f"{PARTNERS}{partner.pk}/").json()["credit_rating"] == "poor"
    history = api_as(owner).get(url).json()
    assert [row["rating"] for row in history] == ["poor"]
    bad = api_as(manager).post(url, {"rating": "AAA", "rated_on": today, "source": "x"}, format="json")
    assert bad.status_code == 400 and "rating" in bad.json()


def test_partner_filters(api_as, owner, manager, partner):
    other = PartnerFactory(kind="channel", region="华南")
    partner_rate_credit(partner=other, by=manager, rating="excellent", rated_on=timezone.localdate(), source="x")
    client = api_as(owner)
    assert [r["id"] for r in client.get(PARTNERS, {"kind": "channel"}).json()["results"]] == [other.pk]
    assert [r["id"] for r in client.get(PARTNERS, {"credit_rating": "excellent"}).json()["results"]] == [other.pk]
    assert client.get(PARTNERS, {"credit_rating": "AAA"}).status_code == 400


def test_brands_api(api_as, owner, manager):
    url = "/api/v1/competitor-brands/"
    assert api_as(owner).post(url, {"name": "华为"}, format="json").status_code == 403
    response = api_as(manager).post(url, {"name": "华为", "threat_level": "high", "strengths": "品牌强"}, format="json")
    assert response.status_code == 201
    bad = api_as(manager).post(url, {"name": "中兴", "threat_level": "extreme"}, format="json")
    assert bad.status_code == 400 and "threat_level" in bad.json()
    assert api_as(owner).get(url).json()["count"] == 1


def test_money_is_a_decimal_string(api_as, owner, bid, partner):
    bid_update(bid=bid, by=owner, data={"scheme": "joint_multi_scheme",
                                        "agents": [{"partner": partner, "quote": Decimal("1.5")}]})
    data = api_as(owner).get(detail(bid)).json()
    assert data["agent_details"][0]["quote"] == "1.50"
    assert data["lines"][0]["quote_amount"] == "344000.00"
    assert Partner.objects.count() == 1


def test_outsider_cannot_reopen(api_as, outsider, bid):
    assert api_as(outsider).post(detail(bid, "reopen/"), {"reason": "x"}, format="json").status_code == 404


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_dates_at_the_calendar_edges_are_400(api_as, owner, bid, params):
    response = api_as(owner).get(BIDS, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_partner_and_brand_endpoints_cost_a_constant_number_of_queries(api_as, owner, django_assert_max_num_queries):
    from bids.models import PartnerContact
    from tests.factories import CompetitorBrandFactory

    client = api_as(owner)

    def add(count):
        for _ in range(count):
            PartnerContact.objects.create(partner=PartnerFactory(), name="王经理")
            CompetitorBrandFactory()

    add(2)
    counts = {}
    for url in (PARTNERS, "/api/v1/competitor-brands/"):
        with django_assert_max_num_queries(6) as first:
            assert client.get(url).json()["count"] == 2
        counts[url] = len(first.captured_queries)
    add(6)
    for url in (PARTNERS, "/api/v1/competitor-brands/"):
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).json()["count"] == 8


# --- Free text never outgrows the column it ends in (issue 14) ------------------------------------------

def test_a_long_outcome_reason_is_kept_whole_and_the_history_note_is_shortened(api_as, owner, bid):
    client = api_as(owner)
    reason = "客户预算冻结，" * 40  # 280 characters: more than the history's 100-character note
    response = client.post(detail(bid, "outcome/"), {"outcome": "cancelled", "reason": reason}, format="json")
    assert response.status_code == 200, response.content
    bid.refresh_from_db()
    assert bid.outcome_reason == reason
    note = bid.history.first().history_change_reason
    assert len(note) == 100 and note.endswith("…") and reason.startswith(note[:-1])


def test_an_outcome_reason_longer_than_the_loss_reason_is_refused_naming_the_field(api_as, owner, bid):
    response = api_as(owner).post(detail(bid, "outcome/"), {"outcome": "lost", "winning_brand": "华为",
                                                            "reason": "x" * 501}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]


def test_a_reopen_reason_is_bounded_by_the_history_note_it_ends_in(api_as, owner, bid):
    client = api_as(owner)
    client.post(detail(bid, "outcome/"), {"outcome": "cancelled"}, format="json")
    response = client.post(detail(bid, "reopen/"), {"reason": "重" * 101}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    response = client.post(detail(bid, "reopen/"), {"reason": "重" * 100}, format="json")
    assert response.status_code == 200
    assert bid.history.first().history_change_reason == "重" * 100
