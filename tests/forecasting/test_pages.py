"""Forecast pages: who sees what (owner, manager, outsider, anonymous), the actions they carry,
query counts, the workbench panel."""

from datetime import date

import pytest
from django.urls import reverse

from forecasting import services
from forecasting.models import ChannelForecast, Forecast, PeriodKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def q(world):
    return f"?period={world.period.pk}"


def submitted(user, period):
    return services.forecast_submit(forecast=services.forecast_create(period=period, by=user), by=user)


def test_anonymous_is_sent_to_login(client, world):
    record = submitted(world.am1, world.period)
    for name, args in [("my-forecast", []), ("team-forecast", []), ("records", []), ("division", []),
                       ("production-plan", []), ("forecast-detail", [record.pk])]:
        response = client.get(reverse(f"forecasting:{name}", args=args))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
    response = client.post(reverse("forecasting:forecast-action", args=[record.pk, "approve"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert Forecast.objects.get(pk=record.pk).status == "submitted"


def test_my_forecast_grid(client, world):
    html = as_user(client, world.am1).get(reverse("forecasting:my-forecast") + q(world)).content.decode()
    for opportunity in (world.o.o1, world.o.o2, world.o.o3, world.o.o4):
        assert f'data-testid="fc-row-{opportunity.pk}"' in html
    assert f'data-testid="fc-row-{world.o.o6.pk}"' not in html  # next quarter
    assert f'data-testid="fc-row-{world.o.o5.pk}"' not in html  # lost: a stage that does not count
    assert world.o.o7.name in html  # shown apart: on the sales team only
    assert f'data-testid="fc-row-{world.o.o7.pk}"' not in html
    assert "170,000.00" in html  # confirmed total (o1 + o2 + o4)


def test_my_forecast_confirm_create_edit_submit(client, world):
    client = as_user(client, world.am1)
    page = reverse("forecasting:my-forecast") + q(world)
    client.post(reverse("forecasting:opportunity-confirm", args=[world.o.o3.pk]), {"confirmed": "1", "next": page})
    world.o.o3.refresh_from_db()
    assert world.o.o3.confirmed
    response = client.post(reverse("forecasting:forecast-create"), {"period": world.period.pk, "next": page})
    assert response.status_code == 302
    record = Forecast.objects.get(owner=world.am1)
    assert record.amount == 200000  # o3 now confirmed
    line = record.lines.get(opportunity=world.o.o3)
    client.post(reverse("forecasting:lines-update", args=[record.pk]), {
        f"amount-{line.pk}": "10000.00", f"category-{line.pk}": "omitted", "lock_version": record.lock_version})
    record.refresh_from_db()
    assert record.amount == 170000 and record.lines.get(pk=line.pk).category == "omitted"
    client.post(reverse("forecasting:forecast-action", args=[record.pk, "submit"]),
                {"lock_version": record.lock_version})
    record.refresh_from_db()
    assert record.status == "submitted"
    # A second submit from a stale page: a message, no error page.
    response = client.post(reverse("forecasting:forecast-action", args=[record.pk, "submit"]), follow=True)
    assert response.status_code == 200
    assert "已经上报" in response.content.decode()


def test_only_the_primary_owner_confirms(client, world):
    as_user(client, world.teamlead).post(reverse("forecasting:opportunity-confirm", args=[world.o.o3.pk]),
                                         {"confirmed": "1"})
    world.o.o3.refresh_from_db()
    assert not world.o.o3.confirmed
    response = as_user(client, world.outsider).post(
        reverse("forecasting:opportunity-confirm", args=[world.o.o3.pk]), {"confirmed": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("am1", 200), ("teamlead", 200), ("divhead", 200), ("admin", 200),
                                             ("am2", 404), ("regional2", 404), ("outsider", 404)])
def test_record_page_visibility(client, world, who, status):
    record = submitted(world.am1, world.period)
    response = as_user(client, getattr(world, who)).get(reverse("forecasting:forecast-detail", args=[record.pk]))
    assert response.status_code == status
    listed = client.get(reverse("forecasting:records") + q(world)).content.decode()
    assert (record.get_absolute_url() in listed) is (status == 200)


def test_record_page_shows_trail_and_actions(client, world):
    record = submitted(world.am1, world.period)
    html = as_user(client, world.teamlead).get(record.get_absolute_url()).content.decode()
    assert 'data-testid="fc-approve"' in html and 'data-testid="fc-trail"' in html
    response = client.post(reverse("forecasting:forecast-action", args=[record.pk, "return"]), {"reason": ""},
                           follow=True)
    assert "请填写退回的原因" in response.content.decode()
    client.post(reverse("forecasting:forecast-action", args=[record.pk, "return"]), {"reason": "请补充 o3"})
    record.refresh_from_db()
    assert record.status == "returned"
    html = as_user(client, world.am1).get(record.get_absolute_url()).content.decode()
    assert "请补充 o3" in html and 'data-testid="fc-approve"' not in html


def test_revise_from_the_page_needs_a_reason(client, world):
    record = services.forecast_create(period=world.period, by=world.teamlead)
    client = as_user(client, world.teamlead)
    client.post(reverse("forecasting:forecast-action", args=[record.pk, "revise"]), {"amount": "1.00"})
    record.refresh_from_db()
    assert record.amount == 25000 and not record.revised
    client.post(reverse("forecasting:forecast-action", args=[record.pk, "revise"]),
                {"amount": "30000.00", "reason": "客户追加", "lock_version": record.lock_version})
    record.refresh_from_db()
    assert record.amount == 30000 and record.revised


def test_team_page_rows_and_drill_down(client, world):
    submitted(world.am1, world.period)
    services.forecast_create(period=world.period, by=world.am2)
    html = as_user(client, world.regional).get(reverse("forecasting:team-forecast") + q(world)).content.decode()
    assert f'data-testid="fc-team-row-{world.teamlead.pk}"' in html
    assert f'data-testid="fc-team-row-{world.teamlead2.pk}"' in html
    assert f'data-testid="fc-drill-{world.teamlead.pk}"' in html
    assert "385,000.00" in html  # the region's pipeline
    drill = client.get(reverse("forecasting:team-forecast") + q(world) + f"&person={world.teamlead.pk}")
    html = drill.content.decode()
    assert drill.status_code == 200
    assert f'data-testid="fc-team-row-{world.am1.pk}"' in html and "170,000.00" in html
    assert f'data-testid="fc-approve-{world.am1.pk}"' in html  # submitted: the region manager may decide
    assert f'data-testid="fc-approve-{world.am2.pk}"' not in html  # a draft


def test_team_page_drill_outside_subtree_is_404(client, world):
    url = reverse("forecasting:team-forecast") + q(world) + f"&person={world.am1.pk}"
    assert as_user(client, world.regional2).get(url).status_code == 404
    assert as_user(client, world.am2).get(url).status_code == 404
    assert as_user(client, world.outsider).get(url).status_code == 404
    assert as_user(client, world.divhead).get(url).status_code == 200


def test_team_page_query_count_is_constant(client, world, django_assert_max_num_queries):
    for number in range(25):
        person = UserFactory(username=f"bulk{number}", manager=world.teamlead, org_unit=world.team)
        services.forecast_submit(forecast=services.forecast_create(period=world.period, by=person), by=person)
    client = as_user(client, world.teamlead)
    url = reverse("forecasting:team-forecast") + q(world)
    client.get(url)
    # 18 with the machine forecast (insights' provider: the latest model and one sum for the whole subtree).
    with django_assert_max_num_queries(18):
        response = client.get(url)
    assert response.status_code == 200


def test_division_page_own_vs_channel(client, world):
    record = submitted(world.am1, world.period)
    services.forecast_approve(forecast=record, by=world.teamlead)
    ChannelForecast.objects.create(period=world.period, org_unit=world.division, partner_name="华东分销",
                                   product=world.p1, quantity=5, amount=90000)
    html = as_user(client, world.divhead).get(reverse("forecasting:division") + q(world)).content.decode()
    assert "华东分销" in html
    # Own P1 = o1 100,000 + o4 20,000; channel 90,000; difference 30,000. Own P2 = 50,000.
    assert "120,000.00" in html and "90,000.00" in html and "30,000.00" in html
    assert as_user(client, world.regional).get(reverse("forecasting:division") + q(world)).status_code == 404
    assert as_user(client, world.am1).get(reverse("forecasting:division") + q(world)).status_code == 404
    assert as_user(client, world.head).get(reverse("forecasting:division") + q(world)).status_code == 200


def test_division_page_imports_channel_file(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.csv", "partner,product,quantity,amount\n华南分销,P2,2,30000\n".encode())
    client = as_user(client, world.divhead)
    response = client.post(reverse("forecasting:channel-import"), {"period": world.period.pk,
                                                                    "unit": world.division.pk, "file": upload})
    assert response.status_code == 302
    assert ChannelForecast.objects.get().partner_name == "华南分销"
    upload = SimpleUploadedFile("c.csv", b"partner,product,amount\nX,P2,1\n")
    response = as_user(client, world.regional).post(reverse("forecasting:channel-import"), {
        "period": world.period.pk, "unit": world.division.pk, "file": upload})
    assert response.status_code == 404


def test_production_plan_page_and_csv(client, world):
    record = submitted(world.am2, world.period)
    services.forecast_approve(forecast=record, by=world.teamlead)
    client = as_user(client, world.divhead)
    html = client.get(reverse("forecasting:production-plan") + q(world)).content.decode()
    assert "2026-06" in html and "80,000.00" in html
    response = client.get(reverse("forecasting:production-plan") + q(world) + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "P1,数控加工中心,2026-06,8.00,80000.00" in response.content.decode("utf-8-sig")
    outsider = as_user(client, world.outsider).get(reverse("forecasting:production-plan") + q(world) + "&format=csv")
    assert "80000.00" not in outsider.content.decode("utf-8-sig")


def test_pages_in_english(client, world):
    world.am1.language = "en"
    world.am1.save()
    html = as_user(client, world.am1).get(reverse("forecasting:my-forecast") + q(world)).content.decode()
    assert "My forecast" in html and "Commit" in html


def test_no_period_page(client, db):
    user = UserFactory(username="lonely")
    response = as_user(client, user).get(reverse("forecasting:my-forecast"))
    assert response.status_code == 200 and 'data-testid="no-period"' in response.content.decode()
    assert client.get(reverse("forecasting:my-forecast") + "?period=99999").status_code == 404
    assert client.get(reverse("forecasting:my-forecast") + "?period=abc").status_code == 404


def test_workbench_panel(client, world):
    import time_machine

    submitted(world.am1, world.period)
    with time_machine.travel(date(2026, 4, 3)):
        html = as_user(client, world.teamlead).get(reverse("home")).content.decode()
        assert 'data-testid="fc-workbench"' in html
        assert "1 份记录等待我批准" in html and world.am1.display_name in html
        html = as_user(client, world.am1).get(reverse("home")).content.decode()
        assert "2026-04-05" in html  # the account managers' deadline


def test_workbench_panel_without_periods(client, db):
    from forecasting.selectors import workbench_panel

    assert workbench_panel(UserFactory(username="nobody")) is None


def test_month_periods_are_chosen_first(world):
    from forecasting.selectors import current_period

    month = services.period_create(kind=PeriodKind.MONTH, start=date(2026, 4, 1), by=None)
    assert current_period(viewer=world.am1, today=date(2026, 4, 10)) == month
    services.forecast_create(period=world.period, by=world.am1)  # working on the quarter
    assert current_period(viewer=world.am1, today=date(2026, 4, 10)) == world.period


def test_workbench_panel_flags_a_missed_deadline(client, world):
    import time_machine

    submitted(world.am1, world.period)
    with time_machine.travel(date(2026, 4, 3)):  # before the account managers' deadline (04-05)
        assert 'data-testid="fc-overdue"' not in as_user(client, world.am2).get(reverse("home")).content.decode()
    with time_machine.travel(date(2026, 4, 8)):
        # Nothing reported: late. Submitted: not late.
        assert 'data-testid="fc-overdue"' in as_user(client, world.am2).get(reverse("home")).content.decode()
        assert 'data-testid="fc-overdue"' not in as_user(client, world.am1).get(reverse("home")).content.decode()


def test_a_level_that_passes_through_is_labelled_in_chinese(client, world):
    from forecasting.models import ForecastRule

    ForecastRule.objects.filter(period__isnull=True).update(levels=["account_manager", "region", "division"])
    html = as_user(client, world.regional).get(reverse("forecasting:team-forecast") + q(world)).content.decode()
    assert "直接汇总下级" in html and "passes through" not in html


def test_submit_sends_the_amounts_on_screen(client, world):
    """Submit without saving first: the record submitted holds the amounts in the grid, never the old ones."""
    client = as_user(client, world.am1)
    page = reverse("forecasting:my-forecast") + q(world)
    record = services.forecast_create(period=world.period, by=world.am1)  # o1 + o2 + o4 = 170,000
    html = client.get(page).content.decode()
    # The submit button sends the grid's form (its amounts and categories), not a form of its own.
    submit_url = reverse("forecasting:forecast-action", args=[record.pk, "submit"])
    assert f'form="fc-lines-form" formaction="{submit_url}"' in html
    line = record.lines.get(opportunity=world.o.o1)
    other = record.lines.get(opportunity=world.o.o2)
    response = client.post(submit_url, {
        f"amount-{line.pk}": "70000.00", f"category-{line.pk}": "commit",
        f"amount-{other.pk}": "50000.00", f"category-{other.pk}": "best_case",
        "lock_version": record.lock_version, "next": page}, follow=True)
    assert response.status_code == 200
    record.refresh_from_db()
    assert (record.status, record.amount, record.commit_amount) == ("submitted", 140000, 90000)
    assert record.lines.get(pk=line.pk).amount == 70000
    kinds = list(record.events.order_by("at", "id").values_list("kind", "amount_after"))
    assert kinds[-2:] == [("lines_changed", 140000), ("submitted", 140000)]


def test_submit_without_changes_adds_no_lines_event(world):
    record = services.forecast_create(period=world.period, by=world.am1)
    unchanged = [{"id": line.pk, "amount": str(line.amount), "category": line.category} for line in record.lines.all()]
    services.forecast_submit(forecast=record, by=world.am1, lock_version=record.lock_version, lines=unchanged)
    assert list(record.events.values_list("kind", flat=True)) == ["created", "submitted"]


def test_submit_with_a_bad_amount_submits_nothing(client, world):
    client = as_user(client, world.am1)
    record = services.forecast_create(period=world.period, by=world.am1)
    line = record.lines.first()
    response = client.post(reverse("forecasting:forecast-action", args=[record.pk, "submit"]), {
        f"amount-{line.pk}": "-5", "lock_version": record.lock_version}, follow=True)
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status == "draft" and record.amount == 170000
    assert "alert-danger" in response.content.decode()


def test_summary_after_submitting_is_the_submitted_record(client, world):
    """After submitting an edited amount, the cards show the record's figures, labelled with its version,
    apart from the opportunities' own figure (which is not what was submitted)."""
    client = as_user(client, world.am1)
    record = services.forecast_create(period=world.period, by=world.am1)
    line = record.lines.get(opportunity=world.o.o1)
    services.forecast_set_lines(forecast=record, by=world.am1, lines=[{"id": line.pk, "amount": "70000.00"}])
    services.forecast_submit(forecast=record, by=world.am1)
    html = client.get(reverse("forecasting:my-forecast") + q(world)).content.decode()
    total = html.split('data-testid="fc-total"')[1].split("</div>")[0]
    assert "140,000.00" in total  # the record, not 170,000.00 from the opportunities
    assert "已上报第 1 版" in html
    opportunities = html.split('data-testid="fc-opportunities-total"')[1].split("</div>")[0]
    assert "170,000.00" in opportunities
    # The grid shows the submitted line amounts too.
    row = html.split(f'data-testid="fc-row-{world.o.o1.pk}"')[1].split("</tr>")[0]
    assert "70,000.00" in row and "100,000.00" in row  # forecast amount beside the opportunity amount


def test_my_forecast_says_the_deadline_has_passed(client, world):
    import time_machine

    submitted(world.am1, world.period)
    page = reverse("forecasting:my-forecast") + q(world)
    with time_machine.travel(date(2026, 4, 5)):  # the account managers' deadline day itself: not passed
        assert 'data-testid="fc-deadline-passed"' not in as_user(client, world.am2).get(page).content.decode()
    with time_machine.travel(date(2026, 4, 8)):
        html = as_user(client, world.am2).get(page).content.decode()
        # Nothing reported: one red badge, not a grey one beside it.
        assert 'data-testid="fc-overdue"' in html and 'data-testid="fc-deadline-passed"' not in html
        html = as_user(client, world.am1).get(page).content.decode()
        assert 'data-testid="fc-deadline-passed"' in html and "截止日期已过" in html
        assert 'data-testid="fc-overdue"' not in html


def test_workbench_says_the_deadline_has_passed_after_submitting(client, world):
    import time_machine

    submitted(world.am1, world.period)
    with time_machine.travel(date(2026, 4, 8)):
        html = as_user(client, world.am1).get(reverse("home")).content.decode()
        assert 'data-testid="fc-deadline-passed"' in html and 'data-testid="fc-overdue"' not in html
