"""Re-deploying the sales force: the preview is exactly what moves, execution moves exactly that in one
transaction (or refuses a changed set), records it, keeps each object's history and tells the receiver."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Customer
from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.models import Job, JobState
from opportunities.models import Opportunity, OpportunityTeamMember, OwnerChange
from sales_planning import selectors, services
from sales_planning.models import Redeployment, TerritoryAccount
from sales_planning.tasks import redeploy_job
from teams.models import Territory
from tests.sales_org import customer_for, opportunity

pytestmark = pytest.mark.django_db



@pytest.fixture
def book(org):
    """am1's customers: two with open opportunities, a won and a lost one, one worked by am2 as primary."""
    first, second, third = customer_for(org.am1), customer_for(org.am1), customer_for(org.am1)
    return {
        "customers": [first, second, third],
        "open": opportunity(org.am1, "100", date(2026, 9, 1), outcome="open", customer=first),
        "open2": opportunity(org.am1, "200", date(2026, 10, 1), outcome="open", customer=second),
        "won": opportunity(org.am1, "300", date(2026, 3, 1), outcome="won", customer=first),
        "lost": opportunity(org.am1, "400", date(2026, 3, 1), outcome="lost", customer=second),
        "other_owner": opportunity(org.am2, "500", date(2026, 9, 1), outcome="open", customer=third),
        "elsewhere": customer_for(org.am2),
    }


def _preview(org, **kwargs):
    kwargs.setdefault("from_user", org.am1)
    kwargs.setdefault("to_user", org.am2)
    return selectors.redeploy_preview(by=kwargs.pop("by", org.team_mgr), **kwargs)


def test_preview_lists_exactly_what_will_move(org, book):
    preview = _preview(org, include_opportunities=True)
    assert set(preview["customer_ids"]) == {c.pk for c in book["customers"]}
    # Open ones only, and only where the customer's owner is the primary owner.
    assert set(preview["opportunity_ids"]) == {book["open"].pk, book["open2"].pk}
    assert (preview["customer_count"], preview["opportunity_count"]) == (3, 2)
    assert preview["opportunity_amount"] == 300
    without = _preview(org)
    assert without["opportunity_ids"] == [] and without["customer_count"] == 3
    narrowed = _preview(org, include_opportunities=True, selection=[book["customers"][0].pk])
    assert narrowed["customer_ids"] == [book["customers"][0].pk]
    assert narrowed["opportunity_ids"] == [book["open"].pk]


def test_execute_moves_exactly_the_previewed_set_and_records_it(org, book):
    preview = _preview(org, include_opportunities=True)
    record = services.redeploy_execute(by=org.team_mgr, from_user=org.am1, to_user=org.am2,
                                       include_opportunities=True, reason="刘洋调岗",
                                       customer_ids=preview["customer_ids"], opportunity_ids=preview["opportunity_ids"])
    assert sorted(record.customers.values_list("pk", flat=True)) == sorted(preview["customer_ids"])
    assert sorted(record.opportunities.values_list("pk", flat=True)) == sorted(preview["opportunity_ids"])
    assert (record.by, record.from_user, record.to_user, record.reason) == (org.team_mgr, org.am1, org.am2, "刘洋调岗")
    for customer in book["customers"]:
        customer.refresh_from_db()
        assert customer.owner == org.am2
        last = customer.history.first()
        assert last.history_user == org.team_mgr and "刘洋调岗" in last.history_change_reason
    for key in ("open", "open2"):
        opp = Opportunity.objects.get(pk=book[key].pk)
        assert opp.primary_owner == org.am2
        change = OwnerChange.objects.get(opportunity=opp)
        assert (change.old_owner, change.new_owner, change.changed_by) == (org.am1, org.am2, org.team_mgr)
        assert OpportunityTeamMember.objects.get(opportunity=opp, is_primary=True).user == org.am2
    for key in ("won", "lost"):
        assert Opportunity.objects.get(pk=book[key].pk).primary_owner == org.am1  # history stays with am1
    assert Opportunity.objects.get(pk=book["other_owner"].pk).primary_owner == org.am2
    assert org.am2.notifications.filter(kind="redeployment").count() == 1
    assert org.am1.notifications.filter(kind="redeployment").count() == 1


