"""The rules of bids/services.py, tested where they live: enumerations, evaluation weights, schemes and
agents, lines with totals and gaps in Decimal, key dates and the agenda, partners and credit standing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bids import selectors, services
from bids.models import BidAgendaEntry, BidProject, BidStatus, CompetitorBrand, Partner
from crm.errors import ConflictError, DomainError, PermissionDenied
from opportunities.models import Activity
from tests.bids.conftest import a_line, complete_tender, days_ahead
from tests.factories import CompetitorBrandFactory, OpportunityFactory, PartnerFactory, UserFactory, make_credit_code

pytestmark = pytest.mark.django_db


# --- Enumerations and evaluation weights ----------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("sales_method", "auction"), ("tender_type", "open"), ("scheme", "direct_bid"), ("impact", "huge"),
    ("relationship", "over_90"), ("sales_method", ""), ("relationship", None),
])
def test_each_enumeration_refuses_values_outside_the_contract(opportunity, owner, field, value):
    with pytest.raises(DomainError) as refused:
        services.bid_create(opportunity=opportunity, by=owner, data=complete_tender(**{field: value}))
    assert refused.value.field == field
    assert not BidProject.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("sales_method", "special_price"), ("tender_type", "framework"), ("scheme", "multi_agent_multi_scheme"),
    ("impact", "extreme"), ("relationship", "under_30"),
])
def test_contract_values_are_taken(opportunity, owner, field, value):
    bid = services.bid_create(opportunity=opportunity, by=owner, data={field: value})
    assert getattr(bid, field) == value


def test_tender_type_and_impact_may_be_unknown(opportunity, owner):
    bid = services.bid_create(opportunity=opportunity, by=owner, data={"tender_type": None, "impact": ""})
    assert (bid.tender_type, bid.impact, bid.relationship, bid.scheme) == ("", "", "unknown", "direct")


@pytest.mark.parametrize("weights", [
    {"price": 40, "service": 20, "technology": 30, "commercial": 9},
    {"price": 40, "service": 20, "technology": 30, "commercial": 11},
    {"price": 100, "service": 100, "technology": -100, "commercial": 0},
    {"price": 40, "service": 20, "technology": 40},
    {"price": 40, "service": 20, "technology": 30, "commercial": 10, "delivery": 0},
    {"price": "40", "service": 20, "technology": 30, "commercial": 10},
    {"price": True, "service": 49, "technology": 40, "commercial": 10},
    {"price": 40.0, "service": 20, "technology": 30, "commercial": 10},
    [40, 20, 30, 10],
])
def test_weights_not_summing_to_100_are_refused(opportunity, owner, weights):
    with pytest.raises(DomainError) as refused:
        services.bid_create(opportunity=opportunity, by=owner, data={"evaluation": weights})
    assert refused.value.field == "evaluation"


def test_weights_summing_to_100_are_kept_and_can_be_unknown(bid, owner):
    assert bid.evaluation == {"price": 40, "service": 20, "technology": 30, "commercial": 10}
    services.bid_update(bid=bid, by=owner, data={"evaluation": {"price": 0, "service": 0, "technology": 100,
                                                                "commercial": 0}})
    bid.refresh_from_db()
    assert bid.evaluation["technology"] == 100
    services.bid_update(bid=bid, by=owner, data={"evaluation": None})
    bid.refresh_from_db()
    assert bid.evaluation is None


def test_the_database_refuses_weights_not_summing_to_100(bid):
    with pytest.raises(IntegrityError), transaction.atomic():
        BidProject.objects.filter(pk=bid.pk).update(eval_price=41)
    with pytest.raises(IntegrityError), transaction.atomic():
        BidProject.objects.filter(pk=bid.pk).update(eval_price=None)  # all four or none


def test_unknown_fields_are_refused(opportunity, owner):
    with pytest.raises(DomainError):
        services.bid_create(opportunity=opportunity, by=owner, data={"status": "won"})


def test_one_tender_record_per_opportunity(bid, opportunity, owner):
    with pytest.raises(ConflictError):
        services.bid_create(opportunity=opportunity, by=owner, data={})


# --- Schemes and agents ---------------------------------------------------------------------------------

def test_a_direct_bid_has_no_agents(bid, owner, partner):
    with pytest.raises(DomainError) as refused:
        services.bid_update(bid=bid, by=owner, data={"agents": [partner.pk]})
    assert refused.value.field == "agents"
    with pytest.raises(DomainError):
        services.bid_agent_set(bid=bid, by=owner, partner=partner, scheme="方案 A", quote="100")


def test_one_agent_one_scheme_takes_one_agent(bid, owner, partner):
    other = PartnerFactory()
    with pytest.raises(DomainError) as refused:
        services.bid_update(bid=bid, by=owner, data={"scheme": "one_agent_one_scheme",
                                                     "agents": [partner.pk, other.pk]})
    assert refused.value.field == "agents"
    services.bid_update(bid=bid, by=owner, data={"scheme": "one_agent_one_scheme", "agents": [partner.pk]})
    assert [row.partner for row in bid.bid_agents.all()] == [partner]


def test_each_agents_scheme_and_quote_are_recorded_and_kept(bid, owner, partner):
    other = PartnerFactory()
    services.bid_update(bid=bid, by=owner, data={
        "scheme": "multi_agent_multi_scheme",
        "agents": [{"partner": partner.pk, "scheme": "方案 A:本地交付", "quote": "352000.00"},
                   {"partner": other, "scheme": "方案 B:云化部署", "quote": Decimal("339999.99")}],
    })
    rows = {row.partner_id: row for row in bid.bid_agents.all()}
    assert rows[partner.pk].scheme == "方案 A:本地交付"
    assert rows[partner.pk].quote == Decimal("352000.00")
    assert rows[other.pk].quote == Decimal("339999.99")
    # Naming the agents again by id keeps what was recorded for them.
    services.bid_update(bid=bid, by=owner, data={"agents": [other.pk, partner.pk]})
    rows = {row.partner_id: row for row in bid.bid_agents.all()}
    assert rows[partner.pk].quote == Decimal("352000.00")
    assert [row.partner_id for row in bid.bid_agents.order_by("position")] == [other.pk, partner.pk]
    # Switching back to a direct bid with agents still on it is refused on the scheme.
    with pytest.raises(DomainError) as refused:
        services.bid_update(bid=bid, by=owner, data={"scheme": "direct"})
    assert refused.value.field == "scheme"


def test_an_agent_scheme_needs_its_agents_details_before_bidding(bid, owner, partner):
    services.bid_update(bid=bid, by=owner, data={"scheme": "multi_agent_multi_scheme", "agents": [partner.pk]})
    problems = selectors.bid_completeness_problems(BidProject.objects.get(pk=bid.pk))
    assert any("2" in problem for problem in problems)  # at least two agents for this scheme
    assert any(partner.name in problem for problem in problems)  # its scheme and quote
    services.bid_agent_set(bid=bid, by=owner, partner=partner, scheme="方案 A", quote="100")
    services.bid_agent_set(bid=bid, by=owner, partner=PartnerFactory(), scheme="方案 B", quote="90")
    assert selectors.bid_completeness_problems(BidProject.objects.get(pk=bid.pk)) == []


def test_a_suspended_partner_cannot_join(bid, owner, manager, partner):
    services.partner_save(partner=partner, by=manager, data={"status": "suspended"})
    services.bid_update(bid=bid, by=owner, data={"scheme": "joint_multi_scheme"})
    with pytest.raises(DomainError) as refused:
        services.bid_agent_set(bid=bid, by=owner, partner=partner, scheme="x", quote="1")
    assert refused.value.field == "agents"


def test_an_agent_with_a_poor_credit_standing_shows_a_warning(bid, owner, partner, poor_partner):
    services.bid_update(bid=bid, by=owner, data={"scheme": "multi_agent_multi_scheme",
                                                 "agents": [partner.pk, poor_partner.pk]})
    warnings = selectors.bid_warnings(BidProject.objects.get(pk=bid.pk))
    assert len(warnings) == 1
    assert poor_partner.name in warnings[0]
    services.bid_agent_remove(bid=bid, by=owner, partner=poor_partner)
    assert selectors.bid_warnings(BidProject.objects.get(pk=bid.pk)) == []


# --- Lines, totals and gaps -------------------------------------------------------------------------------

def test_totals_and_gaps_are_exact_decimals(opportunity, owner, product):
    bid = services.bid_create(opportunity=opportunity, by=owner, data={"lines": [
        a_line(quantity="3", target_price="33333.33", quote="33333.34"),
        {"product": product.pk, "quantity": Decimal("0.5"), "target_price": "0.01", "quote": "0.03"},
    ]})
    lines = list(bid.lines.all())
    assert lines[0].target_amount == Decimal("99999.99")
    assert lines[0].quote_amount == Decimal("100000.02")
    assert lines[0].gap == Decimal("0.03")
    assert lines[1].configuration == product.name  # the product names the line when no configuration is given
    assert lines[1].target_amount == Decimal("0.01")  # 0.005 rounds half up
    assert lines[1].quote_amount == Decimal("0.02")  # 0.015 rounds half up
    bid.refresh_from_db()
    assert bid.target_total == Decimal("100000.00")
    assert bid.quote_total == Decimal("100000.04")
    assert bid.gap == Decimal("0.04")
    assert bid.gap_percent == Decimal("0.00")
    assert all(isinstance(value, Decimal) for value in (bid.target_total, bid.quote_total, bid.gap))


def test_gap_percent_against_the_target(bid, owner):
    bid.refresh_from_db()
    # 4 × 80,000 target against 4 × 86,000 quote: 24,000 above, 7.50 %.
    assert (bid.target_total, bid.quote_total) == (Decimal("320000.00"), Decimal("344000.00"))
    assert bid.gap == Decimal("24000.00")
    assert bid.gap_percent == Decimal("7.50")
    line = bid.lines.get()
    services.bid_line_update(line=line, by=owner, data={"quote": "76000"})
    bid.refresh_from_db()
    assert bid.gap == Decimal("-16000.00")
    assert bid.gap_percent == Decimal("-5.00")


def test_lines_added_and_removed_keep_the_totals(bid, owner):
    line = services.bid_line_add(bid=bid, by=owner, data=a_line(quantity="1", target_price="1000", quote="1200"))
    bid.refresh_from_db()
    assert bid.quote_total == Decimal("345200.00")
    services.bid_line_remove(line=line, by=owner)
    bid.refresh_from_db()
    assert bid.quote_total == Decimal("344000.00")


@pytest.mark.parametrize(("line", "field"), [
    ({"configuration": "", "quantity": 1, "target_price": 1, "quote": 1}, "lines[0].configuration"),
    (a_line(quantity="0"), "lines[0].quantity"),
    (a_line(quantity="-1"), "lines[0].quantity"),
    (a_line(target_price="-5"), "lines[0].target_price"),
    (a_line(quote=None), "lines[0].quote"),
    (a_line(quote=12.5), "lines[0].quote"),  # never a float for money
    (a_line(product=999999), "lines[0].product"),
])
def test_bad_lines_are_refused_naming_the_line(opportunity, owner, line, field):
    with pytest.raises(DomainError) as refused:
        services.bid_create(opportunity=opportunity, by=owner, data={"lines": [line]})
    assert refused.value.field == field


# --- Competitors ----------------------------------------------------------------------------------------

def test_competitors_come_from_the_managed_list_and_new_names_join_it(bid, owner):
    huawei = CompetitorBrandFactory(name="华为", threat_level="high")
    services.bid_update(bid=bid, by=owner, data={"competitors": [" 华为 ", "新华三"]})
    assert [row.brand.name for row in bid.bid_competitors.select_related("brand")] == ["华为", "新华三"]
    assert bid.bid_competitors.first().brand == huawei
    new_brand = CompetitorBrand.objects.get(name="新华三")
    assert new_brand.threat_level == "" and not new_brand.assessed
    services.bid_competitor_set(bid=bid, by=owner, brand="华为", known_price="330000", note="开标记录")
    services.bid_update(bid=bid, by=owner, data={"competitors": ["新华三", "华为"]})
    row = bid.bid_competitors.get(brand=huawei)
    assert row.known_price == Decimal("330000.00")  # kept when the list is named again


# --- Key dates and the team's agenda ----------------------------------------------------------------------

def test_key_dates_must_run_in_tender_order(bid, owner):
    with pytest.raises(DomainError) as refused:
        services.bid_update(bid=bid, by=owner, data={"opening_at": days_ahead(5)})
    assert refused.value.field == "opening_at"
    with pytest.raises(DomainError):
        services.bid_update(bid=bid, by=owner, data={"submission_at": timezone.now().replace(tzinfo=None)})


def test_key_dates_are_on_the_sales_teams_agenda(opportunity, owner, presales):
    from opportunities.selectors import agenda

    submission = days_ahead(3)
    bid = services.bid_create(opportunity=opportunity, by=owner, data={"submission_at": submission,
                                                                        "opening_at": submission})
    entries = {entry.milestone: entry.activity for entry in BidAgendaEntry.objects.filter(bid=bid)}
    assert set(entries) == {"submission", "opening"}
    activity = entries["submission"]
    assert activity.opportunity == opportunity and activity.owner == owner and activity.due_at == submission
    assert activity.kind == "proposal"
    assert list(activity.participants.all()) == [presales]
    week = agenda(viewer=presales, start=timezone.localtime(submission).date())
    assert activity in [a for day in week["days"] for a in day.activities]

    # The presales member moves the date: the agenda entry follows (owned by the primary owner).
    later = days_ahead(4)
    services.bid_update(bid=bid, by=presales, data={"submission_at": later, "opening_at": later})
    activity.refresh_from_db()
    assert activity.due_at == later
    # Removing a date takes it off the agenda.
    services.bid_update(bid=bid, by=owner, data={"opening_at": None})
    assert not Activity.objects.filter(pk=entries["opening"].pk).exists()
    assert set(BidAgendaEntry.objects.filter(bid=bid).values_list("milestone", flat=True)) == {"submission"}


def test_a_date_already_past_is_history_not_a_reminder(opportunity, owner):
    past = timezone.now() - timedelta(days=3)
    bid = services.bid_create(opportunity=opportunity, by=owner, data={"registration_at": past})
    activity = BidAgendaEntry.objects.get(bid=bid).activity
    assert activity.done_at == past


# --- Who edits, submitting, closed records ---------------------------------------------------------------

def test_who_may_edit_a_tender(opportunity, owner, manager, director, presales, service_member, teammate,
                               outsider, admin_user):
    allowed = {owner, manager, director, presales, admin_user}
    for person in (owner, manager, director, presales, service_member, teammate, outsider, admin_user):
        assert services.may_edit_bid(person, opportunity) is (person in allowed), person.username


def test_a_team_member_without_tender_role_cannot_edit(bid, service_member, teammate):
    for person in (service_member, teammate):
        with pytest.raises(PermissionDenied):
            services.bid_update(bid=bid, by=person, data={"background": "x"})


def test_an_outsider_cannot_create_a_tender_record(opportunity, outsider):
    with pytest.raises(DomainError) as refused:
        services.bid_create(opportunity=opportunity, by=outsider, data={})
    assert refused.value.field == "opportunity"


def test_submitting_needs_a_complete_tender(opportunity, owner):
    bid = services.bid_create(opportunity=opportunity, by=owner, data={})
    with pytest.raises(DomainError):
        services.bid_submit(bid=bid, by=owner)
    services.bid_update(bid=bid, by=owner, data={"tender_type": "negotiated", "lines": [a_line()]})
    services.bid_submit(bid=bid, by=owner)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED and bid.submitted_at is not None
    with pytest.raises(ConflictError):
        services.bid_submit(bid=bid, by=owner)


def test_a_special_price_deal_needs_no_tender_type(opportunity, owner):
    bid = services.bid_create(opportunity=opportunity, by=owner, data={"sales_method": "special_price",
                                                                        "lines": [a_line()]})
    assert selectors.bid_completeness_problems(bid) == []


def test_a_closed_tender_is_not_changed(bid, owner):
    BidProject.objects.filter(pk=bid.pk).update(status=BidStatus.LOST)
    with pytest.raises(ConflictError):
        services.bid_update(bid=bid, by=owner, data={"background": "x"})
    with pytest.raises(ConflictError):
        services.bid_line_add(bid=bid, by=owner, data=a_line())


# --- Partners, credit standing, brands --------------------------------------------------------------------

def test_sales_managers_and_admins_keep_partners(owner, manager, admin_user):
    with pytest.raises(PermissionDenied):
        services.partner_save(partner=Partner(), by=owner, data={"name": "某代理"})
    partner = services.partner_save(partner=Partner(), by=manager, data={
        "name": "  杭州 数联科技有限公司 ", "credit_code": make_credit_code(9).lower(), "kind": "channel",
        "contacts": [{"name": "何建平", "phone": "0571-87651122", "email": "he@example.com"}],
    })
    assert partner.name == "杭州 数联科技有限公司"
    assert partner.credit_code == make_credit_code(9)
    assert [c.name for c in partner.contacts.all()] == ["何建平"]
    services.partner_save(partner=partner, by=admin_user, data={"status": "suspended"})
    assert Partner.objects.get(pk=partner.pk).suspended


@pytest.mark.parametrize(("data", "field"), [
    ({"name": ""}, "name"),
    ({"name": "A", "credit_code": "91310000123456789X"}, "credit_code"),
    ({"name": "A", "credit_code": "123"}, "credit_code"),
    ({"name": "A", "kind": "reseller"}, "kind"),
    ({"name": "A", "status": "closed"}, "status"),
    ({"name": "A", "contacts": [{"name": "x", "email": "not-an-email"}]}, "contacts[0].email"),
])
def test_bad_partner_input_is_refused(manager, data, field):
    with pytest.raises(DomainError) as refused:
        services.partner_save(partner=Partner(), by=manager, data=data)
    assert refused.value.field == field


def test_partner_names_and_credit_codes_are_unique(manager, partner):
    with pytest.raises(DomainError) as refused:
        services.partner_save(partner=Partner(), by=manager, data={"name": partner.name})
    assert refused.value.field == "name"
    with pytest.raises(DomainError) as refused:
        services.partner_save(partner=Partner(), by=manager, data={"name": "B", "credit_code": partner.credit_code})
    assert refused.value.field == "credit_code"


def test_the_partner_carries_the_latest_credit_standing_by_date(partner, manager):
    today = timezone.localdate()
    services.partner_rate_credit(partner=partner, by=manager, rating="good", rated_on=today - timedelta(days=30),
                                 source="中诚信征信报告")
    partner.refresh_from_db()
    assert (partner.credit_rating, partner.credit_source) == ("good", "中诚信征信报告")
    # An older rating entered later joins the history without replacing the standing.
    services.partner_rate_credit(partner=partner, by=manager, rating="poor", rated_on=today - timedelta(days=400),
                                 source="旧报告")
    partner.refresh_from_db()
    assert partner.credit_rating == "good"
    services.partner_rate_credit(partner=partner, by=manager, rating="fair", rated_on=today, source="银行资信证明",
                                 note="应收账款逾期")
    partner.refresh_from_db()
    assert (partner.credit_rating, partner.credit_rated_on) == ("fair", today)
    history = selectors.partner_ratings(partner=partner)
    assert [r.rating for r in history] == ["fair", "good", "poor"]
    assert history[0].recorded_by == manager


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"rating": "AAA"}, "rating"),
    ({"source": "  "}, "source"),
    ({"rated_on": "2024-01-01"}, "rated_on"),
])
def test_bad_ratings_are_refused(partner, manager, kwargs, field):
    values = {"rating": "good", "rated_on": timezone.localdate(), "source": "评审", **kwargs}
    with pytest.raises(DomainError) as refused:
        services.partner_rate_credit(partner=partner, by=manager, **values)
    assert refused.value.field == field


def test_a_rating_cannot_be_dated_in_the_future_nor_given_by_an_account_manager(partner, manager, owner):
    with pytest.raises(DomainError):
        services.partner_rate_credit(partner=partner, by=manager, rating="good",
                                     rated_on=timezone.localdate() + timedelta(days=1), source="x")
    with pytest.raises(PermissionDenied):
        services.partner_rate_credit(partner=partner, by=owner, rating="good", rated_on=timezone.localdate(),
                                     source="x")


def test_brands_are_kept_by_managers_with_our_assessment(manager, owner):
    brand = services.competitor_brand_save(brand=CompetitorBrand(), by=manager, data={
        "name": "浪潮", "threat_level": "medium", "strengths": "服务器份额高", "weaknesses": "网络产品线薄弱"})
    assert brand.assessed
    with pytest.raises(DomainError):
        services.competitor_brand_save(brand=CompetitorBrand(), by=manager, data={"name": "浪潮"})
    with pytest.raises(DomainError) as refused:
        services.competitor_brand_save(brand=brand, by=manager, data={"threat_level": "extreme"})
    assert refused.value.field == "threat_level"
    with pytest.raises(PermissionDenied):
        services.competitor_brand_save(brand=brand, by=owner, data={"notes": "x"})


def test_a_second_opportunity_gets_its_own_record(owner, bid):
    other = OpportunityFactory(primary_owner=owner)
    second = services.bid_create(opportunity=other, by=owner, data={"sales_method": "distribution"})
    assert second.pk != bid.pk and BidProject.objects.count() == 2


def test_open_key_dates_follow_a_new_primary_owner(opportunity, owner, manager, presales):
    from opportunities.services import opportunity_change_owner

    bid = services.bid_create(opportunity=opportunity, by=owner,
                              data={"registration_at": timezone.now() - timedelta(days=2),
                                    "submission_at": days_ahead(5)})
    entries = {entry.milestone: entry.activity for entry in BidAgendaEntry.objects.filter(bid=bid)}
    newcomer = UserFactory(username="newcomer", manager=manager)
    opportunity_change_owner(opportunity=opportunity, new_owner=newcomer, by=manager)

    upcoming, done = entries["submission"], entries["registration"]
    upcoming.refresh_from_db()
    done.refresh_from_db()
    assert upcoming.owner == newcomer
    # The former owner stays on the sales team, so takes part; the new owner is not a participant.
    assert set(upcoming.participants.all()) == {owner, presales}
    # A date already done stays with whoever did it.
    assert done.owner == owner
