"""Journey: an account manager confirms an opportunity, makes and submits the forecast; the
manager sees it on the team forecast and approves it."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forecasting.models import Forecast, PeriodKind
from forecasting.services import period_ensure
from tests.factories import (
    TEST_PASSWORD,
    CustomerFactory,
    ManagerFactory,
    OpportunityFactory,
    OrgUnitFactory,
    UserFactory,
    ensure_forecast_config,
    stage,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("greeting")).to_be_visible()


def test_account_manager_submits_manager_approves(page, live_server):
    ensure_forecast_config()
    team = OrgUnitFactory(name="上海大客户一组")
    boss = ManagerFactory(username="liqiang", display_name="李强", org_unit=team)
    team.manager = boss
    team.save()
    am = UserFactory(username="zhangwei", display_name="张伟", manager=boss, org_unit=team)
    today = timezone.localdate()
    period_ensure(kind=PeriodKind.QUARTER, day=today)
    month = period_ensure(kind=PeriodKind.MONTH, day=today)
    opportunity = OpportunityFactory(primary_owner=am, customer=CustomerFactory(owner=am, name="华远精密机械有限公司"),
                                     name="华远二期产线改造", stage=stage("07"), amount=Decimal("880000.00"),
                                     expected_close_date=today)
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, live_server, "zhangwei")
    page.goto(f"{live_server.url}/forecasts/")
    expect(page.locator("h1")).to_contain_text("我的预测")
    row = page.get_by_test_id(f"fc-row-{opportunity.pk}")
    expect(row).to_contain_text("华远二期产线改造")
    expect(page.get_by_test_id("fc-total")).to_have_text("¥0.00")  # not confirmed yet
    page.get_by_test_id(f"fc-confirm-{opportunity.pk}").click()
    expect(page.get_by_test_id("fc-total")).to_have_text("¥880,000.00")

    page.get_by_test_id("fc-create").click()
    expect(page.locator(".alert-success")).to_contain_text("已新建预测记录第 1 版")
    page.get_by_test_id(f"fc-amount-{opportunity.pk}").fill("800000")
    page.get_by_test_id("fc-save-lines").click()
    expect(page.get_by_test_id("fc-total")).to_have_text("¥800,000.00")
    page.get_by_test_id("fc-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("预测已上报")
    expect(page.get_by_test_id("fc-my-records")).to_contain_text("已上报")
    assert page.console_errors == []

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/"))

    sign_in(page, live_server, "liqiang")
    expect(page.get_by_test_id("fc-workbench")).to_contain_text("1 份记录等待我批准")
    page.goto(f"{live_server.url}/forecasts/team/")
    team_row = page.get_by_test_id(f"fc-team-row-{am.pk}")
    expect(team_row).to_contain_text("800,000.00")
    expect(team_row).to_contain_text("已上报")
    page.get_by_test_id(f"fc-approve-{am.pk}").click()
    expect(page.locator(".alert-success")).to_contain_text("预测已批准")
    expect(page.get_by_test_id(f"fc-team-row-{am.pk}")).to_contain_text("已批准")
    record = Forecast.objects.get(owner=am, period=month)
    assert (record.status, record.amount, record.decided_by_id) == ("approved", Decimal("800000.00"), boss.pk)
    assert page.console_errors == []  # includes Content-Security-Policy violations


def test_submit_without_saving_submits_the_amount_on_screen(page, live_server):
    """Change a line's amount and press submit without saving: the record submitted holds the new
    amount, and the summary cards then show that record, named by its status and version."""
    ensure_forecast_config()
    team = OrgUnitFactory(name="上海大客户一组")
    boss = ManagerFactory(username="liqiang", display_name="李强", org_unit=team)
    am = UserFactory(username="zhangwei", display_name="张伟", manager=boss, org_unit=team)
    today = timezone.localdate()
    month = period_ensure(kind=PeriodKind.MONTH, day=today)
    opportunity = OpportunityFactory(primary_owner=am, customer=CustomerFactory(owner=am, name="华远精密机械有限公司"),
                                     name="华远二期产线改造", stage=stage("07"), amount=Decimal("2800000.00"),
                                     expected_close_date=today, confirmed=True)
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, live_server, "zhangwei")
    page.goto(f"{live_server.url}/forecasts/?period={month.pk}")
    page.get_by_test_id("fc-create").click()
    expect(page.locator(".alert-success")).to_contain_text("已新建预测记录第 1 版")
    page.get_by_test_id(f"fc-amount-{opportunity.pk}").fill("2500000")
    page.get_by_test_id("fc-submit").click()  # no "save" first
    expect(page.locator(".alert-success")).to_contain_text("预测已上报")
    record = Forecast.objects.get(owner=am, period=month)
    assert (record.status, record.amount) == ("submitted", Decimal("2500000.00"))
    expect(page.get_by_test_id("fc-summary-label")).to_contain_text("已上报第 1 版")
    expect(page.get_by_test_id("fc-total")).to_have_text("¥2,500,000.00")
    expect(page.get_by_test_id("fc-opportunities-total")).to_have_text("¥2,800,000.00")
    expect(page.get_by_test_id(f"fc-row-{opportunity.pk}")).to_contain_text("2,500,000.00")
    assert page.console_errors == []
