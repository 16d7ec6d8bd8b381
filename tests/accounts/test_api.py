"""Customer API: the contract's shapes and codes, and who sees what."""

import pytest
from django.urls import reverse

from accounts.models import Customer, CustomerIntake, EnrichmentProposal
from tests.factories import ContactFactory, CustomerFactory, make_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(owner):
    return CustomerFactory(name="华远智能科技有限公司", owner=owner, credit_code=make_credit_code(11), city="上海")


def test_customer_fields_of_the_contract(api_as, owner, mine):
    data = api_as(owner).get(reverse("v1:customer-detail", args=[mine.pk])).json()
    assert {"id", "name", "credit_code", "industry", "province", "city", "phone", "email", "website", "parent",
            "owner", "tier", "source", "created_at"} <= set(data)
    assert data["owner"] == owner.pk


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("manager", 200), ("admin_user", 200),
                                             ("teammate", 404), ("outsider", 404)])
def test_customer_visibility(request, api_as, mine, who, status):
    user = request.getfixturevalue(who)
    assert api_as(user).get(reverse("v1:customer-detail", args=[mine.pk])).status_code == status
    listed = api_as(user).get(reverse("v1:customer-list")).json()
    assert (mine.pk in [c["id"] for c in listed["results"]]) is (status == 200)


def test_anonymous_gets_401(api, mine):
    assert api.get(reverse("v1:customer-list")).status_code == 401
    assert api.post(reverse("v1:customer-check"), {"name": "x"}).status_code == 401


def test_unassigned_customers_visible_to_managers_not_account_managers(api_as, manager, owner):
    loose = CustomerFactory(owner=None)
    assert api_as(manager).get(reverse("v1:customer-detail", args=[loose.pk])).status_code == 200
    assert api_as(owner).get(reverse("v1:customer-detail", args=[loose.pk])).status_code == 404
    data = api_as(manager).get(reverse("v1:customer-list"), {"unassigned": "true"}).json()
    assert [c["id"] for c in data["results"]] == [loose.pk]


def test_check_writes_nothing_and_hides_other_teams_ids(api_as, owner, outsider, mine):
    CustomerFactory(name="华远智能科技集团", owner=outsider, city="上海")
    before = (Customer.objects.count(), CustomerIntake.objects.count())
    response = api_as(owner).post(reverse("v1:customer-check"), {"name": "华远智能科技股份有限公司", "city": "上海"})
    assert response.status_code == 200
    candidates = response.json()["candidates"]
    assert {c["score"] for c in candidates} == {95}
    ids = sorted([c["id"] for c in candidates], key=lambda v: (v is None, v))
    assert ids == [mine.pk, None]  # the other team's customer is named, never identified
    assert all(c["reasons"] for c in candidates)
    assert (Customer.objects.count(), CustomerIntake.objects.count()) == before


def test_check_reports_bad_fields(api_as, owner):
    response = api_as(owner).post(reverse("v1:customer-check"), {"name": "", "credit_code": "12345"})
    assert response.status_code == 400
    assert set(response.json()) == {"name", "credit_code"}


def test_intake_outcomes(api_as, owner, mine):
    client = api_as(owner)
    created = client.post(reverse("v1:customer-intake"), {"source": "campaign", "name": "全新客户有限公司"})
    assert created.status_code == 201
    assert created.json()["outcome"] == "created"
    assert Customer.objects.get(pk=created.json()["customer"]).owner == owner
    matched = client.post(reverse("v1:customer-intake"), {"source": "service", "name": "华远智能科技",
                                                          "city": "上海", "phone": "021-555 1234"})
    assert matched.status_code == 200
    assert (matched.json()["outcome"], matched.json()["customer"]) == ("matched", mine.pk)
    mine.refresh_from_db()
    assert mine.phone == "021-555 1234"
    review = client.post(reverse("v1:customer-intake"), {"source": "channel", "name": "上海华远智能科技"})
    assert review.json()["outcome"] == "review"
    assert review.json()["customer"] is None
    bad = client.post(reverse("v1:customer-intake"), {"source": "pigeon", "name": "x"})
    assert bad.status_code == 400
    assert "source" in bad.json()


def test_create_conflict_is_409_with_candidates(api_as, owner, mine):
    response = api_as(owner).post(reverse("v1:customer-list"), {"name": "华远智能科技", "city": "上海"})
    assert response.status_code == 409
    assert response.json()["candidates"][0]["id"] == mine.pk
    ok = api_as(owner).post(reverse("v1:customer-list"), {"name": "另一家公司", "tier": "key"})
    assert ok.status_code == 201
    assert ok.json()["owner"] == owner.pk
    assert ok.json()["tier"] != "key" or ok.json()["tier_overridden"] is False  # tier comes from the rules


