"""The customer page as an account manager uses it (issue 13, item 7): the opportunities tab lists the
customer's opportunities, and "my customers" means the same customers on the list, the workbench and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import selectors
from tests.factories import CustomerFactory, OpportunityFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(owner, teammate):
    """The owner's three customers, and a teammate's customer the owner sees as a member of its sales team."""
    mine = [CustomerFactory(name=f"我的客户{number}有限公司", owner=owner) for number in range(3)]
    theirs = CustomerFactory(name="同事的客户有限公司", owner=teammate)
    TeamMemberFactory(opportunity=OpportunityFactory(customer=theirs, primary_owner=teammate), user=owner)
    return mine, theirs


def _listed(client, **params) -> set[str]:
    response = client.get(reverse("accounts:customer-list"), params)
    assert response.status_code == 200
    return {customer.name for customer in response.context["page"].object_list}


def test_my_customers_is_one_definition_for_list_workbench_and_api(client, api_as, owner, book):
    mine, theirs = book
    client.force_login(owner)
    names = {customer.name for customer in mine}
    assert _listed(client) == names  # the list opens on "My customers"
    assert _listed(client, scope="mine") == names
    assert _listed(client, scope="all") == names | {theirs.name}  # everything I can see, on request
    panel = selectors.workbench_panel(owner)
    assert panel["my_customers"].count == len(mine) == selectors.my_customers(viewer=owner).count()
    api = api_as(owner)
    assert api.get(reverse("v1:customer-list"), {"mine": "true"}).json()["count"] == len(mine)
    assert api.get(reverse("v1:customer-list")).json()["count"] == len(mine) + 1


def test_manager_list_opens_on_the_team_and_can_narrow_to_mine(client, manager, owner, book):
    mine, theirs = book
    own = CustomerFactory(name="经理自己的客户有限公司", owner=manager)
    client.force_login(manager)
    assert _listed(client) == {customer.name for customer in mine} | {theirs.name, own.name}
    assert _listed(client, scope="mine") == {own.name}


def test_customer_opportunities_tab_lists_the_customers_opportunities(client, owner, teammate, book):
    mine, _theirs = book
    first = OpportunityFactory(customer=mine[0], primary_owner=owner, name="数据中心扩容")
    second = OpportunityFactory(customer=mine[0], primary_owner=owner, name="园区网络改造")
    elsewhere = OpportunityFactory(customer=mine[1], primary_owner=owner, name="别的客户的商机")
    hidden = OpportunityFactory(customer=mine[0], primary_owner=teammate, name="同事的商机")  # not on its team
    client.force_login(owner)
    page = client.get(mine[0].get_absolute_url(), {"tab": "opportunities"})
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="customer-opportunities-list"' in content
    assert first.name in content and second.name in content and first.get_absolute_url() in content
    assert elsewhere.name not in content and hidden.name not in content


def test_customer_opportunities_tab_says_when_there_are_none(client, owner, book):
    mine, _theirs = book
    client.force_login(owner)
    page = client.get(mine[2].get_absolute_url(), {"tab": "opportunities"})
    assert page.status_code == 200
    assert 'data-testid="customer-opportunities-empty"' in page.content.decode()


def test_customer_opportunities_tab_shows_the_newest_twenty_and_links_to_all_in_constant_queries(
        client, owner, book, django_assert_max_num_queries):
    mine, _theirs = book
    customer = mine[0]
    for number in range(3):
        OpportunityFactory(customer=customer, primary_owner=owner, name=f"早期商机{number}")
    client.force_login(owner)
    url = customer.get_absolute_url()
    with django_assert_max_num_queries(60) as few:
        content = client.get(url, {"tab": "opportunities"}).content.decode()
    assert 'data-testid="customer-opportunities-all"' not in content
    for number in range(22):
        OpportunityFactory(customer=customer, primary_owner=owner, name=f"后来商机{number:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = client.get(url, {"tab": "opportunities"}).content.decode()
    assert content.count('class="fw-semibold"') >= 20 and "后来商机21" in content and "早期商机0" not in content
    assert f"?customer={customer.pk}&amp;stage=all" in content


def test_customer_opportunities_tab_shows_those_of_the_sales_teams_i_am_on(client, owner, teammate, manager, book):
    """The tab checks the memberships and the subtree as subqueries (visible_to by key): the same opportunities."""
    _mine, theirs = book
    on_team = theirs.opportunities.get()
    not_on_team = OpportunityFactory(customer=theirs, primary_owner=teammate, name="没有我的团队的商机")
    client.force_login(owner)
    content = client.get(theirs.get_absolute_url(), {"tab": "opportunities"}).content.decode()
    assert on_team.name in content and not_on_team.name not in content
    client.force_login(manager)
    content = client.get(theirs.get_absolute_url(), {"tab": "opportunities"}).content.decode()
    assert on_team.name in content and not_on_team.name in content
