"""Every remaining URL of the app answers an outsider with 404 and leaves the record alone; ids that
are not ids (letters, decimals, numbers past bigint) give a clear answer, never a 500."""

import pytest
from django.urls import reverse

from accounts.models import AccountPlan, CustomerIntake, EnrichmentProposal, IntakeStatus, PlanStatus, Tier
from accounts.services import customer_intake
from tests.factories import CustomerFactory, make_credit_code

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "1.5", "-1", "", "99999999999999999999999"]


@pytest.fixture
def mine(owner):
    return CustomerFactory(name="上海浦华轨道交通设备有限公司", owner=owner, credit_code=make_credit_code(1),
                           phone="021-68881234", city="上海")


@pytest.fixture
def waiting(owner, mine):
    result = customer_intake(source="channel", data={"name": "浦华轨道交通设备有限公司", "city": "上海",
                                                     "phone": "021-12345678"}, by=owner)
    assert result.outcome == "review"
    return result.intake


@pytest.fixture
def plan(mine):
    return AccountPlan.objects.create(customer=mine, year=2026)


def test_outsider_gets_404_on_plan_merge_and_resolve_pages(client, outsider, owner, mine, plan, waiting):
    other = CustomerFactory(name="成都远景数据科技有限公司", owner=outsider)
    client.force_login(outsider)
    assert client.get(reverse("accounts:plan-edit", args=[mine.pk, plan.pk])).status_code == 404
    assert client.post(reverse("accounts:plan-edit", args=[mine.pk, plan.pk]),
                       {"year": 2026, "goals": "改"}).status_code == 404
    assert client.post(reverse("accounts:plan-action", args=[mine.pk, plan.pk]),
                       {"action": "submit"}).status_code == 404
    # Neither side of a merge may be someone else's customer.
    assert client.post(reverse("accounts:customer-merge", args=[mine.pk]),
                       {"other": other.pk, "reason": "重复"}).status_code == 404
    assert client.post(reverse("accounts:customer-merge", args=[other.pk]),
                       {"other": mine.pk, "reason": "重复"}).status_code == 404
    assert client.post(reverse("accounts:intake-resolve", args=[waiting.pk]),
                       {"resolution": "linked", "customer": other.pk}).status_code == 404
    plan.refresh_from_db()
    waiting.refresh_from_db()
    assert (plan.status, plan.goals) == (PlanStatus.DRAFT, "")
    assert waiting.status == IntakeStatus.PENDING_REVIEW
    assert set(type(mine).objects.values_list("name", flat=True)) == {mine.name, other.name}


def test_outsider_gets_404_on_every_api_detail_and_action(api_as, outsider, owner, mine, waiting):
    customer_intake(source="service", data={"name": "上海浦华轨道交通设备有限公司", "credit_code": mine.credit_code,
                                            "phone": "021-99990000"}, by=owner)
    proposal = EnrichmentProposal.objects.get(customer=mine, field="phone")
    theirs = CustomerFactory(name="成都远景数据科技有限公司", owner=outsider)
    api = api_as(outsider)
    calls = [
        ("patch", reverse("v1:customer-detail", args=[mine.pk]), {"name": "改名"}),
        ("put", reverse("v1:customer-detail", args=[mine.pk]), {"name": "改名"}),
        ("post", reverse("v1:customer-tier", args=[mine.pk]), {"tier": Tier.KEY, "reason": "因为"}),
        ("post", reverse("v1:customer-merge", args=[mine.pk]), {"merged": theirs.pk}),
        ("post", reverse("v1:customer-merge", args=[theirs.pk]), {"merged": mine.pk}),
        ("get", reverse("v1:intake-detail", args=[waiting.pk]), None),
        ("post", reverse("v1:intake-resolve", args=[waiting.pk]), {"resolution": "created"}),
        ("get", reverse("v1:enrichment-proposal-detail", args=[proposal.pk]), None),
        ("post", reverse("v1:enrichment-proposal-reject", args=[proposal.pk]), None),
    ]
    for method, url, data in calls:
        assert getattr(api, method)(url, data, format="json").status_code == 404, (method, url)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    proposal.refresh_from_db()
    assert (mine.name, mine.tier_overridden) == ("上海浦华轨道交通设备有限公司", False)
    assert waiting.status == IntakeStatus.PENDING_REVIEW and proposal.status == "pending"
    assert CustomerIntake.objects.filter(status=IntakeStatus.PENDING_REVIEW).count() == 1