def test_a_changed_set_is_refused_and_nothing_moves(org, book):
    preview = _preview(org, include_opportunities=True)
    late = customer_for(org.am1)  # a customer assigned after the preview
    with pytest.raises(ConflictError):
        services.redeploy_execute(by=org.team_mgr, from_user=org.am1, to_user=org.am2, include_opportunities=True,
                                  reason="x", customer_ids=preview["customer_ids"],
                                  opportunity_ids=preview["opportunity_ids"])
    late.delete()
    opportunity(org.am1, "1", date(2026, 12, 1), outcome="open", customer=book["customers"][2])
    with pytest.raises(ConflictError):
        services.redeploy_execute(by=org.team_mgr, from_user=org.am1, to_user=org.am2, include_opportunities=True,
                                  reason="x", customer_ids=preview["customer_ids"],
                                  opportunity_ids=preview["opportunity_ids"])
    assert not Redeployment.objects.exists()
    customer_model = type(book["customers"][0])
    still_mine = set(customer_model.objects.filter(owner=org.am1).values_list("pk", flat=True))
    assert still_mine == set(preview["customer_ids"])
    assert not OwnerChange.objects.exists()


def test_reason_is_required_and_nothing_to_move_is_refused(org, book):
    preview = _preview(org)
    with pytest.raises(DomainError) as error:
        services.redeploy_execute(by=org.team_mgr, from_user=org.am1, to_user=org.am2, reason=" ",
                                  customer_ids=preview["customer_ids"], opportunity_ids=[])
    assert error.value.field == "reason"
    with pytest.raises(DomainError) as error:  # am3 owns nothing
        services.redeploy_execute(by=org.region_mgr, from_user=org.am3, to_user=org.am2, reason="x",
                                  customer_ids=[], opportunity_ids=[])
    assert error.value.field == "customers"


@pytest.mark.parametrize(("by", "from_user", "to_user"), [
    ("am1", "am1", "am2"),           # an account manager
    ("team_mgr", "am1", "am3"),      # the receiver is outside their subtree
    ("team_mgr_b", "am1", "am3"),    # the giver is outside their subtree
    ("other_head", "am1", "outsider"),
    ("am2", "am1", "am2"),
])
def test_only_a_manager_whose_subtree_holds_both(org, book, by, from_user, to_user):
    with pytest.raises(PermissionDenied):
        selectors.redeploy_preview(by=getattr(org, by), from_user=getattr(org, from_user),
                                   to_user=getattr(org, to_user))


def test_a_manager_above_both_and_an_administrator_may(org, book):
    preview = selectors.redeploy_preview(by=org.region_mgr, from_user=org.am1, to_user=org.am3,
                                         include_opportunities=True)
    record = services.redeploy_execute(by=org.region_mgr, from_user=org.am1, to_user=org.am3, reason="跨组调整",
                                       include_opportunities=True, customer_ids=preview["customer_ids"],
                                       opportunity_ids=preview["opportunity_ids"])
    assert record.customer_count == 3 and record.opportunity_count == 2
    preview = selectors.redeploy_preview(by=org.admin, from_user=org.am3, to_user=org.outsider)
    assert preview["customer_count"] == 3


def test_between_territories_named_accounts_follow(org, book):
    east = Territory.objects.create(name="上海", org_unit=org.region)
    south = Territory.objects.create(name="杭州", org_unit=org.region)
    south.members.set([org.am3])
    first, second, third = book["customers"]
    for customer in (first, second):
        services.territory_account_add(territory=east, customer_id=customer.pk, by=org.region_mgr)
    with pytest.raises(DomainError):  # the receiver must work in the receiving territory
        selectors.redeploy_preview(by=org.region_mgr, from_territory=east, to_territory=south, to_user=org.am2)
    preview = selectors.redeploy_preview(by=org.region_mgr, from_territory=east, to_territory=south,
                                         to_user=org.am3, include_opportunities=True)
    assert set(preview["customer_ids"]) == {first.pk, second.pk}
    record = services.redeploy_execute(by=org.region_mgr, from_territory=east, to_territory=south, to_user=org.am3,
                                       include_opportunities=True, reason="区域调整",
                                       customer_ids=preview["customer_ids"], opportunity_ids=preview["opportunity_ids"])
    assert record.from_territory == east and record.to_territory == south
    assert set(TerritoryAccount.objects.filter(territory=south).values_list("customer_id", flat=True)) == \
        {first.pk, second.pk}
    third.refresh_from_db()
    assert third.owner == org.am1  # not a named account of the territory: stays
    assert TerritoryAccount.history.filter(history_type="~").count() == 2


