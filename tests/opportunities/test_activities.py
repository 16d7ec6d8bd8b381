"""Team selling: activities with participants and contacts, action plans, the agenda, the workbench."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from crm.errors import DomainError, PermissionDenied
from opportunities import selectors, services
from opportunities.models import Activity
from tests.factories import ActivityFactory, ContactFactory, CustomerFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

# A Wednesday, 10:00 in Shanghai.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def at(days: int = 0, hour: int = 10):
    return (NOW + timedelta(days=days)).replace(hour=hour)


def test_activity_for_an_opportunity_takes_its_customer(owner, opportunity):
    contact = ContactFactory(customer=opportunity.customer, name="王总")
    activity = services.activity_create(by=owner, kind="visit", subject="拜访王总", due_at=at(1),
                                        opportunity=opportunity, contacts=[contact], participants=[owner])
    assert activity.customer == opportunity.customer
    assert activity.owner == owner
    assert list(activity.contacts.all()) == [contact]
    assert list(activity.participants.all()) == []  # the owner is not also a participant


def test_contacts_must_belong_to_the_customer(owner, opportunity):
    stranger = ContactFactory()
    with pytest.raises(DomainError) as error:
        services.activity_create(by=owner, kind="call", subject="x", due_at=at(), opportunity=opportunity,
                                 contacts=[stranger])
    assert error.value.field == "contacts"


def test_activity_needs_a_visible_customer_or_opportunity(outsider, opportunity, customer):
    with pytest.raises(DomainError):
        services.activity_create(by=outsider, kind="call", subject="x", due_at=at(), opportunity=opportunity)
    with pytest.raises(DomainError):
        services.activity_create(by=outsider, kind="call", subject="x", due_at=at(), customer=customer)


def test_customer_must_match_the_opportunity(owner, opportunity):
    with pytest.raises(DomainError) as error:
        services.activity_create(by=owner, kind="call", subject="x", due_at=at(), opportunity=opportunity,
                                 customer=CustomerFactory(owner=owner))
    assert error.value.field == "customer"


def test_unknown_kind_and_naive_time_refused(owner, opportunity):
    with pytest.raises(DomainError):
        services.activity_create(by=owner, kind="party", subject="x", due_at=at(), opportunity=opportunity)
    with pytest.raises(DomainError):
        services.activity_create(by=owner, kind="call", subject="x", due_at=datetime(2026, 11, 25, 10),  # noqa: DTZ001
                                 opportunity=opportunity)


def test_assign_to_team_member_or_subordinate_not_to_stranger(owner, manager, presales, opportunity, outsider):
    assigned = services.activity_create(by=owner, kind="demo", subject="演示", due_at=at(), opportunity=opportunity,
                                        owner=presales)
    assert assigned.owner == presales
    assert services.activity_create(by=manager, kind="task", subject="x", due_at=at(), opportunity=opportunity,
                                    owner=owner).owner == owner
    with pytest.raises(DomainError) as error:
        services.activity_create(by=owner, kind="task", subject="x", due_at=at(), opportunity=opportunity,
                                 owner=outsider)
    assert error.value.field == "owner"


def test_who_may_edit_an_activity(owner, manager, presales, teammate, opportunity):
    activity = services.activity_create(by=owner, kind="call", subject="电话", due_at=at(), opportunity=opportunity,
                                        owner=presales)
    services.activity_update(activity=activity, by=presales, data={"notes": "已约"})
    services.activity_update(activity=activity, by=manager, data={"subject": "电话沟通"})
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, by=teammate, data={"notes": "x"})
    activity.refresh_from_db()
    assert (activity.subject, activity.notes) == ("电话沟通", "已约")


def test_complete_and_reopen(owner, opportunity):
    activity = ActivityFactory(opportunity=opportunity)
    services.activity_complete(activity=activity, by=owner, outcome="客户同意试用")
    activity.refresh_from_db()
    assert activity.is_done and activity.outcome == "客户同意试用"
    services.activity_complete(activity=activity, by=owner, done=False)
    activity.refresh_from_db()
    assert not activity.is_done


def test_delete_needs_editor(owner, teammate, opportunity):
    activity = ActivityFactory(opportunity=opportunity)
    with pytest.raises(PermissionDenied):
        services.activity_delete(activity=activity, by=teammate)
    services.activity_delete(activity=activity, by=owner)
    assert not Activity.objects.exists()


def test_action_plan_orders_steps_assigned_to_team_members(owner, presales, opportunity, outsider):
    plan = services.action_plan_create(opportunity=opportunity, name="中标行动计划", by=owner, goal="7月前中标", steps=[
        {"kind": "meeting", "subject": "需求调研", "owner": owner, "due_at": at(1)},
        {"kind": "demo", "subject": "方案演示", "owner": presales, "due_at": at(3)},
    ])
    services.action_plan_add_step(plan=plan, by=owner, kind="proposal", subject="提交建议书", owner=owner,
                                  due_at=at(5))
    steps = list(plan.steps.order_by("sequence").values_list("sequence", "subject", "owner__username"))
    assert steps == [(1, "需求调研", "owner"), (2, "方案演示", "presales"), (3, "提交建议书", "owner")]
    with pytest.raises(DomainError) as error:
        services.action_plan_add_step(plan=plan, by=owner, kind="task", subject="x", owner=outsider, due_at=at())
    assert error.value.field == "owner"


def test_only_editors_make_plans(presales, opportunity):
    with pytest.raises(PermissionDenied):
        services.action_plan_create(opportunity=opportunity, name="x", by=presales)


@time_machine.travel(NOW, tick=False)
def test_agenda_week_mine_and_team(owner, manager, teammate, presales, opportunity):
    mine = ActivityFactory(opportunity=opportunity, owner=owner, due_at=at(0, 14), subject="我的会议")
    joined = ActivityFactory(opportunity=opportunity, owner=presales, due_at=at(1), subject="我参加的演示")
    joined.participants.add(owner)
    theirs = ActivityFactory(opportunity=OpportunityFactory(primary_owner=teammate), owner=teammate,
                             due_at=at(2), subject="同事的拜访")
    ActivityFactory(opportunity=opportunity, owner=owner, due_at=at(9), subject="下周")
    overdue = ActivityFactory(opportunity=opportunity, owner=owner, due_at=at(-3), subject="逾期")

    week = selectors.agenda(viewer=owner, start=NOW.date(), scope="mine")
    assert week["start"].isoformat() == "2026-11-23"  # Monday
    subjects = {d.day.isoformat(): [a.subject for a in d.activities] for d in week["days"]}
    assert subjects["2026-11-25"] == ["我的会议"]
    assert subjects["2026-11-26"] == ["我参加的演示"]
    assert theirs.subject not in str(subjects)
    assert [a.subject for a in week["overdue"]] == ["逾期"]
    assert week["days"][2].is_today

    team = selectors.agenda(viewer=manager, start=NOW.date(), scope="team")
    team_subjects = [a.subject for d in team["days"] for a in d.activities]
    assert set(team_subjects) >= {mine.subject, theirs.subject}
    only = selectors.agenda(viewer=manager, start=NOW.date(), scope="team", person=teammate)
    assert [a.subject for d in only["days"] for a in d.activities] == ["同事的拜访"]
    assert overdue.pk


@time_machine.travel(NOW, tick=False)
def test_workbench_panel(owner, opportunity, django_assert_max_num_queries):
    from decimal import Decimal

    ActivityFactory(opportunity=opportunity, owner=owner, due_at=at(0, 15), subject="今天下午")
    ActivityFactory(opportunity=opportunity, owner=owner, due_at=at(1), subject="明天")
    OpportunityFactory(primary_owner=owner, amount=Decimal("50000.00"), high_value=True)
    # today's activities, the stages, my open opportunities' figures per stage, overdue activities
    with django_assert_max_num_queries(4):
        panel = selectors.workbench_panel(owner)
    assert panel["template"] == "opportunities/_workbench.html"
    assert [a.subject for a in panel["today"]] == ["今天下午"]
    assert (panel["open_count"], panel["open_amount"], panel["high_value_count"]) == (2, Decimal("150000.00"), 1)
    assert selectors.workbench_panel(UserFactory())["open_count"] == 0