@pytest.mark.parametrize("bad", NOT_IDS)
def test_review_resolve_with_a_customer_that_is_not_an_id_is_refused_with_a_message(client, owner, waiting, bad):
    client.force_login(owner)
    response = client.post(reverse("accounts:intake-resolve", args=[waiting.pk]),
                           {"resolution": "linked", "customer": bad})
    assert response.status_code == 302
    assert list(response.wsgi_request._messages)
    waiting.refresh_from_db()
    assert waiting.status == IntakeStatus.PENDING_REVIEW


@pytest.mark.parametrize("bad", NOT_IDS)
def test_api_ids_that_are_not_ids_are_a_400_or_404(api_as, owner, mine, waiting, bad):
    api = api_as(owner)
    assert api.post(reverse("v1:customer-merge", args=[mine.pk]), {"merged": bad}).status_code in (400, 404)
    assert api.post(reverse("v1:intake-resolve", args=[waiting.pk]),
                    {"resolution": "linked", "customer": bad}).status_code in (400, 404, 409)
    assert api.post(reverse("v1:customer-intake"), {"name": "某某新公司", "owner": bad}).status_code in (
        200, 201, 400, 404)
    for url, params in [(reverse("v1:customer-list"), {"owner": bad, "parent": bad}),
                        (reverse("v1:contact-list"), {"customer": bad, "reports_to": bad}),
                        (reverse("v1:intake-list"), {"batch": bad}),
                        (reverse("v1:enrichment-proposal-list"), {"customer": bad})]:
        assert api.get(url, params).status_code in (200, 400), (url, bad)
    waiting.refresh_from_db()
    assert waiting.status == IntakeStatus.PENDING_REVIEW
    assert CustomerIntake.objects.filter(customer=mine).count() == 0


def test_intake_api_hides_the_id_of_another_teams_candidate(api_as, owner, outsider, mine):
    theirs = CustomerFactory(name="浦华轨道交通设备股份有限公司", owner=outsider, city="上海")
    intake = customer_intake(source="channel", data={"name": "浦华轨道交通设备有限公司", "city": "上海"},
                             by=owner).intake
    assert theirs.pk in {c["id"] for c in intake.candidates}
    api = api_as(owner)
    for data in (api.get(reverse("v1:intake-detail", args=[intake.pk])).json(),
                 api.get(reverse("v1:intake-list")).json()["results"][0]):
        shown = {c["name"]: (c["id"], c["visible"]) for c in data["candidates"]}
        assert shown[theirs.name] == (None, False)
        assert all(pk in (None, mine.pk) for pk, _visible in shown.values())


def test_intake_and_proposal_lists_cost_a_constant_number_of_queries(api_as, owner, outsider,
                                                                    django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            CustomerFactory(name=f"浦华轨道{i}设备有限公司", owner=outsider, city="上海")
            customer_intake(source="channel", data={"name": f"浦华轨道{i}设备有限公司", "city": "上海"}, by=owner)

    api = api_as(owner)
    add(2)
    with django_assert_max_num_queries(10) as few:
        assert len(api.get(reverse("v1:intake-list")).json()["results"]) == 2
        api.get(reverse("v1:enrichment-proposal-list"))
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(reverse("v1:intake-list")).json()["results"]) == 10
        api.get(reverse("v1:enrichment-proposal-list"))


