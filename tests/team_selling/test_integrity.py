"""Referential integrity of team selling now that it holds real foreign keys: deleting a contact, an activity or
an opportunity takes the plan rows about it along, a customer merge leaves them valid, and the database itself
refuses a row that points at nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Contact, Customer
from opportunities import services as opportunities_services
from opportunities.models import Activity, Opportunity
from team_selling import services as services_selling
from team_selling.models import ContactStrategy, KeyInteraction, MeetingType, TeamMeeting, TeamPlan
from tests.factories import ActivityFactory, ContactFactory, CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db



@pytest.fixture
def other_opportunity(owner, opportunity):
    """Another opportunity of the same customer, whose team selling must stay untouched."""
    return OpportunityFactory(primary_owner=owner, customer=opportunity.customer, name="华远三期",
                              amount=Decimal("500000.00"))



@pytest.fixture
def other_contact(opportunity):
    return ContactFactory(customer=opportunity.customer, name="李工", title="技术负责人")


def _plan(opportunity, by):
    return services_selling.team_plan_save(opportunity=opportunity, by=by,
                                           data={"cooperation_strategy": "张三负责关系"})


def _strategy(opportunity, by, contact):
    return services_selling.contact_strategy_save(opportunity=opportunity, by=by, contact_id=contact.pk,
                                                  data={"target_attitude": "champion", "actions": "拜访"})


def _meeting(opportunity, by, *, starts_at=None):
    return services_selling.team_meeting_schedule(
        opportunity=opportunity, by=by, meeting_type=MeetingType.TECHNICAL_EXCHANGE, subject="技术交流会",
        starts_at=starts_at or timezone.now() + timedelta(days=3))


def _key(opportunity, by):
    """A done activity of the opportunity, marked as a key interaction."""
    done = ActivityFactory(opportunity=opportunity, kind="call", done_at=timezone.now(),
                           due_at=timezone.now() - timedelta(hours=1))
    return services_selling.key_interaction_mark(opportunity=opportunity, activity_id=done.pk, by=by,
                                                 significance="采购确认预算")


def _everything(opportunity, by, contact):
    """A plan, a contact strategy, a meeting and a key interaction on `opportunity`."""
    return {"plan": _plan(opportunity, by), "strategy": _strategy(opportunity, by, contact),
            "meeting": _meeting(opportunity, by), "key": _key(opportunity, by)}


def _ids(model, **filters):
    return set(model.objects.filter(**filters).values_list("pk", flat=True))


def assert_nothing_dangles():
    """No team-selling row points at an opportunity, contact or activity that is gone, checked with the ORM and by
    the database's own foreign key check (the constraints are deferred inside a test's transaction)."""
    opportunities, activities = Opportunity.objects.values("pk"), Activity.objects.values("pk")
    assert list(TeamPlan.objects.exclude(opportunity_id__in=opportunities)) == []
    assert list(ContactStrategy.objects.exclude(contact_id__in=Contact.objects.values("pk"))) == []
    assert list(ContactStrategy.objects.exclude(plan_id__in=TeamPlan.objects.values("pk"))) == []
    for model in (TeamMeeting, KeyInteraction):
        assert list(model.objects.exclude(opportunity_id__in=opportunities)) == []
        assert list(model.objects.exclude(activity_id__in=activities)) == []
    connection.check_constraints(table_names=[m._meta.db_table
                                              for m in (TeamPlan, ContactStrategy, TeamMeeting, KeyInteraction)])


def _missing_pk(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000


# --- Deleting a contact -------------------------------------------------------------------------

def test_deleting_a_contact_removes_its_strategy_and_the_plan_stays(opportunity, owner, contact, other_contact):
    plan = _plan(opportunity, owner)
    gone = _strategy(opportunity, owner, contact)
    kept = _strategy(opportunity, owner, other_contact)

    accounts_services.contact_delete(contact=contact, by=owner)

    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not ContactStrategy.objects.filter(pk=gone.pk).exists()
    assert list(ContactStrategy.objects.values_list("pk", "contact_id")) == [(kept.pk, other_contact.pk)]
    plan = TeamPlan.objects.get(pk=plan.pk)
    assert (plan.opportunity_id, plan.cooperation_strategy) == (opportunity.pk, "张三负责关系")
    assert ContactStrategy.history.filter(id=gone.pk, history_type="-").exists()
    assert_nothing_dangles()


# --- Deleting an activity -----------------------------------------------------------------------

def test_deleting_a_meetings_activity_removes_the_meeting(opportunity, owner):
    gone = _meeting(opportunity, owner)
    kept = _meeting(opportunity, owner, starts_at=timezone.now() + timedelta(days=5))

    opportunities_services.activity_delete(activity=Activity.objects.get(pk=gone.activity_id), by=owner)

    assert not Activity.objects.filter(pk=gone.activity_id).exists()
    assert _ids(TeamMeeting) == {kept.pk}
    assert TeamMeeting.objects.get(pk=kept.pk).activity_id == kept.activity_id
    assert_nothing_dangles()


def test_deleting_a_key_activity_removes_the_mark(opportunity, owner):
    gone, kept = _key(opportunity, owner), _key(opportunity, owner)

    opportunities_services.activity_delete(activity=Activity.objects.get(pk=gone.activity_id), by=owner)

    assert not Activity.objects.filter(pk=gone.activity_id).exists()
    assert _ids(KeyInteraction) == {kept.pk}
    assert KeyInteraction.history.filter(id=gone.pk, history_type="-").exists()
    assert_nothing_dangles()


def test_deleting_the_activity_of_a_key_meeting_removes_both(opportunity, owner):
    meeting = _meeting(opportunity, owner, starts_at=timezone.now() + timedelta(hours=1))
    services_selling.team_meeting_record_outcome(meeting=meeting, by=owner, outcome="客户认可方案", key=True,
                                                 now=timezone.now() + timedelta(hours=2))
    assert KeyInteraction.objects.get().activity_id == meeting.activity_id

    opportunities_services.activity_delete(activity=Activity.objects.get(pk=meeting.activity_id), by=owner)

    assert not TeamMeeting.objects.exists()
    assert not KeyInteraction.objects.exists()
    assert_nothing_dangles()


# --- Deleting an opportunity --------------------------------------------------------------------

def test_deleting_an_opportunity_removes_its_team_selling(opportunity, other_opportunity, owner, contact):
    # There is no opportunity delete service, and nothing PROTECTs an opportunity: the ORM delete.
    gone = _everything(opportunity, owner, contact)
    kept = _everything(other_opportunity, owner, contact)

    Opportunity.objects.get(pk=opportunity.pk).delete()

    assert _ids(TeamPlan) == {kept["plan"].pk}
    assert _ids(ContactStrategy) == {kept["strategy"].pk}
    assert _ids(TeamMeeting) == {kept["meeting"].pk}
    assert _ids(KeyInteraction) == {kept["key"].pk}
    assert not Activity.objects.filter(pk__in=[gone["meeting"].activity_id, gone["key"].activity_id]).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()  # the person stays; only the plan about them went
    assert_nothing_dangles()


# --- Merging customers --------------------------------------------------------------------------

def test_merging_the_customer_keeps_team_selling_whole(opportunity, owner, manager, contact):
    rows = _everything(opportunity, owner, contact)
    survivor = CustomerFactory(owner=owner, name="华远精密（集团）有限公司")

    accounts_services.customer_merge(survivor=survivor, merged=opportunity.customer, by=manager, reason="重复客户")

    assert not Customer.objects.filter(pk=opportunity.customer_id).exists()
    assert Opportunity.objects.get(pk=opportunity.pk).customer_id == survivor.pk
    assert Contact.objects.get(pk=contact.pk).customer_id == survivor.pk
    assert ContactStrategy.objects.get(pk=rows["strategy"].pk).contact_id == contact.pk
    assert TeamPlan.objects.get(pk=rows["plan"].pk).opportunity_id == opportunity.pk
    assert set(TeamMeeting.objects.values_list("pk", "activity_id")) == {
        (rows["meeting"].pk, rows["meeting"].activity_id)}
    assert set(KeyInteraction.objects.values_list("pk", "activity_id")) == {
        (rows["key"].pk, rows["key"].activity_id)}
    assert set(Activity.objects.values_list("customer_id", flat=True)) == {survivor.pk}
    assert_nothing_dangles()


# --- The database refuses a dangling id ---------------------------------------------------------
# Django declares foreign keys DEFERRABLE INITIALLY DEFERRED on SQLite and PostgreSQL alike, and a test never
# commits: check_constraints() runs the check the commit would (PRAGMA foreign_key_check on SQLite, SET
# CONSTRAINTS ALL IMMEDIATE on PostgreSQL). The savepoint of atomic() then takes the bad row away again.

def _refused(model, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)
        connection.check_constraints(table_names=[model._meta.db_table])


def test_the_database_refuses_a_plan_of_a_missing_opportunity():
    _refused(TeamPlan, opportunity_id=_missing_pk(Opportunity))
    assert not TeamPlan.objects.exists()


def test_the_database_refuses_a_strategy_for_a_missing_contact(opportunity, owner):
    plan = _plan(opportunity, owner)
    _refused(ContactStrategy, plan=plan, contact_id=_missing_pk(Contact))
    assert not ContactStrategy.objects.exists()


@pytest.mark.parametrize("model", [TeamMeeting, KeyInteraction])
def test_the_database_refuses_a_meeting_or_mark_of_a_missing_activity_or_opportunity(opportunity, model):
    activity = ActivityFactory(opportunity=opportunity, done_at=timezone.now())
    extra = {"significance": "x"} if model is KeyInteraction else {}
    _refused(model, opportunity=opportunity, activity_id=_missing_pk(Activity), **extra)
    _refused(model, opportunity_id=_missing_pk(Opportunity), activity=activity, **extra)
    assert not model.objects.exists()
