"""The opportunity pages: every page for owner, team member, manager, outsider (404) and
anonymous (login), the forms behind the tabs, and constant queries on the list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from opportunities.models import ActionPlan, Activity, Opportunity, OwnerChange
from tests.factories import ActivityFactory, ContactFactory, OpportunityFactory, UserFactory, stage

pytestmark = pytest.mark.django_db

TABS = ["lines", "team", "assessment", "activities", "history"]


def detail_url(opportunity, tab="lines"):
    return reverse("opportunities:opportunity-detail", args=[opportunity.pk]) + f"?tab={tab}"


def page_urls(opportunity, activity):
    return [
        reverse("opportunities:opportunity-list"),
        reverse("opportunities:agenda"),
        reverse("opportunities:opportunity-new"),
        *[detail_url(opportunity, tab) for tab in TABS],
        reverse("opportunities:opportunity-edit", args=[opportunity.pk]),
        reverse("opportunities:activity-new") + f"?opportunity={opportunity.pk}",
        reverse("opportunities:activity-edit", args=[activity.pk]),
    ]


def test_anonymous_is_sent_to_login(client, opportunity):
    activity = ActivityFactory(opportunity=opportunity)
    for url in page_urls(opportunity, activity):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))
    response = client.post(reverse("opportunities:change-owner", args=[opportunity.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["owner", "presales", "manager", "director", "admin_user"])
def test_pages_open_for_those_who_see_it(request, client, opportunity, presales, who):
    activity = ActivityFactory(opportunity=opportunity)
    client.force_login(request.getfixturevalue(who))
    for url in page_urls(opportunity, activity):
        response = client.get(url)
        if url.endswith("/edit/") and who == "presales":
            # A team member edits neither the opportunity nor someone else's activity: told so there.
            assert response.status_code == 302
            continue
        assert response.status_code == 200, url


def test_outsider_gets_404_on_every_page_and_action(client, outsider, opportunity):
    activity = ActivityFactory(opportunity=opportunity)
    client.force_login(outsider)
    for url in page_urls(opportunity, activity)[3:]:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("opportunities:opportunity-confirm", args=[opportunity.pk]),
        reverse("opportunities:line-add", args=[opportunity.pk]),
        reverse("opportunities:team-add", args=[opportunity.pk]),
        reverse("opportunities:team-remove", args=[opportunity.pk, opportunity.primary_owner_id]),
        reverse("opportunities:change-owner", args=[opportunity.pk]),
        reverse("opportunities:assess", args=[opportunity.pk]),
        reverse("opportunities:plan-add", args=[opportunity.pk]),
        reverse("opportunities:activity-done", args=[activity.pk]),
    ]
    for url in posts:
        assert client.post(url, {"new_owner": outsider.pk}).status_code == 404, url
    html = client.get(reverse("opportunities:opportunity-list")).content.decode()
    assert opportunity.name not in html
    assert client.get(reverse("opportunities:opportunity-new") + f"?customer={opportunity.customer_id}"
                      ).status_code == 404
    options = client.get(reverse("opportunities:customer-options"), {"q": "华远"}).content.decode()
    assert opportunity.customer.name not in options


def test_list_shows_rows_filters_and_totals(client, owner, manager, teammate):
    OpportunityFactory(primary_owner=owner, name="甲项目", amount=Decimal("1200000.00"), stage=stage("05"),
                       high_value=True)
    OpportunityFactory(primary_owner=teammate, name="乙项目", amount=Decimal("800000.00"))
    client.force_login(manager)
    html = client.get(reverse("opportunities:opportunity-list")).content.decode()
    assert "甲项目" in html and "乙项目" in html
    assert "2,000,000.00" in html
    html = client.get(reverse("opportunities:opportunity-list"), {"stage": "05"}).content.decode()
    assert "甲项目" in html and "乙项目" not in html
    html = client.get(reverse("opportunities:opportunity-list"), {"high_value": "false"}).content.decode()
    assert "甲项目" not in html and "乙项目" in html
    html = client.get(reverse("opportunities:opportunity-list"), {"owner": teammate.pk}).content.decode()
    assert "甲项目" not in html and "乙项目" in html
    html = client.get(reverse("opportunities:opportunity-list"), {"ordering": "-amount"}).content.decode()
    assert html.index("甲项目") < html.index("乙项目")
    html = client.get(reverse("opportunities:opportunity-list"), {"ordering": "amount"}).content.decode()
    assert html.index("乙项目") < html.index("甲项目")
    response = client.get(reverse("opportunities:opportunity-list"), {"close_after": "nonsense"})
    assert response.status_code == 200  # a bad filter shows a message, never an error page


def test_the_owner_filter_offers_my_subtree_by_name_with_the_chosen_one_selected(client, manager, owner, teammate,
                                                                                outsider):
    client.force_login(manager)
    url = reverse("opportunities:opportunity-list")
    html = client.get(url, {"owner": owner.pk}).content.decode()
    select = html[html.index('<select name="owner"'):]
    select = select[:select.index("</select>")]
    assert 'class="form-select form-select-sm" id="f-owner"' in select
    assert f'<option value="{owner.pk}" selected>{owner}</option>' in select
    assert f'<option value="{teammate.pk}">{teammate}</option>' in select
    assert f'value="{outsider.pk}"' not in select and select.count(" selected") == 1
    assert '<option value="">我可见的所有人</option>' in select  # translated, as before


def test_list_pages_and_constant_queries(client, owner, manager, django_assert_max_num_queries):
    client.force_login(manager)
    for _ in range(3):
        OpportunityFactory(primary_owner=owner)
    url = reverse("opportunities:opportunity-list")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(40):
        OpportunityFactory(primary_owner=owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"page": 2})
    html = response.content.decode()
    assert "43" in html and 'rel="prev"' in html


def test_detail_tabs_constant_queries(client, owner, opportunity, presales, product,
                                      django_assert_max_num_queries):
    from opportunities import services

    def add_one_of_each(index):
        services.line_add(opportunity=opportunity, by=owner, data={"product": product, "quantity": "1"})
        ActivityFactory(opportunity=opportunity).participants.add(presales)
        services.team_member_add(opportunity=opportunity, user=UserFactory(), role="service", by=owner)
        services.opportunity_assess(opportunity=opportunity, answers={f"q{n}": n <= index for n in range(1, 21)},
                                    by=owner)

    client.force_login(owner)
    add_one_of_each(1)
    counts = {}
    for tab in TABS:
        with django_assert_max_num_queries(40) as captured:
            client.get(detail_url(opportunity, tab))
        counts[tab] = len(captured.captured_queries)
    for index in range(6):
        add_one_of_each(index)
    for tab in TABS:
        with django_assert_max_num_queries(counts[tab]):
            assert client.get(detail_url(opportunity, tab)).status_code == 200


def test_header_shows_stage_path_amount_owner_and_score(client, owner, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(stage=stage("03"), assessment_score=12, high_value=True)
    client.force_login(owner)
    html = client.get(detail_url(opportunity)).content.decode()
    # The funnel's stage path: 01-07 plus the close, the current stage marked.
    assert html.count('class="fn-path-step') == 8
    assert 'aria-current="step"' in html
    assert 'data-testid="move-05"' in html  # one click moves (the funnel's move page)
    assert "12/20" in html
    assert "100,000.00" in html
    assert str(owner) in html


def test_create_from_the_customer_page(client, owner, customer):
    client.force_login(owner)
    url = reverse("opportunities:opportunity-new") + f"?customer={customer.pk}"
    html = client.get(url).content.decode()
    assert customer.name in html
    close = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(url, {"customer": customer.pk, "name": "三期扩建", "stage": stage("02").pk,
                                 "primary_owner": owner.pk, "expected_close_date": close, "source": "manual",
                                 "competitors": "西门子, 发那科", "amount": "500000"})
    opportunity = Opportunity.objects.get(name="三期扩建")
    assert response.status_code == 302 and response.url.startswith(detail_url(opportunity).split("?")[0])
    assert (opportunity.primary_owner, opportunity.stage.code, opportunity.competitors) == (owner, "02",
                                                                                            ["西门子", "发那科"])


def test_new_opportunity_form_errors(client, owner, teammate, customer):
    client.force_login(owner)
    url = reverse("opportunities:opportunity-new")
    response = client.post(url, {"customer": customer.pk, "name": "", "stage": stage().pk,
                                 "primary_owner": teammate.pk, "expected_close_date": "", "source": "manual"})
    assert response.status_code == 400
    assert not Opportunity.objects.exists()
    assert set(response.context["form"].errors) >= {"name", "expected_close_date", "primary_owner"}


def test_customer_search_options(client, owner, customer):
    client.force_login(owner)
    html = client.get(reverse("opportunities:customer-options"), {"q": "精密"}).content.decode()
    assert customer.name in html
    html = client.get(reverse("opportunities:customer-options"), {"q": "没有这个"}).content.decode()
    assert customer.name not in html


def test_lines_tab_forms(client, owner, presales, opportunity, product):
    client.force_login(owner)
    client.post(reverse("opportunities:line-add", args=[opportunity.pk]),
                {"product": product.pk, "quantity": "2", "unit_price": "1234.56", "discount": "10"})
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("2222.21")
    line = opportunity.lines.get()
    client.post(reverse("opportunities:line-edit", args=[opportunity.pk, line.pk]),
                {"product": product.pk, "quantity": "1", "unit_price": "100", "discount": "0"})
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("100.00")
    response = client.post(reverse("opportunities:line-add", args=[opportunity.pk]),
                           {"product": product.pk, "quantity": "1", "discount": "150"}, follow=True)
    assert opportunity.lines.count() == 1
    assert response.context["messages"]
    client.force_login(presales)
    response = client.post(reverse("opportunities:line-delete", args=[opportunity.pk, line.pk]), follow=True)
    assert opportunity.lines.count() == 1  # refused, with a message
    assert any(m.level_tag == "error" for m in response.context["messages"])
    client.force_login(owner)
    client.post(reverse("opportunities:line-delete", args=[opportunity.pk, line.pk]))
    assert opportunity.lines.count() == 0


def test_team_tab_add_remove_and_change_owner(client, owner, manager, teammate, presales, opportunity):
    client.force_login(owner)
    html = client.get(detail_url(opportunity, "team")).content.decode()
    assert 'data-testid="team-form"' in html and 'data-testid="owner-form"' not in html
    newcomer = UserFactory(username="newcomer")
    client.post(reverse("opportunities:team-add", args=[opportunity.pk]), {"user": newcomer.pk, "role": "solution"})
    assert opportunity.team.filter(user=newcomer, role="solution").exists()
    client.post(reverse("opportunities:team-remove", args=[opportunity.pk, newcomer.pk]))
    assert not opportunity.team.filter(user=newcomer).exists()
    response = client.post(reverse("opportunities:change-owner", args=[opportunity.pk]),
                           {"new_owner": teammate.pk, "expected_owner": owner.pk}, follow=True)
    assert not OwnerChange.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])

    client.force_login(manager)
    html = client.get(detail_url(opportunity, "team")).content.decode()
    assert 'data-testid="owner-form"' in html
    client.post(reverse("opportunities:change-owner", args=[opportunity.pk]),
                {"new_owner": teammate.pk, "expected_owner": owner.pk, "reason": "客户要求"})
    opportunity.refresh_from_db()
    assert opportunity.primary_owner == teammate
    response = client.post(reverse("opportunities:change-owner", args=[opportunity.pk]),
                           {"new_owner": manager.pk, "expected_owner": owner.pk}, follow=True)
    opportunity.refresh_from_db()
    assert opportunity.primary_owner == teammate  # the form was stale: refused, with a message
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_confirm_button_for_the_owner_only(client, owner, manager, opportunity):
    client.force_login(manager)
    assert 'data-testid="confirm"' not in client.get(detail_url(opportunity)).content.decode()
    client.post(reverse("opportunities:opportunity-confirm", args=[opportunity.pk]), {"confirmed": "1"})
    opportunity.refresh_from_db()
    assert not opportunity.confirmed
    client.force_login(owner)
    assert 'data-testid="confirm"' in client.get(detail_url(opportunity)).content.decode()
    client.post(reverse("opportunities:opportunity-confirm", args=[opportunity.pk]), {"confirmed": "1"})
    opportunity.refresh_from_db()
    assert opportunity.confirmed


def test_assessment_tab_form(client, presales, opportunity):
    client.force_login(presales)
    html = client.get(detail_url(opportunity, "assessment")).content.decode()
    assert html.count('type="radio"') == 40
    answers = {f"q{n}": "yes" if n <= 11 else "no" for n in range(1, 21)}
    client.post(reverse("opportunities:assess", args=[opportunity.pk]), answers)
    opportunity.refresh_from_db()
    assert (opportunity.assessment_score, opportunity.high_value) == (11, True)
    del answers["q20"]
    response = client.post(reverse("opportunities:assess", args=[opportunity.pk]), answers, follow=True)
    assert any("q20" in str(m) for m in response.context["messages"])
    html = client.get(detail_url(opportunity, "assessment")).content.decode()
    assert 'id="q1-yes" value="yes" checked' in html  # the form starts from the latest answers


def test_activities_tab_plan_and_steps(client, owner, presales, opportunity):
    client.force_login(owner)
    client.post(reverse("opportunities:plan-add", args=[opportunity.pk]), {"name": "投标冲刺", "goal": "入围"})
    plan = ActionPlan.objects.get()
    client.post(reverse("opportunities:plan-step-add", args=[plan.pk]),
                {"kind": "demo", "subject": "现场演示", "owner": presales.pk, "due_at": "2026-12-03T14:00"})
    step = plan.steps.get()
    assert (step.sequence, step.owner, step.opportunity) == (1, presales, opportunity)
    html = client.get(detail_url(opportunity, "activities")).content.decode()
    assert "投标冲刺" in html and "现场演示" in html


def test_log_edit_and_complete_an_activity(client, owner, presales, opportunity):
    contact = ContactFactory(customer=opportunity.customer, name="李总工")
    client.force_login(owner)
    url = reverse("opportunities:activity-new")
    response = client.post(url, {"opportunity": opportunity.pk, "kind": "meeting", "subject": "技术交流会",
                                 "due_at": "2026-12-02T09:30", "owner": owner.pk, "participants": [presales.pk],
                                 "contacts": [contact.pk], "location": "客户总部"})
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.customer, list(activity.contacts.all()), list(activity.participants.all())) == (
        opportunity.customer, [contact], [presales])
    assert timezone.localtime(activity.due_at).strftime("%H:%M") == "09:30"
    response = client.post(reverse("opportunities:activity-edit", args=[activity.pk]), {
        "kind": "meeting", "subject": "技术交流会(改期)", "due_at": "2026-12-03T09:30", "owner": owner.pk,
        "done": "on", "outcome": "确认需求"})
    activity.refresh_from_db()
    assert activity.subject == "技术交流会(改期)" and activity.is_done and activity.outcome == "确认需求"
    other = ActivityFactory(opportunity=opportunity)
    client.post(reverse("opportunities:activity-done", args=[other.pk]), {"outcome": "完成"})
    other.refresh_from_db()
    assert other.is_done


def test_activity_for_a_customer_without_opportunity(client, owner, customer):
    client.force_login(owner)
    url = reverse("opportunities:activity-new") + f"?customer={customer.pk}"
    assert client.get(url).status_code == 200
    client.post(reverse("opportunities:activity-new"), {"customer": customer.pk, "kind": "call", "subject": "回访",
                                                        "due_at": "2026-12-02T09:30", "owner": owner.pk})
    assert Activity.objects.get().opportunity is None
    assert client.get(reverse("opportunities:activity-new")).status_code == 400


def test_agenda_page(client, owner, manager, opportunity):
    ActivityFactory(opportunity=opportunity, owner=owner, subject="周会", due_at=timezone.now())
    client.force_login(owner)
    html = client.get(reverse("opportunities:agenda")).content.decode()
    assert "周会" in html
    client.force_login(manager)
    assert "周会" not in client.get(reverse("opportunities:agenda")).content.decode()
    html = client.get(reverse("opportunities:agenda"), {"scope": "team"}).content.decode()
    assert "周会" in html
    next_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert "周会" not in client.get(reverse("opportunities:agenda"), {"scope": "team", "week": next_week}
                                    ).content.decode()
    assert client.get(reverse("opportunities:agenda"), {"week": "garbage"}).status_code == 200


def test_workbench_panel_on_the_home_page(client, owner, opportunity):
    ActivityFactory(opportunity=opportunity, owner=owner, subject="今日拜访", due_at=timezone.now())
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="opportunities-panel"' in html
    assert "今日拜访" in html or timezone.localtime().hour >= 23


def test_history_tab_shows_changes_and_owner_changes(client, manager, teammate, opportunity):
    from opportunities import services

    services.opportunity_update(opportunity=opportunity, by=manager, data={"name": "新名字"})
    services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=manager, reason="调整分工")
    client.force_login(manager)
    html = client.get(detail_url(opportunity, "history")).content.decode()
    assert "新名字" in html and "调整分工" in html and str(teammate) in html


def test_history_shows_an_owner_change_once(client, manager, teammate, opportunity):
    """The model history and the owner-change record tell the same change: the timeline shows it once."""
    from opportunities import selectors, services

    services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=manager, reason="调整分工")
    entries = selectors.opportunity_timeline(opportunity=opportunity)
    telling = [entry for entry in entries if any(new == str(teammate) for _label, _old, new in entry.changes)]
    assert len(telling) == 1 and telling[0].kind == "owner" and telling[0].note == "调整分工"
    client.force_login(manager)
    html = client.get(detail_url(opportunity, "history")).content.decode()
    assert html.count("调整分工") == 1


def test_history_keeps_what_else_an_owner_change_changed(manager, teammate, opportunity):
    """The owner change is told by its audit row; the same save also cleared `confirmed`, which only the model
    history tells: it is shown, not dropped with the owner."""
    from django.utils.text import capfirst

    from opportunities import selectors, services
    from opportunities.models import Opportunity

    opportunity.confirmed = True
    opportunity.save()  # a history record with confirmed = yes
    services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=manager, reason="调整分工")
    entries = selectors.opportunity_timeline(opportunity=opportunity)
    confirmed = capfirst(str(Opportunity._meta.get_field("confirmed").verbose_name))
    told = [(old, new) for entry in entries for label, old, new in entry.changes if label == confirmed]
    assert len(told) == 2  # set by hand, then cleared by the owner change (it was dropped with the owner)
    assert sum(1 for entry in entries if entry.note == "调整分工") == 1


def test_edit_page(client, owner, opportunity):
    client.force_login(owner)
    url = reverse("opportunities:opportunity-edit", args=[opportunity.pk])
    response = client.post(url, {"name": "改过的名字", "amount": "300000", "expected_close_date": "2027-03-31",
                                 "source": "channel", "competitors": "甲, 乙", "description": "说明"})
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.amount, opportunity.source, opportunity.competitors) == (
        "改过的名字", Decimal("300000.00"), "channel", ["甲", "乙"])


def test_pages_render_in_english(client, owner, opportunity):
    owner.language = "en"
    owner.save()
    client.force_login(owner)
    html = client.get(detail_url(opportunity, "assessment")).content.decode()
    assert "Can we win?" in html and "Are the customer&#x27;s application and solution clear?" in html


def test_outsider_gets_404_on_line_and_plan_step_actions(client, outsider, owner, opportunity, product):
    from opportunities import services

    line = services.line_add(opportunity=opportunity, by=owner,
                             data={"product": product, "quantity": Decimal("1"), "discount": 0})
    plan = services.action_plan_create(opportunity=opportunity, name="Plan", by=owner)
    client.force_login(outsider)
    for url in [reverse("opportunities:line-edit", args=[opportunity.pk, line.pk]),
                reverse("opportunities:line-delete", args=[opportunity.pk, line.pk]),
                reverse("opportunities:plan-step-add", args=[plan.pk])]:
        assert client.post(url, {"quantity": "2", "subject": "x"}).status_code == 404, url
    assert opportunity.lines.filter(pk=line.pk, quantity=Decimal("1")).exists()
    assert not Activity.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
def test_agenda_at_the_calendar_edges_shows_this_week(client, owner, week):
    client.force_login(owner)
    response = client.get(reverse("opportunities:agenda"), {"week": week})
    assert response.status_code == 200


def test_agenda_constant_queries(client, owner, manager, presales, opportunity, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            activity = ActivityFactory(opportunity=OpportunityFactory(primary_owner=owner), owner=owner,
                                       due_at=timezone.now())
            activity.participants.add(presales)
            activity.contacts.add(ContactFactory(customer=activity.customer))

    client.force_login(manager)
    url = reverse("opportunities:agenda")
    add(2)
    client.get(url, {"scope": "team"})  # warm the session and the caches
    with django_assert_max_num_queries(20) as few:
        client.get(url, {"scope": "team"})
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"scope": "team"})
    assert response.content.decode().count("拜访客户") >= 8


@pytest.mark.parametrize(("next_url", "stays"), [("/opportunities/agenda/", True), ("/\\evil.example/", False),
                                                 ("//evil.example/", False), ("https://evil.example/", False)])
def test_activity_done_goes_back_only_to_this_site(client, owner, opportunity, next_url, stays):
    activity = ActivityFactory(opportunity=opportunity, owner=owner)
    client.force_login(owner)
    response = client.post(reverse("opportunities:activity-done", args=[activity.pk]), {"next": next_url})
    assert response.status_code == 302
    assert response.url == (next_url if stays else detail_url(opportunity, "activities"))


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", {"created": "已新建", "changed": "已修改", "owner changed": "已更换主要负责人", "owner": "主要负责人",
                 "customer": "客户", "stage": "阶段", "amount": "金额", "close": "预计成交日期",
                 "date": "2027年3月31日"}),
    ("en", {"created": "Created", "changed": "Changed", "owner changed": "Primary owner changed",
            "owner": "Primary owner", "customer": "Customer", "stage": "Stage", "amount": "Amount",
            "close": "Expected close date", "date": "03/31/2027"}),
])
def test_history_rows_are_translated_and_each_change_shown_once(client, manager, owner, teammate, opportunity,
                                                                language, words):
    """One row per change, labels and values in the reader's language; the creation shows its starting owner
    (not a change from nothing); an owner change is told once, by its owner-change row."""
    from datetime import date

    from opportunities import services
    from tests.history import history_rows

    manager.language = language  # the reader's language (the user's setting, as the pages read it)
    manager.save(update_fields=["language"])
    old_close = opportunity.expected_close_date
    services.opportunity_update(opportunity=opportunity, by=owner,
                                data={"amount": "300000", "expected_close_date": date(2027, 3, 31)})
    services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=manager, reason="调整分工")
    client.force_login(manager)
    page = client.get(detail_url(opportunity, "history"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    rows = history_rows(page)
    with translation.override(language):
        old_close_text = formats.date_format(old_close, "SHORT_DATE_FORMAT")
        stage_name = str(opportunity.stage)
    assert rows == [
        {"kind": "owner", "title": words["owner changed"], "values": [],
         "changes": [(words["owner"], str(owner), str(teammate))]},
        {"kind": "changed", "title": words["changed"], "values": [],
         "changes": [(words["amount"], "100,000.00", "300,000.00"),
                     (words["close"], old_close_text, words["date"])]},
        {"kind": "created", "title": words["created"], "changes": [],
         "values": [(words["owner"], str(owner)), (words["customer"], str(opportunity.customer)),
                    (words["stage"], stage_name), (words["amount"], "100,000.00")]},
    ]
    assert page.count("调整分工") == 1


def test_history_tab_costs_the_same_queries_however_long(client, manager, owner, teammate, opportunity):
    """The history resolves names once per related model, not per row."""
    from opportunities import services
    from tests.factories import stage as a_stage

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail_url(opportunity, "history")).status_code == 200
        return len(queries)

    client.force_login(manager)
    services.opportunity_update(opportunity=opportunity, by=owner, data={"amount": "1"})
    count_queries()  # the first request warms the caches (settings, stages)
    small = count_queries()
    for index in range(6):
        services.opportunity_update(opportunity=opportunity, by=manager, data={"amount": str(index + 2)})
        services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate if index % 2 == 0 else owner,
                                          by=manager, reason=f"第{index}次")
        opportunity.refresh_from_db()
        opportunity.stage = a_stage("02" if index % 2 == 0 else "01")  # ends where it began: the same page
        opportunity.save()
    assert count_queries() == small


def test_a_superior_page_checks_the_reporting_line_once(client, manager, owner, opportunity):
    """Editing, changing the owner, moving, ticking tasks and the tender record all ask whether the viewer is above
    the primary owner: one query for the page (crm.request_memo), the same answers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    client.get(detail_url(opportunity))
    with CaptureQueriesContext(connection) as captured:
        html = client.get(detail_url(opportunity)).content.decode()
    superior_checks = [sql for sql in (query["sql"] for query in captured.captured_queries)
                       if sql.startswith('SELECT 1 AS "a" FROM "teams_user"') and "WITH RECURSIVE" in sql]
    assert len(superior_checks) == 1
    assert 'data-testid="edit-opportunity"' in html and 'data-testid="move-02"' in html
    assert 'data-testid="task-toggle-0"' in html
    assert manager.is_superior_of(owner) and not owner.is_superior_of(manager)


@pytest.mark.parametrize("who", ["owner", "manager", "presales", "admin_user"])
def test_the_page_reads_no_column_it_left_in_the_tables(request, monkeypatch, client, opportunity, product, who):
    """selectors.opportunity_page leaves the customer's and the primary owner's other columns in the tables: no tab,
    header part or button of the page reads one of them (a deferred read would be one more query)."""
    from django.db.models import Model

    from opportunities import page_parts, services

    services.line_add(opportunity=opportunity, by=opportunity.primary_owner, data={"product": product, "quantity": "2"})
    ActivityFactory(opportunity=opportunity)
    deferred_reads = []
    refresh = Model.refresh_from_db

    def watched(self, *args, **kwargs):
        deferred_reads.append((type(self).__name__, kwargs.get("fields")))
        return refresh(self, *args, **kwargs)

    monkeypatch.setattr(Model, "refresh_from_db", watched)
    client.force_login(request.getfixturevalue(who))
    for tab in [*TABS, *(part.code for part in page_parts.tabs())]:
        response = client.get(detail_url(opportunity, tab))
        assert response.status_code == 200
        assert opportunity.customer.name in response.content.decode()
    assert deferred_reads == []