def test_visibility_of_records(org, book):
    preview = _preview(org)
    record = services.redeploy_execute(by=org.team_mgr, from_user=org.am1, to_user=org.am2, reason="x",
                                       customer_ids=preview["customer_ids"], opportunity_ids=[])
    for user in (org.team_mgr, org.am1, org.am2, org.region_mgr, org.admin):
        assert record in Redeployment.objects.visible_to(user)
    for user in (org.am3, org.outsider, org.team_mgr_b):
        assert record not in Redeployment.objects.visible_to(user)


# --- API ---------------------------------------------------------------------------------------------

def test_api_preview_then_execute(api, api_as, org, book):
    client = api_as(org.team_mgr)
    body = {"from_user": org.am1.pk, "to_user": org.am2.pk, "include_opportunities": True}
    preview = client.post(reverse("v1:redeployment-preview"), body, format="json").json()
    assert preview["customer_count"] == 3 and preview["opportunity_count"] == 2
    stale = client.post(reverse("v1:redeployment-list"), {**body, "reason": "调岗", "customer_ids": [],
                                                          "opportunity_ids": preview["opportunity_ids"]}, format="json")
    assert stale.status_code == 409
    done = client.post(reverse("v1:redeployment-list"), {**body, "reason": "调岗",
                                                         "customer_ids": preview["customer_ids"],
                                                         "opportunity_ids": preview["opportunity_ids"]}, format="json")
    assert done.status_code == 201 and done.json()["customer_count"] == 3
    assert done.json()["customer_ids"] == sorted(c.pk for c in book["customers"])
    assert done.json()["opportunity_ids"] == sorted([book["open"].pk, book["open2"].pk])
    record_id = done.json()["id"]
    # am1 gave the customers away: the record stays theirs to read, with only the ids they may still see (the
    # customers of their own won and lost deals), never the third one's.
    theirs = api_as(org.am1).get(reverse("v1:redeployment-detail", args=[record_id])).json()
    still_seen = sorted(Customer.objects.visible_to(org.am1).filter(pk__in=theirs["customer_ids"] or [0])
                        .values_list("pk", flat=True))
    assert theirs["customer_count"] == 3 and theirs["customer_ids"] == still_seen
    assert book["customers"][2].pk not in theirs["customer_ids"]
    assert theirs["opportunity_ids"] == sorted(Opportunity.objects.visible_to(org.am1).filter(
        pk__in=[book["open"].pk, book["open2"].pk]).values_list("pk", flat=True))
    assert api_as(org.outsider).get(reverse("v1:redeployment-detail", args=[record_id])).status_code == 404
    assert api_as(org.am1).post(reverse("v1:redeployment-preview"), body, format="json").status_code == 403
    assert api.post(reverse("v1:redeployment-preview"), body, format="json").status_code == 401


# --- Pages --------------------------------------------------------------------------------------------

