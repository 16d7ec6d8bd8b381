"""Journey: a region manager allocates the region's quota to its teams, acknowledges the difference,
submits, and reads the attainment dashboard (charts drawn without Content-Security-Policy errors)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sales_planning import services
from sales_planning.models import PeriodKind, Quota
from teams.models import OrgUnit, OrgUnitKind
from tests.factories import TEST_PASSWORD, AdminFactory, ManagerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _organisation():
    from opportunities.models import Opportunity, OpportunityTeamMember, Stage
    from tests.factories import CustomerFactory

    admin = AdminFactory(username="admin")
    head = ManagerFactory(username="zhaomin", display_name="赵敏")
    chenjing = ManagerFactory(username="chenjing", display_name="陈静", manager=head)
    liqiang = ManagerFactory(username="liqiang", display_name="李强", manager=chenjing)
    sunli = ManagerFactory(username="sunli", display_name="孙丽", manager=chenjing)
    division = OrgUnit.objects.create(name="政企事业部", kind=OrgUnitKind.DIVISION, manager=head)
    region = OrgUnit.objects.create(name="华东区", kind=OrgUnitKind.REGION, parent=division, manager=chenjing)
    shanghai = OrgUnit.objects.create(name="上海大客户一组", kind=OrgUnitKind.TEAM, parent=region, manager=liqiang)
    hangzhou = OrgUnit.objects.create(name="杭州大客户组", kind=OrgUnitKind.TEAM, parent=region, manager=sunli)
    for person, unit in ((head, division), (chenjing, region), (liqiang, shanghai), (sunli, hangzhou)):
        person.org_unit = unit
        person.save(update_fields=["org_unit"])
    zhangwei = UserFactory(username="zhangwei", display_name="张伟", manager=liqiang, org_unit=shanghai)
    today = timezone.localdate()
    period = services.quota_period_for(kind=PeriodKind.YEAR, year=today.year)
    services.quota_set(period=period, amount="6000000", by=admin, org_unit=division)
    services.quota_allocation_submit(period=period, unit=None, by=admin)
    services.quota_allocation_approve(period=period, unit=None, by=admin)
    services.quota_set(period=period, amount="6000000", by=head, org_unit=region)
    services.quota_allocation_submit(period=period, unit=division, by=head)
    services.quota_allocation_approve(period=period, unit=division, by=admin)
    won = Stage.objects.get(code="08", outcome="won")
    for amount, close in (("1500000", date(today.year, 1, 15)), ("800000", date(today.year - 1, 6, 1))):
        opportunity = Opportunity.objects.create(
            customer=CustomerFactory(owner=zhangwei), name="智能仓储升级", amount=Decimal(amount),
            expected_close_date=close, closed_on=close, stage=won, primary_owner=zhangwei)
        OpportunityTeamMember.objects.create(opportunity=opportunity, user=zhangwei, is_primary=True)
    return period, region, shanghai, hangzhou


def test_region_manager_allocates_and_reads_attainment(page, live_server):
    _period, region, shanghai, hangzhou = _organisation()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "chenjing")
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_role("button", name="English").click()

    page.get_by_role("link", name="Quotas").first.click()
    expect(page.locator("h1")).to_contain_text("Sales quotas")
    page.get_by_test_id(f"allocate-{region.pk}").click()
    expect(page.get_by_test_id("allocation-title")).to_contain_text("华东区")
    expect(page.get_by_test_id("parent-amount")).to_have_text("¥6,000,000.00")
    # Last year's achievement sits beside the line being allocated.
    expect(page.get_by_test_id(f"line-u{shanghai.pk}")).to_contain_text("800,000")

    page.fill(f"input[name='amount-u{shanghai.pk}']", "3500000")
    page.fill(f"input[name='amount-u{hangzhou.pk}']", "2400000")
    page.get_by_test_id("save-allocation").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("difference")).to_have_text("-¥100,000.00")
    page.fill("input[name='note']", "保留10万元机动指标")
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("acknowledged")).to_contain_text("陈静")
    page.get_by_test_id("submit-allocation").click()
    expect(page.locator(".alert-success")).to_contain_text("submitted")
    assert set(Quota.objects.filter(allocated_from=region).values_list("status", flat=True)) == {"submitted"}

    page.get_by_role("link", name="Attainment").first.click()
    expect(page).to_have_url(re.compile(r"/teams/quotas/dashboard/"))
    expect(page.get_by_test_id("subject-quota")).to_have_text("¥6,000,000.00")
    expect(page.get_by_test_id("subject-won")).to_have_text("¥1,500,000.00")
    expect(page.get_by_test_id("gauge").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("bars").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("attainment-table")).to_contain_text("上海大客户一组")
    expect(page.get_by_test_id("attainment-table")).to_contain_text("42.9%")  # 1.5M of 3.5M
    assert page.console_errors == []  # includes Content-Security-Policy violations
