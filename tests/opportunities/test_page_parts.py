"""The opportunity page shows what apps above opportunities register in opportunities.page_parts (the
funnel's stage path, the bids' tender record button) and works without any of them."""

import pytest
from django.urls import reverse

from crm.page_parts import PageActions
from opportunities import page_parts
from tests.factories import TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def detail_url(opportunity):
    return reverse("opportunities:opportunity-detail", args=[opportunity.pk])


def test_the_page_renders_without_any_registered_part(client, owner, opportunity, monkeypatch):
    monkeypatch.setattr(page_parts, "_header_parts", {})
    monkeypatch.setattr(page_parts, "_actions", PageActions())
    monkeypatch.setattr(page_parts, "_tabs", {})
    client.force_login(owner)
    response = client.get(detail_url(opportunity))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="opportunity-name"' in html and 'data-testid="log-activity"' in html
    assert 'data-testid="stage-path"' not in html and 'data-testid="tender-record"' not in html
    assert 'data-testid="tab-selling"' not in html
    # An address naming a tab nobody registered shows the first tab.
    assert client.get(detail_url(opportunity) + "?tab=selling").context["tab"] == "lines"


def test_a_registered_tab_is_loaded_from_its_url(client, owner, opportunity):
    client.force_login(owner)
    html = client.get(detail_url(opportunity) + "?tab=selling").content.decode()
    tabs = [line for line in html.splitlines() if 'data-testid="tab-' in line]
    assert [t.split('data-testid="tab-')[1].split('"')[0] for t in tabs] == [
        "lines", "team", "selling", "assessment", "activities", "history"]
    url = reverse("team_selling:selling-tab", args=[opportunity.pk])
    assert f'hx-get="{url}"' in html and "data-load-error=" in html


def test_the_registered_parts_are_shown(client, owner, opportunity):
    client.force_login(owner)
    html = client.get(detail_url(opportunity)).content.decode()
    assert 'data-testid="funnel-stage-panel"' in html and 'data-testid="stage-path"' in html
    assert f'href="{reverse("bids:bid-new")}?opportunity={opportunity.pk}" data-testid="tender-record"' in html


@pytest.mark.parametrize(("who", "shown"), [("owner", True), ("manager", True), ("presales", True),
                                            ("team_service", False)])
def test_the_tender_record_button_only_for_those_who_may_edit_the_tender(client, request, opportunity, who, shown):
    if who == "team_service":
        person = UserFactory(username="service-engineer")
        TeamMemberFactory(opportunity=opportunity, user=person, role="service")
    else:
        person = request.getfixturevalue(who)
    client.force_login(person)
    response = client.get(detail_url(opportunity))
    assert response.status_code == 200
    assert ('data-testid="tender-record"' in response.content.decode()) is shown


def test_parts_come_in_their_order_and_a_code_registered_again_replaces(rf, owner, opportunity, monkeypatch):
    monkeypatch.setattr(page_parts, "_header_parts", {})
    monkeypatch.setattr(page_parts, "_actions", PageActions())
    page_parts.register_header_part("second", 20, lambda request, opp: "<b>2</b>")
    page_parts.register_header_part("first", 10, lambda request, opp: "<b>1</b>")
    page_parts.register_header_part("first", 5, lambda request, opp: "<i>1</i>")
    assert page_parts.header_parts(rf.get("/"), opportunity) == ["&lt;i&gt;1&lt;/i&gt;", "&lt;b&gt;2&lt;/b&gt;"]
    page_parts.register_action("hidden", 1, "Hidden", "bi-x", lambda opp: "/x/", lambda user, opp: False)
    page_parts.register_action("shown", 2, "Shown", "bi-check", lambda opp: f"/o/{opp.pk}/", lambda user, opp: True)
    assert [(a.code, a.url) for a in page_parts.actions(owner, opportunity)] == [("shown", f"/o/{opportunity.pk}/")]


def test_the_customer_page_shows_the_opportunity_buttons_opportunities_registered(client, owner, opportunity,
                                                                                  monkeypatch):
    from accounts import page_parts as customer_parts

    customer = opportunity.customer
    client.force_login(owner)
    url = reverse("accounts:customer-detail", args=[customer.pk]) + "?tab=opportunities"
    html = client.get(url).content.decode()
    assert f'href="{reverse("opportunities:opportunity-new")}?customer={customer.pk}" data-testid="new-opportunity"' \
        in html
    assert 'data-testid="customer-opportunities"' in html and 'data-testid="new-activity"' in html
    monkeypatch.setattr(customer_parts, "_actions", PageActions())  # accounts alone: the tab still answers
    response = client.get(url)
    assert response.status_code == 200 and 'data-testid="new-opportunity"' not in response.content.decode()
