"""A person's place in the organisation decides their role label and their workbench; administrators are not
sales people and appear in no list of sales members (issue 13, item 11)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.selectors import assignable_people
from funnel.selectors import Holder, drill_down
from sales_planning.selectors import attainment_dashboard
from teams.models import Position, User
from tests.sales_org import year


@pytest.fixture
def placed_admin(org):
    """The administrator sits in the company unit, as in the demo data."""
    org.admin.org_unit = org.company
    org.admin.save(update_fields=["org_unit"])
    return org.admin


def test_position_follows_the_place_in_the_organisation(org):
    positions = {person.username: User.objects.get(pk=person.pk).position
                 for person in (org.head, org.div_head, org.region_mgr, org.team_mgr, org.am1, org.admin)}
    assert positions == {"head": Position.COMPANY_HEAD, "div_head": Position.DIVISION_HEAD,
                         "region_mgr": Position.MANAGER, "team_mgr": Position.MANAGER,
                         "am1": Position.ACCOUNT_MANAGER, "admin": Position.ADMIN}


def test_sales_people_are_the_active_people_who_are_not_administrators(org):
    org.am2.is_active = False
    org.am2.save(update_fields=["is_active"])
    people = set(User.objects.sales_people())
    assert org.admin not in people and org.am2 not in people
    assert {org.head, org.div_head, org.team_mgr, org.am1, org.am3} <= people


def test_administrator_is_no_funnel_member(org, placed_admin):
    people = drill_down(viewer=org.head, holder=Holder(org_unit=org.company))["people"]
    assert placed_admin not in people and org.head in people


def test_administrator_is_not_in_the_attainment_rows(org, placed_admin):
    rows = attainment_dashboard(viewer=org.head, period=year(), unit=org.company)["rows"]
    holders = [row["holder"] for row in rows]
    assert placed_admin not in holders and org.division in holders


def test_administrator_is_not_offered_for_assignment(org, placed_admin):
    placed_admin.role = "manager"  # a superuser keeps the administrator's place whatever the role field says
    placed_admin.save(update_fields=["role"])
    assert placed_admin not in set(assignable_people(viewer=org.head))
    assert org.am1 in set(assignable_people(viewer=org.head))


def _workbench(client, person) -> str:
    client.force_login(person)
    with translation.override("en"):
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_company_head_workbench_leads_the_company(client, org):
    org.head.language = "en"
    org.head.save(update_fields=["language"])
    page = _workbench(client, org.head)
    assert '<dd class="col-7" data-testid="position">Head of the company</dd>' in page
    # No personal panels: no "my customers", "my opportunities" or "my funnel" of their own.
    assert 'data-testid="wb-customers"' not in page and 'data-testid="wb-org-customers"' in page
    assert 'data-testid="opportunities-panel"' not in page
    assert 'data-testid="funnel-panel-stuck"' not in page


def test_account_manager_workbench_keeps_the_personal_panels(client, org):
    org.am1.language = "en"
    org.am1.save(update_fields=["language"])
    page = _workbench(client, org.am1)
    assert '<dd class="col-7" data-testid="position">Account manager</dd>' in page
    assert 'data-testid="wb-customers"' in page and 'data-testid="opportunities-panel"' in page


def test_administrator_workbench_is_no_salesperson(client, org, placed_admin):
    placed_admin.language = "en"
    placed_admin.save(update_fields=["language"])
    page = _workbench(client, placed_admin)
    assert '<dd class="col-7" data-testid="position">Administrator</dd>' in page
    assert 'data-testid="wb-customers"' not in page and 'data-testid="opportunities-panel"' not in page
    assert 'data-testid="wb-quota"' not in page
