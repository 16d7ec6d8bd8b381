"""The customer pages: who sees what, what each form and action does, and what a refusal looks like.

Built around the shared people of tests/conftest.py: `owner` and `teammate` report to `manager`;
`outsider` sits in another part of the company; `admin_user` sees everything.
"""

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import (
    AccountPlan,
    Contact,
    Customer,
    CustomerIntake,
    CustomerMerge,
    EnrichmentProposal,
    IntakeStatus,
    PlanStatus,
    ProposalStatus,
    Tier,
    TierChange,
)
from accounts.services import customer_enrich, customer_intake
from teams.models import AssignmentRule, AssignmentStrategy, Notification, Territory
from tests.factories import ContactFactory, CustomerFactory, make_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(owner):
    """The owner's customer, with a credit code and a phone."""
    return CustomerFactory(name="上海浦华轨道交通设备有限公司", owner=owner, credit_code=make_credit_code(1),
                           phone="021-68881234", city="上海", province="上海", industry="交通")


def login(client, user):
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def html(response) -> str:
    return response.content.decode()


# --- Anonymous and outsiders ---------------------------------------------------------------

def test_anonymous_is_sent_to_login_everywhere(client, mine):
    contact = ContactFactory(customer=mine)
    plan = AccountPlan.objects.create(customer=mine, year=2026)
    gets = [
        reverse("accounts:customer-list"), reverse("accounts:customer-export-csv"),
        reverse("accounts:customer-export-xlsx"), reverse("accounts:customer-new"),
        reverse("accounts:review-queue"), reverse("accounts:unassigned"), reverse("accounts:enrichment-reviews"),
        reverse("accounts:customer-pick") + "?q=上海", reverse("accounts:customer-detail", args=[mine.pk]),
        reverse("accounts:customer-edit", args=[mine.pk]), reverse("accounts:customer-merge", args=[mine.pk]),
        reverse("accounts:contact-new", args=[mine.pk]), reverse("accounts:contact-edit", args=[mine.pk, contact.pk]),
        reverse("accounts:plan-new", args=[mine.pk]), reverse("accounts:plan-edit", args=[mine.pk, plan.pk]),
        reverse("teams:notifications"),
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    posts = [
        reverse("accounts:customer-check"), reverse("accounts:customer-tier", args=[mine.pk]),
        reverse("accounts:plan-action", args=[mine.pk, plan.pk]), reverse("teams:notifications-read"),
    ]
    for url in posts:
        response = client.post(url, {"name": "上海浦华"})
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("who, status", [
    ("owner", 200), ("manager", 200), ("admin_user", 200), ("teammate", 404), ("outsider", 404),
])
def test_customer_pages_visibility(request, client, mine, who, status):
    login(client, request.getfixturevalue(who))
    contact = ContactFactory(customer=mine)
    for url in [
        reverse("accounts:customer-detail", args=[mine.pk]),
        reverse("accounts:customer-edit", args=[mine.pk]),
        reverse("accounts:customer-merge", args=[mine.pk]),
        reverse("accounts:contact-new", args=[mine.pk]),
        reverse("accounts:contact-edit", args=[mine.pk, contact.pk]),
        reverse("accounts:plan-new", args=[mine.pk]),
    ]:
        assert client.get(url).status_code == status, url


def test_outsider_cannot_act_on_a_customer(client, outsider, mine):
    login(client, outsider)
    assert client.post(reverse("accounts:customer-tier", args=[mine.pk]),
                       {"tier": Tier.KEY, "reason": "因为"}).status_code == 404
    assert client.post(reverse("accounts:customer-edit", args=[mine.pk]), {"name": "改名"}).status_code == 404
    assert client.post(reverse("accounts:contact-new", args=[mine.pk]), {"name": "某人"}).status_code == 404
    mine.refresh_from_db()
    assert (mine.tier_overridden, mine.name, mine.contacts.count()) == (False, "上海浦华轨道交通设备有限公司", 0)


# --- My customers --------------------------------------------------------------------------

def test_list_shows_each_person_what_they_may_see(client, owner, teammate, manager, outsider, admin_user, mine):
    theirs = CustomerFactory(name="杭州同创软件有限公司", owner=teammate)
    far = CustomerFactory(name="成都远景数据科技有限公司", owner=outsider)
    loose = CustomerFactory(name="无主客户有限公司", owner=None)
    expected = {
        owner: {mine}, teammate: {theirs}, manager: {mine, theirs, loose}, outsider: {far},
        admin_user: {mine, theirs, far, loose},
    }
    for person, customers in expected.items():
        page = login(client, person).get(reverse("accounts:customer-list"))
        assert page.status_code == 200
        assert set(page.context["page"].object_list) == customers, person
        content = html(page)
        for customer in {mine, theirs, far, loose} - customers:
            assert customer.name not in content


def test_list_search_filters_and_sort(client, manager, owner, teammate, mine):
    key = CustomerFactory(name="北京国泰能源股份有限公司", owner=teammate, tier=Tier.KEY, industry="能源",
                          province="北京", city="北京", source="campaign")
    low = CustomerFactory(name="天津明珠商贸有限公司", owner=owner, tier=Tier.LOW, industry="零售", province="天津")
    loose = CustomerFactory(name="重庆无主化工有限公司", owner=None, province="重庆")
    login(client, manager)

    def names(**params):
        response = client.get(reverse("accounts:customer-list"), params)
        assert response.status_code == 200
        return [customer.name for customer in response.context["page"].object_list]

    assert names(q="国泰") == [key.name]
    assert names(q=mine.credit_code.lower()) == [mine.name]
    assert names(q="6888 1234") == [mine.name]  # the phone, as people type it
    assert names(tier=Tier.LOW) == [low.name]
    assert names(source="campaign") == [key.name]
    assert names(owner=teammate.pk) == [key.name]
    assert names(province="天津") == [low.name]
    assert names(industry="能源") == [key.name]
    assert names(unassigned="on") == [loose.name]
    assert names(sort="tier")[0] == key.name
    assert names(sort="-tier")[0] == low.name
    assert names(sort="-name") == sorted(names(), reverse=True)
    assert names(sort="nonsense", tier="nonsense") == names()  # bad values are ignored, not a 500
    # The owner filter offers only people the viewer may see.
    login(client, owner)
    page = client.get(reverse("accounts:customer-list"))
    assert set(page.context["form"].fields["owner"].queryset) == {owner}
    # The options shown are read apart from the queryset (a lean query): the same people, by their names.
    assert [value for value, _label in page.context["form"].fields["owner"].choices] == ["", owner.pk]
    assert f'<option value="{owner.pk}">{owner}</option>' in html(page)
    assert f'<option value="{teammate.pk}"' not in html(page)
    # A person out of sight given by hand is not a filter (the field checks the visible people).
    assert names(owner=teammate.pk) == names()


def test_list_pagination_and_page_size(client, owner):
    for number in range(30):
        CustomerFactory(name=f"分页客户{number:02d}有限公司", owner=owner)
    login(client, owner)
    first = client.get(reverse("accounts:customer-list"))
    assert len(first.context["page"].object_list) == 25
    assert 'href="?page=2"' in html(first)
    second = client.get(reverse("accounts:customer-list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    big = client.get(reverse("accounts:customer-list"), {"per_page": 50})
    assert len(big.context["page"].object_list) == 30


def test_list_costs_a_constant_number_of_queries(client, manager, owner, teammate, django_assert_max_num_queries):
    login(client, manager)
    url = reverse("accounts:customer-list")

    def count(per_page):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"per_page": per_page, "sort": "tier"}).status_code == 200
        return len(queries)

    CustomerFactory.create_batch(3, owner=owner)
    count(25)  # the first view fills the filter choices kept in the shared cache for a few minutes
    small = count(25)
    for number in range(120):
        CustomerFactory(name=f"客户{number}有限公司", owner=[owner, teammate, None][number % 3],
                        province=f"省{number % 7}", industry=f"行业{number % 5}")
    assert count(200) == small
    with django_assert_max_num_queries(12):
        client.get(url, {"per_page": 200, "q": "客户"})


def test_export_csv_has_the_visible_filtered_list(client, owner, teammate, mine):
    CustomerFactory(name="杭州同创软件有限公司", owner=teammate)
    CustomerFactory(name="=HYPERLINK(\"http://evil\")", owner=owner, tier=Tier.LOW)
    login(client, owner)
    response = client.get(reverse("accounts:customer-export-csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert len(rows) == 3  # header and my two customers, not the teammate's
    body = {row[0]: row for row in rows[1:]}
    assert mine.name in body and body[mine.name][1] == mine.credit_code
    assert "'=HYPERLINK(\"http://evil\")" in body  # a formula is defused
    filtered = client.get(reverse("accounts:customer-export-csv"), {"tier": Tier.LOW}).content.decode()
    assert mine.name not in filtered


def test_export_excel(client, owner, mine):
    login(client, owner)
    response = client.get(reverse("accounts:customer-export-xlsx"), {"q": "浦华"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == mine.name and rows[1][1] == mine.credit_code
    assert str(owner) in rows[1]


# --- Customer detail -----------------------------------------------------------------------

def test_detail_tabs_render(client, owner, manager, mine):
    boss = ContactFactory(customer=mine, name="周总", title="总经理", decision_role="decision_maker",
                          attitude="supporter")
    ContactFactory(customer=mine, name="李工", title="信息化部经理", decision_role="technical", reports_to=boss,
                   attitude="opponent")
    AccountPlan.objects.create(customer=mine, year=2026, goals="签下二期", author=owner)
    customer_enrich(customer=mine, data={"phone": "021-99990000"}, source="service")
    group = CustomerFactory(name="浦华控股集团有限公司", owner=owner)
    mine.parent = group
    mine.save()
    CustomerFactory(name="浦华子公司有限公司", owner=manager, parent=mine)
    login(client, owner)
    url = reverse("accounts:customer-detail", args=[mine.pk])
    overview = html(client.get(url))
    assert "浦华控股集团有限公司" in overview and reverse("accounts:customer-detail", args=[group.pk]) in overview
    assert "021-68881234" in overview
    contacts = html(client.get(url, {"tab": "contacts"}))
    assert "周总" in contacts and "李工" in contacts
    org = client.get(url, {"tab": "org"})
    tree = org.context["tree"]
    assert [node.contact.name for node in tree] == ["周总"]
    assert [child.contact.name for child in tree[0].children] == ["李工"]
    assert "attitude-opponent" in html(org)
    assert "签下二期" in html(client.get(url, {"tab": "plans"}))
    proposals = html(client.get(url, {"tab": "proposals"}))
    assert "021-99990000" in proposals
    assert client.get(url, {"tab": "intakes"}).status_code == 200
    assert client.get(url, {"tab": "history"}).status_code == 200
    assert client.get(url, {"tab": "opportunities"}).status_code == 200
    assert client.get(url, {"tab": "bogus"}).context["tab"] == "overview"
    # The subsidiary belongs to the manager: the owner learns it exists, not what it is.
    assert "浦华子公司有限公司" not in overview


def test_pages_keep_to_the_content_security_policy(client, owner, manager, mine):
    ContactFactory(customer=mine)
    login(client, manager)
    urls = [reverse("accounts:customer-list"), reverse("accounts:customer-new"), reverse("accounts:review-queue"),
            reverse("accounts:unassigned"), reverse("accounts:enrichment-reviews"), reverse("teams:notifications"),
            reverse("accounts:customer-edit", args=[mine.pk]), reverse("accounts:customer-merge", args=[mine.pk])]
    urls += [reverse("accounts:customer-detail", args=[mine.pk]) + f"?tab={tab}"
             for tab in ["overview", "contacts", "org", "plans", "proposals", "intakes", "history"]]
    for url in urls:
        content = html(client.get(url))
        assert "<script>" not in content and not re.search(r"<script(?![^>]*\bsrc=)", content), url
        assert " style=" not in content, url
        assert " onclick=" not in content and "hx-on" not in content, url


def test_history_shows_field_changes_tier_changes_and_merges(client, owner, mine):
    login(client, owner)
    client.post(reverse("accounts:customer-edit", args=[mine.pk]),
                {"name": mine.name, "credit_code": mine.credit_code, "phone": "021-11112222", "parent": "keep"})
    client.post(reverse("accounts:customer-tier", args=[mine.pk]), {"tier": Tier.KEY, "reason": "战略客户"})
    other = CustomerFactory(name="浦华轨道（上海）有限公司", owner=owner)
    client.post(reverse("accounts:customer-merge", args=[mine.pk]), {"other": other.pk, "reason": "重复录入"})
    response = client.get(reverse("accounts:customer-detail", args=[mine.pk]), {"tab": "history"})
    content = html(response)
    assert "021-68881234" in content and "021-11112222" in content  # old and new value
    assert "战略客户" in content
    assert "浦华轨道（上海）有限公司" in content and "重复录入" in content
    assert response.context["history"]["merges"][0].merged_customer_id == other.pk


# --- Editing -------------------------------------------------------------------------------

def test_edit_customer_and_group_company(client, owner, teammate, mine):
    group = CustomerFactory(name="浦华控股集团有限公司", owner=owner)
    foreign = CustomerFactory(name="别人的集团有限公司", owner=teammate)
    login(client, owner)
    url = reverse("accounts:customer-edit", args=[mine.pk])
    data = {"name": mine.name, "credit_code": mine.credit_code, "city": "上海", "phone": "021-55556666",
            "employees": "1200", "parent": str(group.pk)}
    response = client.post(url, data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.phone, mine.employees, mine.parent) == ("021-55556666", 1200, group)
    # "keep" leaves the group company alone; someone else's customer cannot be picked.
    client.post(url, data | {"parent": "keep", "phone": "021-1"})
    mine.refresh_from_db()
    assert mine.parent == group
    response = client.post(url, data | {"parent": str(foreign.pk)})
    assert response.status_code == 200 and response.context["form"].errors["parent"]
    # A cycle is refused by the service and shown on the form.
    group_url = reverse("accounts:customer-edit", args=[group.pk])
    response = client.post(group_url, {"name": group.name, "parent": str(mine.pk)})
    assert response.status_code == 200 and response.context["form"].errors["parent"]
    group.refresh_from_db()
    assert group.parent is None


def test_edit_refuses_a_taken_credit_code_on_the_field(client, owner, mine):
    other = CustomerFactory(name="另一家公司", owner=owner, credit_code=make_credit_code(2))
    login(client, owner)
    response = client.post(reverse("accounts:customer-edit", args=[other.pk]),
                           {"name": other.name, "credit_code": mine.credit_code, "parent": "keep"})
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    assert "is-invalid" in html(response)


def test_a_refused_service_call_is_a_message_not_an_error(client, mine, monkeypatch):
    """Someone who may see a customer but not edit it (an opportunity's sales team) gets the
    service's refusal as a message."""
    from accounts import services

    monkeypatch.setattr(services, "_may_edit_customer", lambda user, customer: False)
    login(client, mine.owner)
    response = client.post(reverse("accounts:customer-tier", args=[mine.pk]), {"tier": Tier.KEY, "reason": "x"},
                           follow=True)
    assert response.status_code == 200
    assert len(texts(response)) == 1
    mine.refresh_from_db()
    assert not mine.tier_overridden


# --- Tier ----------------------------------------------------------------------------------

def test_tier_override_needs_a_reason_and_can_return_to_rules(client, owner, mine):
    login(client, owner)
    url = reverse("accounts:customer-tier", args=[mine.pk])
    response = client.post(url, {"tier": Tier.KEY, "reason": "  "})
    assert response.status_code == 302
    assert len(texts(response)) == 1  # the service's words: a reason is needed
    mine.refresh_from_db()
    assert not mine.tier_overridden and not TierChange.objects.filter(changed_by=owner).exists()
    client.post(url, {"tier": Tier.KEY, "reason": "集团战略客户"})
    mine.refresh_from_db()
    assert (mine.tier, mine.tier_overridden) == (Tier.KEY, True)
    assert TierChange.objects.filter(customer=mine, reason="集团战略客户", changed_by=owner).exists()
    detail = html(client.get(reverse("accounts:customer-detail", args=[mine.pk])))
    assert 'data-testid="tier-reset"' in detail
    client.post(url, {"action": "reset"})
    mine.refresh_from_db()
    assert not mine.tier_overridden and mine.tier == mine.tier_suggested


# --- Contacts and plans --------------------------------------------------------------------

def test_add_and_edit_contacts_with_the_reporting_line(client, owner, mine):
    login(client, owner)
    response = client.post(reverse("accounts:contact-new", args=[mine.pk]), {
        "name": "王总", "title": "总经理", "decision_role": "decision_maker", "attitude": "supporter"})
    assert response.status_code == 302
    boss = Contact.objects.get(customer=mine, name="王总")
    client.post(reverse("accounts:contact-new", args=[mine.pk]), {
        "name": "赵工", "decision_role": "technical", "attitude": "neutral", "reports_to": boss.pk})
    engineer = Contact.objects.get(name="赵工")
    assert engineer.reports_to == boss
    # The boss reporting to the engineer would make a cycle: refused on the form.
    response = client.post(reverse("accounts:contact-edit", args=[mine.pk, boss.pk]), {
        "name": "王总", "decision_role": "decision_maker", "attitude": "supporter", "reports_to": engineer.pk})
    assert response.status_code == 200
    assert response.context["form"].errors
    boss.refresh_from_db()
    assert boss.reports_to is None
    # Another customer's contact is not offered as a boss.
    elsewhere = ContactFactory(customer=CustomerFactory(owner=owner))
    response = client.post(reverse("accounts:contact-new", args=[mine.pk]), {
        "name": "钱工", "decision_role": "user", "attitude": "unknown", "reports_to": elsewhere.pk})
    assert response.status_code == 200 and "reports_to" in response.context["form"].errors


def test_account_plan_draft_submit_return_approve(client, owner, manager, teammate, mine):
    login(client, owner)
    response = client.post(reverse("accounts:plan-new", args=[mine.pk]), {"year": 2027, "goals": "进入短名单"})
    assert response.status_code == 302
    plan = AccountPlan.objects.get(customer=mine, year=2027)
    assert (plan.status, plan.author) == (PlanStatus.DRAFT, owner)
    # One plan per year: the second is refused on the form.
    response = client.post(reverse("accounts:plan-new", args=[mine.pk]), {"year": 2027})
    assert response.status_code == 200 and response.context["form"].errors
    action = reverse("accounts:plan-action", args=[mine.pk, plan.pk])
    client.post(action, {"action": "submit"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert Notification.objects.filter(recipient=manager, kind="plan_review").exists()
    # The owner cannot approve their own plan: the service says no, the page shows it.
    response = client.post(action, {"action": "approve"})
    assert texts(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    login(client, manager)
    plans_tab = client.get(reverse("accounts:customer-detail", args=[mine.pk]), {"tab": "plans"})
    assert 'data-testid="plan-review"' in html(plans_tab)
    response = client.post(action, {"action": "return", "comment": ""})
    assert texts(response)  # returning needs a comment
    client.post(action, {"action": "return", "comment": "补充竞争分析"})
    plan.refresh_from_db()
    assert (plan.status, plan.review_comment) == (PlanStatus.RETURNED, "补充竞争分析")
    login(client, owner)
    client.post(reverse("accounts:plan-edit", args=[mine.pk, plan.pk]), {"goals": "进入短名单，并完成竞争分析"})
    client.post(action, {"action": "submit"})
    login(client, manager)
    client.post(action, {"action": "approve", "comment": "同意"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.year == 2027
    login(client, teammate)
    assert client.post(action, {"action": "submit"}).status_code == 404


# --- New customer (intake) and the live check ----------------------------------------------

def test_new_customer_form_creates(client, owner):
    login(client, owner)
    page = client.get(reverse("accounts:customer-new"))
    assert page.status_code == 200
    assert "owner" not in page.context["form"].fields  # only managers name an owner
    response = client.post(reverse("accounts:customer-new"), {
        "source": "campaign", "name": "苏州新锐智能装备有限公司", "city": "苏州", "province": "江苏",
        "credit_code": make_credit_code(50).lower(), "employees": "350"})
    customer = Customer.objects.get(name="苏州新锐智能装备有限公司")
    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    assert (customer.owner, customer.source, customer.employees) == (owner, "campaign", 350)
    assert customer.credit_code == make_credit_code(50)
    assert CustomerIntake.objects.get(customer=customer).created_by == owner


def test_new_customer_form_matches_existing(client, owner, mine):
    login(client, owner)
    response = client.post(reverse("accounts:customer-new"), {
        "source": "service", "name": "浦华轨道交通", "credit_code": mine.credit_code, "email": "sales@puhua.cn"})
    assert response.status_code == 302 and response.url == mine.get_absolute_url()
    assert Customer.objects.count() == 1
    mine.refresh_from_db()
    assert mine.email == "sales@puhua.cn"  # the empty field was filled


def test_new_customer_form_matching_another_teams_customer_does_not_open_it(client, owner, outsider):
    theirs = CustomerFactory(name="成都远景数据科技有限公司", owner=outsider, credit_code=make_credit_code(9))
    login(client, owner)
    response = client.post(reverse("accounts:customer-new"), {
        "source": "online", "name": "远景数据", "credit_code": theirs.credit_code})
    assert response.status_code == 302 and response.url == reverse("accounts:customer-list")
    assert texts(response)
    assert Customer.objects.count() == 1


def test_new_customer_form_sends_probable_match_to_review(client, owner, mine):
    login(client, owner)
    response = client.post(reverse("accounts:customer-new"), {
        "source": "channel", "name": "浦华轨道交通设备有限公司", "city": "上海"})
    assert response.status_code == 302 and response.url == reverse("accounts:review-queue")
    intake = CustomerIntake.objects.get(name="浦华轨道交通设备有限公司")
    assert intake.status == IntakeStatus.PENDING_REVIEW
    assert Customer.objects.count() == 1


def test_new_customer_form_shows_service_errors_on_fields(client, owner):
    login(client, owner)
    response = client.post(reverse("accounts:customer-new"), {
        "source": "manual", "name": "坏代码公司", "credit_code": "91310115MA1000000X"})
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    assert not Customer.objects.exists() and not CustomerIntake.objects.exists()


def test_manager_names_the_owner_on_the_form(client, manager, owner, outsider):
    login(client, manager)
    form = client.get(reverse("accounts:customer-new")).context["form"]
    assert owner in form.fields["owner"].queryset and outsider not in form.fields["owner"].queryset
    client.post(reverse("accounts:customer-new"), {"source": "manual", "name": "给下属的客户", "owner": owner.pk})
    assert Customer.objects.get(name="给下属的客户").owner == owner
    assert Notification.objects.filter(recipient=owner, kind="customer_assigned").exists()
    # Without an owner and without a matching rule, the customer waits in the unassigned queue.
    response = client.post(reverse("accounts:customer-new"), {"source": "manual", "name": "暂时无人负责公司"})
    customer = Customer.objects.get(name="暂时无人负责公司")
    assert customer.owner is None and response.url == customer.get_absolute_url()


def test_live_check_partial(client, owner, outsider, mine):
    CustomerFactory(name="浦华轨道交通设备工程有限公司", owner=outsider, city="上海")
    login(client, owner)
    url = reverse("accounts:customer-check")
    assert client.get(url).status_code == 405
    empty = client.post(url, {"name": ""})
    assert empty.status_code == 200 and empty.context["rows"] == []
    response = client.post(url, {"name": "上海浦华轨道交通设备", "city": "上海", "email": "half@"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0]["customer"] == mine and rows[0]["level"] == "sure"
    content = html(response)
    assert mine.get_absolute_url() in content
    hidden = [row for row in rows if row["customer"] is None]
    assert hidden and hidden[0]["name"] == "浦华轨道交通设备工程有限公司"
    assert "/customers/" + str(Customer.objects.get(owner=outsider).pk) not in content  # named, never linked
    bad = client.post(url, {"name": "某公司", "credit_code": "123"})
    assert bad.context["problems"]
    assert CustomerIntake.objects.count() == 0  # the check writes nothing


# --- Review queue --------------------------------------------------------------------------

@pytest.fixture
def waiting(owner, mine):
    result = customer_intake(source="channel", data={"name": "浦华轨道交通设备有限公司", "city": "上海",
                                                     "phone": "021-12345678"}, by=owner)
    assert result.outcome == "review"
    return result.intake


@pytest.mark.parametrize("who, sees", [
    ("owner", True), ("manager", True), ("admin_user", True), ("teammate", False), ("outsider", False),
])
def test_review_queue_visibility(request, client, waiting, who, sees):
    response = login(client, request.getfixturevalue(who)).get(reverse("accounts:review-queue"))
    assert response.status_code == 200
    assert (waiting.name in html(response)) is sees


def test_review_queue_shows_incoming_beside_candidate(client, owner, waiting, mine):
    response = login(client, owner).get(reverse("accounts:review-queue"))
    item = response.context["items"][0]
    assert item["columns"][0]["customer"] == mine
    phone = next(row for row in item["rows"] if row["incoming"] == "021-12345678")
    assert phone["values"][0] == {"value": "021-68881234", "differs": True}


def test_review_link_merge_create(client, owner, mine, waiting):
    login(client, owner)
    url = reverse("accounts:intake-resolve", args=[waiting.pk])
    response = client.post(url, {"resolution": "linked", "customer": mine.pk})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.resolution, waiting.customer) == (IntakeStatus.RESOLVED, "linked", mine)
    assert EnrichmentProposal.objects.filter(customer=mine, field="phone", proposed_value="021-12345678").exists()
    # Resolving twice is refused with a message, not an error page.
    response = client.post(url, {"resolution": "created"})
    assert response.status_code == 302 and texts(response)
    assert Customer.objects.count() == 1

    second = customer_intake(source="channel", data={"name": "浦华轨道交通设备有限公司", "city": "上海",
                                                     "website": "puhua.example.cn"}, by=owner).intake
    client.post(reverse("accounts:intake-resolve", args=[second.pk]), {"resolution": "merged", "customer": mine.pk})
    mine.refresh_from_db()
    assert mine.website == "puhua.example.cn"

    third = customer_intake(source="channel", data={"name": "浦华轨道交通设备有限公司", "city": "上海"},
                            by=owner).intake
    client.post(reverse("accounts:intake-resolve", args=[third.pk]), {"resolution": "created"})
    third.refresh_from_db()
    assert third.customer.name == "浦华轨道交通设备有限公司" and third.customer != mine


def test_review_link_needs_a_candidate_the_person_may_see(client, owner, outsider, waiting):
    theirs = CustomerFactory(name="外面的公司", owner=outsider)
    login(client, owner)
    response = client.post(reverse("accounts:intake-resolve", args=[waiting.pk]),
                           {"resolution": "linked", "customer": theirs.pk})
    assert texts(response)
    waiting.refresh_from_db()
    assert waiting.status == IntakeStatus.PENDING_REVIEW
    login(client, outsider)
    assert client.post(reverse("accounts:intake-resolve", args=[waiting.pk]),
                       {"resolution": "created"}).status_code == 404


# --- Unassigned queue ----------------------------------------------------------------------

def test_unassigned_queue_is_for_managers(client, owner, manager, teammate, outsider):
    loose = [CustomerFactory(name=f"无主{n}有限公司", owner=None) for n in range(3)]
    CustomerFactory(name="有主公司", owner=owner)
    assert login(client, owner).get(reverse("accounts:unassigned")).status_code == 403
    response = login(client, manager).get(reverse("accounts:unassigned"))
    assert response.status_code == 200
    assert set(response.context["page"].object_list) == set(loose)
    people = response.context["form"].fields["owner"].queryset
    assert owner in people and teammate in people and outsider not in people
    # Bulk: two of them to the teammate.
    response = client.post(reverse("accounts:unassigned"),
                           {"customers": [loose[0].pk, loose[1].pk], "owner": teammate.pk})
    assert response.status_code == 302
    assert set(Customer.objects.filter(owner=teammate)) == {loose[0], loose[1]}
    assert Notification.objects.filter(recipient=teammate, kind="customer_assigned").count() == 2
    # Someone outside the manager's team cannot be chosen.
    response = client.post(reverse("accounts:unassigned"), {"customers": [loose[2].pk], "owner": outsider.pk})
    assert response.status_code == 200 and texts(response)
    loose[2].refresh_from_db()
    assert loose[2].owner is None
    # Nothing selected: a message.
    response = client.post(reverse("accounts:unassigned"), {"owner": teammate.pk})
    assert texts(response)


# --- Enrichment reviews --------------------------------------------------------------------

@pytest.fixture
def proposal(mine):
    customer_enrich(customer=mine, data={"phone": "021-99990000"}, source="service")
    return EnrichmentProposal.objects.get(customer=mine)


@pytest.mark.parametrize("who, sees", [
    ("owner", True), ("manager", True), ("teammate", False), ("outsider", False),
])
def test_enrichment_reviews_visibility(request, client, proposal, who, sees):
    response = login(client, request.getfixturevalue(who)).get(reverse("accounts:enrichment-reviews"))
    assert response.status_code == 200
    assert ("021-99990000" in html(response)) is sees


def test_enrichment_accept_and_reject(client, owner, outsider, mine, proposal):
    login(client, outsider)
    url = reverse("accounts:proposal-decide", args=[proposal.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 404
    login(client, owner)
    response = client.post(url, {"decision": "accept", "next": reverse("accounts:customer-detail", args=[mine.pk])})
    assert response.url == reverse("accounts:customer-detail", args=[mine.pk])
    mine.refresh_from_db()
    assert mine.phone == "021-99990000"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.ACCEPTED, owner)
    customer_enrich(customer=mine, data={"phone": "021-77770000"}, source="online")
    second = EnrichmentProposal.objects.get(status=ProposalStatus.PENDING)
    response = client.post(reverse("accounts:proposal-decide", args=[second.pk]),
                           {"decision": "reject", "next": "https://evil.example.com/"})
    assert response.url == reverse("accounts:enrichment-reviews")  # no open redirect
    mine.refresh_from_db()
    assert mine.phone == "021-99990000"
    assert client.post(url, {"decision": "accept"}).status_code == 302  # decided already: a message


# --- Merge ---------------------------------------------------------------------------------

def test_merge_another_customer_into_this_one(client, owner, teammate, mine):
    duplicate = CustomerFactory(name="浦华轨交", owner=owner, website="puhua.cn")
    ContactFactory(customer=duplicate, name="孙经理")
    foreign = CustomerFactory(name="浦华别人家的有限公司", owner=teammate)
    login(client, owner)
    url = reverse("accounts:customer-merge", args=[mine.pk])
    picker = client.get(reverse("accounts:customer-pick"), {"q": "浦华", "mode": "merge", "exclude": mine.pk})
    assert list(picker.context["results"]) == [duplicate]  # neither itself nor the teammate's
    confirm = client.get(url, {"other": duplicate.pk})
    assert confirm.status_code == 200 and 'data-testid="merge-compare"' in html(confirm)
    assert client.get(url, {"other": foreign.pk}).status_code == 404
    response = client.post(url, {"other": duplicate.pk, "reason": "同一家公司"})
    assert response.status_code == 302 and response.url.endswith("?tab=history")
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    mine.refresh_from_db()
    assert mine.website == "puhua.cn" and mine.contacts.filter(name="孙经理").exists()
    record = CustomerMerge.objects.get(survivor=mine)
    assert (record.merged_name, record.reason, record.merged_by) == ("浦华轨交", "同一家公司", owner)


def test_parent_picker_offers_visible_customers_as_radio_buttons(client, owner, mine):
    CustomerFactory(name="浦华控股集团有限公司", owner=owner)
    login(client, owner)
    response = client.get(reverse("accounts:customer-pick"), {"q": "集团", "mode": "parent", "exclude": mine.pk})
    assert 'type="radio" name="parent"' in html(response)
    assert client.get(reverse("accounts:customer-pick"), {"q": ""}).context["results"] == []


# --- Workbench, navigation and notifications -------------------------------------------------

def test_workbench_panel_counts_and_links(client, owner, manager, mine, waiting, proposal):
    CustomerFactory(name="无主公司", owner=None)
    login(client, owner)
    content = html(client.get(reverse("home")))
    assert reverse("accounts:review-queue") in content and reverse("accounts:enrichment-reviews") in content
    assert reverse("accounts:unassigned") not in content
    login(client, manager)
    response = client.get(reverse("home"))
    panel = next(p for p in response.context["panels"] if p["template"] == "accounts/_workbench.html")
    assert (panel["pending_reviews"], panel["pending_proposals"], panel["unassigned"].count) == (1, 1, 1)
    assert reverse("accounts:unassigned") in html(response)


def test_customer_area_sub_navigation(client, owner, manager):
    login(client, owner)
    subnav = client.get(reverse("accounts:customer-list")).context["subnav"]
    keys = [item["key"] for item in subnav]
    assert keys[:3] == ["list", "new", "review"] and "unassigned" not in keys and "enrichment" in keys
    assert [item["key"] for item in subnav if item["active"]] == ["list"]
    login(client, manager)
    assert "unassigned" in [item["key"] for item in client.get(reverse("accounts:review-queue")).context["subnav"]]


def test_notification_bell_list_and_mark_read(client, owner, teammate, mine):
    from teams.services import notify

    notify(recipient=owner, kind="customer_assigned", message="新客户：浦华", url=mine.get_absolute_url())
    notify(recipient=owner, kind="plan_review", message="请审核客户计划")
    notify(recipient=teammate, kind="plan_review", message="别人的通知")
    login(client, owner)
    home = html(client.get(reverse("home")))
    assert 'data-testid="notification-count">2<' in home
    page = client.get(reverse("teams:notifications"))
    content = html(page)
    assert "新客户：浦华" in content and "别人的通知" not in content
    first = Notification.objects.get(message="新客户：浦华")
    response = client.post(reverse("teams:notifications-read"), {"id": first.pk, "open": "1"})
    assert response.url == mine.get_absolute_url()
    first.refresh_from_db()
    assert first.read_at is not None
    others = Notification.objects.get(recipient=teammate)
    assert client.post(reverse("teams:notifications-read"), {"id": others.pk}).status_code == 404
    client.post(reverse("teams:notifications-read"))
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    assert 'data-testid="notification-count"' not in html(client.get(reverse("home")))
    others.refresh_from_db()
    assert others.read_at is None


# --- Administration: assignment rules and territories --------------------------------------

def test_assignment_rules_admin(client, admin_user, owner, team):
    login(client, admin_user)
    response = client.post(reverse("admin:teams_assignmentrule_add"), {
        "name": "华东制造业", "order": "10", "active": "on", "provinces": "上海，江苏、浙江", "cities": "",
        "industries": "制造业", "sources": "campaign, 渠道合作伙伴", "strategy": AssignmentStrategy.USER,
        "user": owner.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = AssignmentRule.objects.get(name="华东制造业")
    assert rule.provinces == ["上海", "江苏", "浙江"] and rule.sources == ["campaign", "channel"]
    # The model's clean() speaks: a round-robin rule needs a team or a territory.
    response = client.post(reverse("admin:teams_assignmentrule_add"), {
        "name": "缺团队", "order": "20", "strategy": AssignmentStrategy.ROUND_ROBIN, "sources": "fax"})
    assert response.status_code == 200
    assert AssignmentRule.objects.count() == 1
    changelist = client.get(reverse("admin:teams_assignmentrule_changelist"))
    assert changelist.status_code == 200 and 'name="form-0-order"' in html(changelist)
    assert "上海, 江苏, 浙江" in html(client.get(reverse("admin:teams_assignmentrule_change", args=[rule.pk])))
    response = client.post(reverse("admin:teams_territory_add"), {
        "name": "华东区域", "provinces": "上海, 江苏", "industries": "", "cities": "", "members": [owner.pk],
        "active": "on", "org_unit": team.pk})
    assert response.status_code == 302
    territory = Territory.objects.get(name="华东区域")
    assert territory.provinces == ["上海", "江苏"] and list(territory.members.all()) == [owner]
    assert client.get(reverse("admin:teams_territory_changelist")).status_code == 200
    for name in ["customer", "contact", "classificationrule", "tierthreshold", "tierchange", "customermerge",
                 "customerintake", "enrichmentproposal", "accountplan"]:
        assert client.get(reverse(f"admin:accounts_{name}_changelist")).status_code == 200, name


def test_classification_rule_values_are_typed_as_a_list(client, admin_user):
    from accounts.models import ClassificationRule

    login(client, admin_user)
    response = client.post(reverse("admin:accounts_classificationrule_add"), {
        "name": "重点行业", "criterion": "industry", "values": "制造业，能源、 金融", "points": "15", "active": "on"})
    assert response.status_code == 302
    assert ClassificationRule.objects.get(name="重点行业").values == ["制造业", "能源", "金融"]


def test_demo_customers_are_valid_and_seeding_twice_adds_nothing():
    from io import StringIO

    from accounts import demo
    from accounts.validators import credit_code_problem
    from teams.management.commands.seed_demo import Command

    command = Command(stdout=StringIO())
    command.quiet, command.password_hash = True, "!"
    command.seed_organisation(1)
    demo.seed(command, 1)
    counts = (Customer.objects.count(), Contact.objects.count(), CustomerIntake.objects.count(),
              EnrichmentProposal.objects.count(), AssignmentRule.objects.count(), AccountPlan.objects.count())
    assert counts[0] == 60
    assert all(credit_code_problem(code) is None for code in Customer.objects.values_list("credit_code", flat=True))
    assert Customer.objects.filter(owner__isnull=True).exists()
    assert Customer.objects.filter(parent__isnull=False).exists()
    assert Contact.objects.filter(reports_to__isnull=False).exists()
    assert CustomerIntake.objects.filter(status=IntakeStatus.PENDING_REVIEW).count() == 3
    assert CustomerIntake.objects.filter(status=IntakeStatus.PENDING_REVIEW, created_by__username="zhangwei").exists()
    assert EnrichmentProposal.objects.filter(status=ProposalStatus.PENDING).exists()
    assert Territory.objects.exists() and counts[4] >= 2
    assert len(set(Customer.objects.values_list("tier", flat=True))) >= 3
    demo.seed(command, 1)
    assert (Customer.objects.count(), Contact.objects.count(), CustomerIntake.objects.count(),
            EnrichmentProposal.objects.count(), AssignmentRule.objects.count(),
            AccountPlan.objects.count()) == counts


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", {"changed": "已修改", "tier changed": "客户分类变更", "tier": "客户分类", "phone": "电话",
                 "ordinary": "普通", "key": "重点客户"}),
    ("en", {"changed": "Changed", "tier changed": "Tier changed", "tier": "Tier", "phone": "Phone",
            "ordinary": "Ordinary", "key": "Key customer"}),
])
def test_history_is_one_list_with_translated_labels_and_values(client, owner, mine, language, words):
    """A phone edit and a tier set by hand: one row each, labels and values in the reader's language; the tier
    change is told once (by its tier-change row, with its reason), not again by the model history."""
    from tests.history import history_rows

    owner.language = language
    owner.save(update_fields=["language"])
    login(client, owner)
    client.post(reverse("accounts:customer-edit", args=[mine.pk]),
                {"name": mine.name, "credit_code": mine.credit_code, "phone": "021-11112222", "parent": "keep",
                 "city": "上海", "province": "上海", "industry": "交通"})
    client.post(reverse("accounts:customer-tier", args=[mine.pk]), {"tier": Tier.KEY, "reason": "战略客户"})
    page = html(client.get(reverse("accounts:customer-detail", args=[mine.pk]), {"tab": "history"}))
    rows = history_rows(page)
    assert rows[0]["kind"] == "tier" and rows[0]["title"] == words["tier changed"]
    assert rows[0]["changes"] == [(words["tier"], words["ordinary"], words["key"])]
    assert [row for row in rows if row["kind"] == "changed"] == [
        {"kind": "changed", "title": words["changed"], "values": [],
         "changes": [(words["phone"], "021-68881234", "021-11112222")]}]  # the tier change not again
    assert rows[-1]["kind"] == "created" and (words["tier"], words["ordinary"]) in rows[-1]["values"]
    assert page.count("战略客户") == 1


def test_a_long_export_runs_as_a_job_whose_page_offers_the_file(client, owner, teammate, mine, monkeypatch,
                                                                  settings, tmp_path,
                                                                  django_capture_on_commit_callbacks):
    from accounts import exports
    from crm.models import Job, JobState

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exports, "EXPORT_INLINE_ROWS", 1)
    monkeypatch.setattr(exports, "EXPORT_PROGRESS_EVERY", 1)
    CustomerFactory(name="苏州第二客户有限公司", owner=owner)
    CustomerFactory(name="杭州同创软件有限公司", owner=teammate)
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(reverse("accounts:customer-export-csv"))
    job = Job.objects.get(task="accounts.customer_export_job")
    assert response.status_code == 302 and response.url == reverse("job-detail", args=[job.pk])
    html = client.get(response.url).content.decode()
    assert "every 1s" in html and 'data-testid="job-cancel"' in html and "CSV" in html
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.progress_done == job.progress_total == 2 and job.result_file
    html = client.get(response.url).content.decode()
    assert 'data-testid="job-file"' in html and "every 1s" not in html
    download = client.get(reverse("job-file", args=[job.pk]))
    content = b"".join(download.streaming_content).decode("utf-8")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert {row[0] for row in rows[1:]} == {mine.name, "苏州第二客户有限公司"}  # the visible list only
    login(client, teammate)
    assert client.get(response.url).status_code == 404
    assert client.get(reverse("job-file", args=[job.pk])).status_code == 404


def test_a_proposal_removed_meanwhile_is_a_conflict_not_a_server_error(owner, proposal):
    # Fuzzing found it: the API read the proposal, then its customer was merged away before the decision (500).
    from accounts.services import enrichment_decide
    from crm.errors import ConflictError

    EnrichmentProposal.objects.filter(pk=proposal.pk).delete()
    with pytest.raises(ConflictError):
        enrichment_decide(proposal=proposal, accept=True, by=owner)