def test_update_and_permissions(api_as, owner, teammate, manager, mine):
    url = reverse("v1:customer-detail", args=[mine.pk])
    assert api_as(owner).patch(url, {"industry": "能源"}).json()["industry"] == "能源"
    assert api_as(teammate).patch(url, {"industry": "金融"}).status_code == 404
    bad = api_as(owner).patch(url, {"credit_code": "91310000MA1FL0000X"})
    assert bad.status_code == 400 and "credit_code" in bad.json()
    assert api_as(owner).patch(url, {"owner": teammate.pk}).status_code == 403
    assert api_as(manager).patch(url, {"owner": teammate.pk}).json()["owner"] == teammate.pk


def test_tier_override_and_merge_endpoints(api_as, owner, mine):
    client = api_as(owner)
    no_reason = client.post(reverse("v1:customer-tier", args=[mine.pk]), {"tier": "key"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    ok = client.post(reverse("v1:customer-tier", args=[mine.pk]), {"tier": "key", "reason": "战略"})
    assert ok.json()["tier"] == "key" and ok.json()["tier_overridden"] is True
    other = CustomerFactory(owner=owner, name="华远", phone="021-000")
    merged = client.post(reverse("v1:customer-merge", args=[mine.pk]), {"merged": other.pk, "reason": "重复"})
    assert merged.status_code == 200
    assert merged.json()["phone"] == "021-000"
    assert not Customer.objects.filter(pk=other.pk).exists()
    assert client.post(reverse("v1:customer-merge", args=[mine.pk]), {"merged": "abc"}).status_code == 400


def test_list_filters_search_and_constant_queries(api_as, owner, django_assert_max_num_queries):
    client = api_as(owner)
    CustomerFactory.create_batch(3, owner=owner, tier="key")
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("v1:customer-list"))
    CustomerFactory.create_batch(30, owner=owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get(reverse("v1:customer-list"), {"page_size": 100}).json()
    assert data["count"] == 33
    assert client.get(reverse("v1:customer-list"), {"tier": "key"}).json()["count"] == 3
    assert client.get(reverse("v1:customer-list"), {"tier": "emperor"}).status_code == 400


def test_contacts(api_as, owner, outsider, mine):
    client = api_as(owner)
    boss = client.post(reverse("v1:contact-list"), {"customer": mine.pk, "name": "王总", "decision_role":
                                                    "decision_maker"}).json()
    assert boss["decision_role"] == "decision_maker"
    deputy = client.post(reverse("v1:contact-list"), {"customer": mine.pk, "name": "李工", "reports_to": boss["id"],
                                                      "decision_role": "technical"})
    assert deputy.status_code == 201
    bad_role = client.post(reverse("v1:contact-list"), {"customer": mine.pk, "name": "x", "decision_role": "boss"})
    assert bad_role.status_code == 400 and "decision_role" in bad_role.json()
    cycle = client.patch(reverse("v1:contact-detail", args=[boss["id"]]), {"reports_to": deputy.json()["id"]})
    assert cycle.status_code == 400 and "reports_to" in cycle.json()
    theirs = ContactFactory(customer=CustomerFactory(owner=outsider))
    assert client.get(reverse("v1:contact-detail", args=[theirs.pk])).status_code == 404
    foreign = client.post(reverse("v1:contact-list"), {"customer": theirs.customer_id, "name": "x"})
    assert foreign.status_code == 400 and "customer" in foreign.json()


def test_review_queue_and_proposals(api_as, owner, outsider, mine):
    client = api_as(owner)
    review = client.post(reverse("v1:customer-intake"), {"source": "channel", "name": "上海华远智能科技",
                                                         "industry": "制造业"}).json()
    queue = client.get(reverse("v1:intake-list"), {"status": "pending_review"}).json()
    assert [i["id"] for i in queue["results"]] == [review["intake"]]
    assert api_as(outsider).get(reverse("v1:intake-detail", args=[review["intake"]])).status_code == 404
    resolved = client.post(reverse("v1:intake-resolve", args=[review["intake"]]),
                           {"resolution": "linked", "customer": mine.pk})
    assert resolved.json()["status"] == "resolved"
    again = client.post(reverse("v1:intake-resolve", args=[review["intake"]]), {"resolution": "created"})
    assert again.status_code == 409
    mine.industry = "能源"
    mine.save()
    client.post(reverse("v1:customer-intake"), {"source": "service", "name": "华远智能科技", "city": "上海",
                                                "industry": "金融"})
    proposal = EnrichmentProposal.objects.get(field="industry", proposed_value="金融")
    assert api_as(outsider).post(reverse("v1:enrichment-proposal-accept", args=[proposal.pk])).status_code == 404
    accepted = client.post(reverse("v1:enrichment-proposal-accept", args=[proposal.pk]))
    assert accepted.json()["status"] == "accepted"
    mine.refresh_from_db()
    assert mine.industry == "金融"
