"""The tender and partner pages: who sees them (owner, team member, manager, outsider 404, anonymous
redirect), the forms that call the services, the filters, the workbench panel and query counts."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bids import services
from bids.models import BidProject, CompetitorBrand, Partner
from tests.bids.conftest import days_ahead
from tests.factories import BidProjectFactory, OpportunityFactory, PartnerFactory, stage

pytestmark = pytest.mark.django_db


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def no_inline_code(html: str) -> bool:
    """The Content-Security-Policy forbids inline scripts and style attributes."""
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    inline_json = [tag for tag in scripts if 'type="application/json"' in tag]
    return len(scripts) == len(inline_json) and ' style="' not in html


def bid_urls(bid):
    return [reverse("bids:bid-detail", args=[bid.pk]), reverse("bids:bid-comparison", args=[bid.pk]),
            reverse("bids:bid-edit", args=[bid.pk])]


# --- Access ----------------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in(client, bid, partner):
    for url in [reverse("bids:bid-list"), reverse("bids:bid-new"), *bid_urls(bid),
                reverse("bids:partner-list"), reverse("bids:partner-detail", args=[partner.pk]),
                reverse("bids:competitor-list")]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_outsider_gets_404_on_every_tender_page(client, outsider, bid):
    client.force_login(outsider)
    for url in bid_urls(bid):
        assert client.get(url).status_code == 404, url
    for name in ["bids:line-add", "bids:agent-add", "bids:competitor-add", "bids:bid-submit", "bids:bid-outcome"]:
        assert client.post(reverse(name, args=[bid.pk]), {}).status_code == 404, name
    assert client.get(reverse("bids:bid-new"), {"opportunity": bid.opportunity_id}).status_code == 404
    html = client.get(reverse("bids:bid-list")).content.decode()
    assert bid.opportunity.name not in html


@pytest.mark.parametrize("who", ["owner", "manager", "director", "presales", "service_member", "admin_user"])
def test_those_who_see_the_opportunity_see_the_tender(client, request, bid, presales, service_member, who):
    user = request.getfixturevalue(who)
    for url in bid_urls(bid)[:2]:
        response = page(client, user, url)
        assert response.status_code == 200, url
        assert no_inline_code(response.content.decode())
    assert bid.opportunity.name in page(client, user, reverse("bids:bid-list")).content.decode()


def test_editing_controls_follow_who_may_edit(client, bid, presales, service_member):
    html = page(client, presales, reverse("bids:bid-detail", args=[bid.pk])).content.decode()
    assert 'data-testid="line-form"' in html and 'data-testid="outcome-form"' not in html
    html = page(client, service_member, reverse("bids:bid-detail", args=[bid.pk])).content.decode()
    assert 'data-testid="line-form"' not in html and 'data-testid="edit-bid"' not in html
    response = client.get(reverse("bids:bid-edit", args=[bid.pk]))
    assert response.status_code == 302  # sent back with a message
    html = page(client, bid.opportunity.primary_owner, reverse("bids:bid-detail", args=[bid.pk])).content.decode()
    assert 'data-testid="outcome-form"' in html


# --- Detail -------------------------------------------------------------------------------------------------

def test_detail_shows_everything_grouped(client, owner, bid, partner, poor_partner):
    services.bid_update(bid=bid, by=owner, data={"scheme": "multi_agent_multi_scheme", "agents": [
        {"partner": partner, "scheme": "方案 A", "quote": "350000"},
        {"partner": poor_partner, "scheme": "方案 B", "quote": "340000"}], "competitors": ["华为"]})
    services.bid_competitor_set(bid=bid, by=owner, brand="华为", known_price="330000")
    html = page(client, owner, reverse("bids:bid-detail", args=[bid.pk])).content.decode()
    assert "344,000.00" in html and "320,000.00" in html and "+¥24,000.00" in html and "+7.50%" in html
    assert 'data-testid="bid-warnings"' in html and poor_partner.name in html
    assert "方案 B" in html and "340,000.00" in html
    assert "华为" in html and "330,000.00" in html
    assert 'data-testid="key-dates"' in html and 'data-testid="bid-history"' in html
    assert "集团统一采购" in html
    assert no_inline_code(html)


def test_detail_in_english(client, owner, bid):
    owner.language = "en"
    owner.save(update_fields=["language"])
    html = page(client, owner, reverse("bids:bid-detail", args=[bid.pk])).content.decode()
    assert "Open tender, single quote" in html and "Evaluation principles" in html


def test_detail_in_chinese(client, owner, bid):
    html = page(client, owner, reverse("bids:bid-detail", args=[bid.pk])).content.decode()
    assert "公开开标且仅一次报价" in html and "评标原则" in html


def test_comparison_page_has_the_chart_data(client, owner, bid):
    services.bid_competitor_set(bid=bid, by=owner, brand="新华三", known_price="300000")
    response = page(client, owner, reverse("bids:bid-comparison", args=[bid.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="comparison-data"' in html and 'data-chart="totals"' in html
    assert "300000.00" in html  # amounts as strings in the JSON: never floats
    assert "echarts.min.js" in html and "js/bids.js" in html
    assert response.context["cheapest_competitor"].label == "新华三"
    assert response.context["below_cheapest"] is False
    assert no_inline_code(html)


# --- New, edit and posted actions ----------------------------------------------------------------------------

def test_new_from_the_opportunity(client, owner, opportunity):
    url = reverse("bids:bid-new")
    assert opportunity.name in page(client, owner, url).content.decode()  # the choice of opportunities
    response = client.get(url, {"opportunity": opportunity.pk})
    assert response.status_code == 200 and no_inline_code(response.content.decode())
    response = client.post(f"{url}?opportunity={opportunity.pk}", {
        "sales_method": "tender", "tender_type": "negotiated", "scheme": "direct", "relationship": "over_80",
        "impact": "medium", "eval_price": "50", "eval_service": "20", "eval_technology": "20",
        "eval_commercial": "10", "competitors": "华为, 浪潮", "lots": "on",
        "submission_at": days_ahead(9).strftime("%Y-%m-%dT%H:%M"),
    })
    assert response.status_code == 302
    bid = BidProject.objects.get(opportunity=opportunity)
    assert response["Location"] == reverse("bids:bid-detail", args=[bid.pk])
    assert bid.lots and bid.evaluation == {"price": 50, "service": 20, "technology": 20, "commercial": 10}
    assert [row.brand.name for row in bid.bid_competitors.select_related("brand")] == ["华为", "浪潮"]
    assert bid.created_by == owner and bid.agenda_entries.count() == 1
    # Again: the opportunity already has one, so its page opens.
    assert client.get(url, {"opportunity": opportunity.pk})["Location"] == reverse("bids:bid-detail", args=[bid.pk])


def test_the_form_shows_the_refusal_of_weights(client, owner, opportunity):
    client.force_login(owner)
    response = client.post(f"{reverse('bids:bid-new')}?opportunity={opportunity.pk}", {
        "sales_method": "tender", "scheme": "direct", "relationship": "unknown",
        "eval_price": "50", "eval_service": "20", "eval_technology": "20", "eval_commercial": "20",
    })
    assert response.status_code == 400
    assert "110" in response.content.decode()
    assert not BidProject.objects.exists()


def test_edit_changes_only_what_changed(client, owner, bid):
    client.force_login(owner)
    form = client.get(reverse("bids:bid-edit", args=[bid.pk])).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    for name in ("submission_at", "opening_at"):
        data[name] = timezone.localtime(form.initial[name]).strftime("%Y-%m-%dT%H:%M")
    data["lots"] = ""
    data["background"] = "补充:客户技术部倾向国产化"
    data.pop("single_quote")
    response = client.post(reverse("bids:bid-edit", args=[bid.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    bid.refresh_from_db()
    assert bid.background == "补充:客户技术部倾向国产化"
    assert bid.history.count() == 2


def test_add_and_remove_a_line_from_the_page(client, owner, bid, product):
    client.force_login(owner)
    response = client.post(reverse("bids:line-add", args=[bid.pk]), {
        "line-configuration": "存储 200TB", "line-product": product.pk, "line-quantity": "2",
        "line-target_price": "100000", "line-quote": "98000.50"})
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.quote_total == Decimal("344000.00") + Decimal("196001.00")
    line = bid.lines.get(configuration="存储 200TB")
    client.post(reverse("bids:line-delete", args=[bid.pk, line.pk]))
    bid.refresh_from_db()
    assert bid.quote_total == Decimal("344000.00")


def test_a_refused_action_is_a_message_not_an_error(client, owner, bid, partner):
    client.force_login(owner)
    response = client.post(reverse("bids:agent-add", args=[bid.pk]), {"agent-partner": partner.pk}, follow=True)
    assert response.status_code == 200
    assert bid.bid_agents.count() == 0  # a direct bid has no agents
    assert list(response.context["messages"])


def test_agents_competitors_submit_and_outcome_from_the_page(client, owner, bid, partner):
    client.force_login(owner)
    services.bid_update(bid=bid, by=owner, data={"scheme": "one_agent_one_scheme"})
    client.post(reverse("bids:agent-add", args=[bid.pk]), {"agent-partner": partner.pk, "agent-scheme": "方案 A",
                                                           "agent-quote": "343000"})
    assert bid.bid_agents.get().quote == Decimal("343000.00")
    client.post(reverse("bids:competitor-add", args=[bid.pk]), {"competitor-brand": "锐捷",
                                                                "competitor-known_price": "310000"})
    assert CompetitorBrand.objects.filter(name="锐捷").exists()
    client.post(reverse("bids:bid-submit", args=[bid.pk]))
    bid.refresh_from_db()
    assert bid.status == "submitted"
    client.post(reverse("bids:bid-outcome", args=[bid.pk]), {"outcome-outcome": "won", "outcome-reason": "综合分第一"})
    bid.refresh_from_db()
    bid.opportunity.refresh_from_db()
    assert bid.status == "won" and (bid.opportunity.stage.code, bid.opportunity.stage.outcome) == ("08", "won")


# --- List and filters -----------------------------------------------------------------------------------

def test_list_filters(client, owner, bid):
    other = BidProjectFactory(opportunity=OpportunityFactory(primary_owner=owner, stage=stage("04"), name="园区网络"),
                              tender_type="framework", impact="ordinary", relationship="under_30")
    client.force_login(owner)
    url = reverse("bids:bid-list")

    def names(**params):
        return [row.opportunity.name for row in client.get(url, params).context["page"].object_list]

    assert set(names()) == {bid.opportunity.name, other.opportunity.name}
    assert names(tender_type="framework") == ["园区网络"]
    assert names(impact="very_high") == [bid.opportunity.name]
    assert names(relationship="under_30") == ["园区网络"]
    assert names(status="won") == []
    day = timezone.localtime(bid.submission_at).date().isoformat()
    assert names(date_from=day, date_to=day) == [bid.opportunity.name]
    assert names(q="园区") == ["园区网络"]
    assert client.get(url, {"status": "nonsense"}).status_code == 200  # shown as a filter error


def test_list_page_costs_a_constant_number_of_queries(client, owner, django_assert_max_num_queries):
    client.force_login(owner)
    partner = PartnerFactory()

    def add(count):
        for _ in range(count):
            opportunity = OpportunityFactory(primary_owner=owner, stage=stage("05"))
            services.bid_create(opportunity=opportunity, by=owner, data={
                "scheme": "joint_multi_scheme", "agents": [partner.pk], "submission_at": days_ahead(3)})

    add(2)
    client.get(reverse("bids:bid-list"))  # warm the session and the caches
    with django_assert_max_num_queries(14) as first:
        client.get(reverse("bids:bid-list"))
    add(6)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("bids:bid-list"))
    assert len(response.context["page"].object_list) == 8


# --- Partners and brands --------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["owner", "teammate", "outsider"])
def test_partner_pages_are_open_to_all_sales_staff(client, request, partner, who):
    user = request.getfixturevalue(who)
    html = page(client, user, reverse("bids:partner-list")).content.decode()
    assert partner.name in html and 'data-testid="new-partner"' not in html
    response = client.get(reverse("bids:partner-detail", args=[partner.pk]))
    assert response.status_code == 200 and 'data-testid="rating-form"' not in response.content.decode()
    assert no_inline_code(response.content.decode())
    assert client.get(reverse("bids:partner-new")).status_code == 302  # not theirs to change


def test_a_manager_creates_a_partner_and_rates_it(client, manager):
    client.force_login(manager)
    response = client.post(reverse("bids:partner-new"), {"name": "成都蜀信智能科技有限公司", "kind": "agent",
                                                         "status": "active", "region": "西南"})
    partner = Partner.objects.get(name="成都蜀信智能科技有限公司")
    assert response["Location"] == partner.get_absolute_url()
    client.post(reverse("bids:partner-rate", args=[partner.pk]), {
        "rating-rating": "poor", "rating-rated_on": timezone.localdate().isoformat(), "rating-source": "银行",
        "rating-note": "逾期"})
    client.post(reverse("bids:partner-contact-add", args=[partner.pk]), {"contact-name": "杨帆",
                                                                         "contact-phone": "028-1"})
    html = client.get(partner.get_absolute_url()).content.decode()
    assert 'data-testid="partner-warning"' in html and "杨帆" in html and "逾期" in html
    partner.refresh_from_db()
    assert partner.credit_rating == "poor"


def test_brand_list_and_form(client, manager, owner):
    client.force_login(manager)
    client.post(reverse("bids:competitor-new"), {"name": "思科", "threat_level": "medium", "strengths": "技术领先",
                                                 "active": "on"})
    brand = CompetitorBrand.objects.get(name="思科")
    html = client.get(reverse("bids:competitor-list")).content.decode()
    assert "技术领先" in html and reverse("bids:competitor-edit", args=[brand.pk]) in html
    client.force_login(owner)
    assert "思科" in client.get(reverse("bids:competitor-list")).content.decode()
    assert client.get(reverse("bids:competitor-edit", args=[brand.pk])).status_code == 302


# --- Workbench and navigation ------------------------------------------------------------------------------

def test_the_workbench_shows_upcoming_tender_deadlines(client, owner, bid, teammate):
    html = page(client, owner, reverse("home")).content.decode()
    assert 'data-testid="bids-panel"' in html and bid.opportunity.name in html
    html = page(client, teammate, reverse("home")).content.decode()
    assert 'data-testid="bids-panel"' in html and bid.opportunity.name not in html


def test_a_deadline_beyond_two_weeks_is_not_on_the_workbench(client, owner, bid):
    services.bid_update(bid=bid, by=owner, data={"submission_at": days_ahead(20), "opening_at": days_ahead(20)})
    assert bid.opportunity.name not in page(client, owner, reverse("home")).content.decode()


def test_tenders_are_in_the_navigation(client, owner):
    html = page(client, owner, reverse("bids:bid-list")).content.decode()
    assert f'href="{reverse("bids:bid-list")}"' in html


def test_admin_screens_load(client, admin_user, bid, partner, manager):
    from django.utils import timezone as tz

    services.partner_rate_credit(partner=partner, by=manager, rating="good", rated_on=tz.localdate(), source="x")
    client.force_login(admin_user)
    for url in [reverse("admin:bids_bidproject_changelist"), reverse("admin:bids_bidproject_change", args=[bid.pk]),
                reverse("admin:bids_partner_changelist"), reverse("admin:bids_partner_change", args=[partner.pk]),
                reverse("admin:bids_competitorbrand_changelist"),
                reverse("admin:bids_bidproject_history", args=[bid.pk])]:
        assert client.get(url).status_code == 200, url


def test_partner_and_brand_counts_include_only_visible_tenders(client, owner, outsider, bid, partner):
    services.bid_update(bid=bid, by=owner, data={"scheme": "joint_multi_scheme", "agents": [partner.pk],
                                                 "competitors": ["华为"]})
    for user, expected in ((owner, 1), (outsider, 0)):
        client.force_login(user)
        [row] = client.get(reverse("bids:partner-list")).context["page"].object_list
        assert row.tender_count == expected
        [brand] = client.get(reverse("bids:competitor-list")).context["brands"]
        assert brand.tender_count == expected


def test_outsider_gets_404_on_every_removal_and_reopen(client, outsider, owner, bid, partner):
    brand = services.bid_competitor_set(bid=bid, by=owner, brand="华为").brand
    line = bid.lines.first()
    client.force_login(outsider)
    for url in [reverse("bids:line-delete", args=[bid.pk, line.pk]),
                reverse("bids:agent-remove", args=[bid.pk, partner.pk]),
                reverse("bids:competitor-remove", args=[bid.pk, brand.pk]),
                reverse("bids:bid-reopen", args=[bid.pk])]:
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    assert bid.lines.filter(pk=line.pk).exists()
    assert bid.bid_competitors.filter(brand=brand).exists()


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"},
                                    {"date_from": "9999-12-31", "date_to": "9999-12-31"}])
def test_dates_at_the_calendar_edges_are_refused_not_a_500(client, owner, bid, params):
    response = page(client, owner, reverse("bids:bid-list"), data=params)
    assert response.status_code == 200
    assert bid.opportunity.name not in response.content.decode()
    assert response.context["filterset"].errors


def test_partner_and_brand_pages_cost_a_constant_number_of_queries(client, manager, django_assert_max_num_queries):
    from bids.models import PartnerContact
    from tests.factories import CompetitorBrandFactory

    client.force_login(manager)

    def add(count):
        for _ in range(count):
            PartnerContact.objects.create(partner=PartnerFactory(), name="王经理")
            CompetitorBrandFactory()

    add(2)
    client.get(reverse("bids:partner-list"))  # warm the session and the caches
    counts = {}
    for name in ("bids:partner-list", "bids:competitor-list"):
        with django_assert_max_num_queries(12) as first:
            client.get(reverse(name))
        counts[name] = len(first.captured_queries)
    add(6)
    for name in ("bids:partner-list", "bids:competitor-list"):
        with django_assert_max_num_queries(counts[name]):
            response = client.get(reverse(name))
        assert response.status_code == 200
    assert len(response.context["brands"]) == 8