def test_review_enrichment_and_unassigned_pages_cost_a_constant_number_of_queries(client, manager, owner,
                                                                                  django_assert_max_num_queries):
    def add(start, n):
        for i in range(start, start + n):
            customer = CustomerFactory(name=f"上海浦华轨道{i}交通设备有限公司", owner=owner, city="上海",
                                       credit_code=make_credit_code(100 + i), phone="021-68881234")
            customer_intake(source="channel", data={"name": f"浦华轨道{i}交通设备有限公司", "city": "上海",
                                                    "phone": "021-12345678"}, by=owner)
            customer_intake(source="service", data={"name": customer.name, "credit_code": customer.credit_code,
                                                    "phone": f"021-9999{i:04d}"}, by=owner)
            CustomerFactory(name=f"无主{i}有限公司", owner=None)

    def visit():
        pages = [reverse("accounts:review-queue"), reverse("accounts:enrichment-reviews"),
                 reverse("accounts:unassigned")]
        with django_assert_max_num_queries(limit) as queries:
            for url in pages:
                assert client.get(url).status_code == 200, url
        return len(queries.captured_queries)

    client.force_login(manager)
    add(0, 1)
    limit = 60
    few = visit()
    add(1, 8)
    assert CustomerIntake.objects.filter(status=IntakeStatus.PENDING_REVIEW).count() == 9
    assert EnrichmentProposal.objects.filter(status="pending").count() == 9
    limit = few
    visit()


@pytest.mark.parametrize("body", [[], ["name"], "上海浦华", 7])
def test_api_actions_refuse_a_json_body_that_is_not_an_object(api_as, owner, mine, waiting, body):
    api = api_as(owner)
    for url in [reverse("v1:customer-check"), reverse("v1:customer-intake"),
                reverse("v1:customer-tier", args=[mine.pk]), reverse("v1:customer-merge", args=[mine.pk]),
                reverse("v1:intake-resolve", args=[waiting.pk])]:
        response = api.post(url, body, format="json")
        assert response.status_code == 400, url
        assert "non_field_errors" in response.json(), url
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert not mine.tier_overridden and waiting.status == IntakeStatus.PENDING_REVIEW
    assert CustomerIntake.objects.count() == 1


def test_api_create_with_a_group_company_it_may_not_set_saves_nothing(api_as, owner, teammate, mine):
    from teams.models import AssignmentRule, AssignmentStrategy

    # A rule hands the new customer to the teammate, so its creator may not then set its group company.
    AssignmentRule.objects.create(name="energy", order=1, industries=["能源"], strategy=AssignmentStrategy.USER,
                                  user=teammate)
    response = api_as(owner).post(reverse("v1:customer-list"), {"name": "成都远景能源科技有限公司", "industry": "能源",
                                                                "parent": mine.pk}, format="json")
    assert response.status_code == 403
    assert not type(mine).objects.filter(name="成都远景能源科技有限公司").exists()
    assert not CustomerIntake.objects.exists()


# --- Values of the wrong type or past the column's bound (issue 14) ----------------------------------------

@pytest.mark.parametrize("url", ["v1:customer-check", "v1:customer-intake"])
@pytest.mark.parametrize("value", [[None, None], {"a": 1}, ["https://a.example.com"], True])
def test_a_field_that_is_not_text_is_a_400_naming_it(api_as, owner, url, value):
    response = api_as(owner).post(reverse(url), {"name": "杭州新远科技有限公司", "website": value}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["website"]


@pytest.mark.parametrize("url", ["v1:customer-check", "v1:customer-intake"])
def test_a_website_urlsplit_cannot_read_is_not_a_500(api_as, owner, url):
    response = api_as(owner).post(reverse(url), {"name": "杭州新远科技有限公司", "website": "http://[abc"},
                                  format="json")
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize("employees", ["2147483648", 10**20])
def test_employees_past_the_column_are_refused_on_intake(api_as, owner, employees):
    response = api_as(owner).post(reverse("v1:customer-intake"), {"name": "杭州新远科技有限公司",
                                                                 "employees": employees}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["employees"]


def test_accepting_a_proposal_past_the_column_is_a_400_not_a_500(api_as, owner, mine):
    # A proposal made before the bound existed: accepting it must explain, not fail.
    proposal = EnrichmentProposal.objects.create(customer=mine, field="employees", current_value="",
                                                 proposed_value="99999999999", source="service")
    response = api_as(owner).post(reverse("v1:enrichment-proposal-accept", args=[proposal.pk]))
    assert response.status_code == 400 and list(response.json()) == ["employees"]
    proposal.refresh_from_db()
    mine.refresh_from_db()
    assert (proposal.status, mine.employees) == ("pending", None)