def test_wizard_preview_and_confirm(client, org, book, django_capture_on_commit_callbacks):
    client.force_login(org.team_mgr)
    params = {"mode": "person", "from_user": org.am1.pk, "to_user": org.am2.pk, "include_opportunities": "on"}
    html = client.get(reverse("sales_planning:redeploy"), params).content.decode()
    assert 'data-testid="preview-customers">3<' in html and 'data-testid="preview-opportunities">2<' in html
    ids = {"customer_ids": [c.pk for c in book["customers"]], "opportunity_ids": [book["open"].pk, book["open2"].pk]}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("sales_planning:redeploy"), {**params, **ids, "reason": "调岗"})
    # The request answers at once with the job page; nothing has moved before the job runs.
    job = Job.objects.get(task="sales_planning.redeploy_job")
    assert response.status_code == 302 and response.url == reverse("job-detail", args=[job.pk])
    assert job.requested_by_id == org.team_mgr.pk and not Redeployment.objects.exists()
    html = client.get(response.url).content.decode()
    assert 'data-testid="job-progress"' in html and 'hx-trigger="every 1s"' in html
    for callback in callbacks:
        callback()  # the commit hands the job over; eager in tests, so it runs now
    record = Redeployment.objects.get()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result_url == reverse("sales_planning:redeploy-detail", args=[record.pk])
    assert job.progress_done == job.progress_total == 5
    html = client.get(response.url).content.decode()
    assert 'data-testid="job-result"' in html and "every 1s" not in html and "100%" in html
    html = client.get(job.result_url).content.decode()
    assert book["customers"][0].name in html
    # A second delivery of the job moves nothing twice.
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    redeploy_job.apply(kwargs=job.kwargs, task_id=str(job.pk))
    assert Redeployment.objects.count() == 1 and Job.objects.get(pk=job.pk).state == JobState.DONE
    client.force_login(org.outsider)
    assert client.get(reverse("sales_planning:redeploy-detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("job-progress", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("sales_planning:redeploy")).status_code == 302


def test_detail_tells_hidden_from_deleted(client, org, book):
    spare = customer_for(org.am1)  # no opportunities: it can be deleted after the move
    record = services.redeploy_execute(by=org.team_mgr, from_user=org.am1, to_user=org.am2, reason="调岗",
                                       customer_ids=[c.pk for c in [*book["customers"], spare]], opportunity_ids=[],
                                       include_opportunities=False)
    spare.delete()
    client.force_login(org.team_mgr)
    html = client.get(reverse("sales_planning:redeploy-detail", args=[record.pk])).content.decode()
    assert book["customers"][0].name in html and book["customers"][1].name in html
    assert 'data-testid="gone-customers"' in html and "1 " in html
    client.force_login(org.am1)  # sees the record; the third customer (am2's deal only) is hidden from them now
    html = client.get(reverse("sales_planning:redeploy-detail", args=[record.pk])).content.decode()
    assert book["customers"][2].name not in html and 'data-testid="gone-customers"' in html


def test_wizard_refuses_a_changed_set(client, org, book):
    client.force_login(org.team_mgr)
    params = {"mode": "person", "from_user": org.am1.pk, "to_user": org.am2.pk}
    response = client.post(reverse("sales_planning:redeploy"), {**params, "customer_ids": [book["customers"][0].pk],
                                                       "reason": "调岗"})
    assert response.status_code == 200 and not Redeployment.objects.exists()
    assert "changed since the preview" in response.content.decode() or "预览" in response.content.decode()


def test_wizard_shows_only_the_fields_of_the_chosen_mode(client, org):
    import re

    client.force_login(org.team_mgr)

    def hidden_groups(html: str) -> dict[str, bool]:
        groups = re.findall(r'<div class="col-md-3( d-none)?" data-redeploy-mode="(\w+)">\s*<div[^>]*>\s*'
                            r'<label class="form-label small mb-1" for="id_(\w+)"', html)
        return {field: bool(hidden) for hidden, _mode, field in groups}

    person = hidden_groups(client.get(reverse("sales_planning:redeploy")).content.decode())
    assert person == {"from_user": False, "from_territory": True, "to_territory": True}
    html = client.get(reverse("sales_planning:redeploy"), {"mode": "territory", "to_user": org.am2.pk}).content.decode()
    assert hidden_groups(html) == {"from_user": True, "from_territory": False, "to_territory": False}
    assert "js/sales_planning.js" in html and "<script>" not in html


def test_a_worker_killed_mid_move_leaves_nothing_half_moved_and_the_sweep_moves_it_once(
        org, book, monkeypatch, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from crm.jobs import job_stale_after, jobs_sweep

    customer_ids = [c.pk for c in book["customers"]]
    with django_capture_on_commit_callbacks(execute=False):
        job = services.redeploy_start(by=org.team_mgr, from_user=org.am1, to_user=org.am2, reason="调岗",
                                      customer_ids=customer_ids, opportunity_ids=[book["open"].pk, book["open2"].pk],
                                      include_opportunities=True)

    def killed(*args, **kwargs):  # the worker dies after the rows were changed, before the commit
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "notify_in_language", killed)
    redeploy_job.apply(kwargs=job.kwargs, task_id=str(job.pk))
    # What a killed worker leaves: the row running since long ago, and the move rolled back whole.
    long_ago = timezone.now() - job_stale_after() - timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, last_error="", finished_at=None,
                                         started_at=long_ago, created_at=long_ago)
    assert not Redeployment.objects.exists()
    assert set(Customer.objects.filter(pk__in=customer_ids).values_list("owner", flat=True)) == {org.am1.pk}
    assert not OwnerChange.objects.filter(opportunity=book["open"]).exclude(new_owner=org.am1).exists()
    monkeypatch.undo()
    assert jobs_sweep() == 1  # taken for lost and sent again
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
    record = Redeployment.objects.get()
    assert record.customer_count == 3 and record.opportunity_count == 2
    assert set(Customer.objects.filter(pk__in=customer_ids).values_list("owner", flat=True)) == {org.am2.pk}
    assert jobs_sweep() == 0 and Redeployment.objects.count() == 1
