"""Writes of team selling on an opportunity (mission §6): the team's plan with its pricing authority, the
relationship strategy per key contact, the meeting and seminar schedule and the log of key interactions.

Who may write: the opportunity's primary owner, the members of its sales team, anyone above the primary owner
in the reporting line and administrators. Everyone else who can see the opportunity reads; the others do not
see it at all (the pages and the API answer 404 before a service is called).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Contact
from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.money import parse_money
from crm.params import parse_id
from opportunities.models import Activity, Opportunity
from opportunities.services import activity_create
from team_selling.models import (
    ATTITUDE_RANK,
    Attitude,
    ContactStrategy,
    KeyInteraction,
    MeetingType,
    TeamMeeting,
    TeamPlan,
)
from teams.models import User
from teams.services import notify_in_language, users_lock

PLAN_TEXT_FIELDS = ("cooperation_strategy", "competitive_assessment", "needs_analysis", "solution",
                    "pricing_notes")
PLAN_FIELDS = (*PLAN_TEXT_FIELDS, "pricing_authority", "max_discount", "price_floor")
MAX_TEXT = 10000

# The kind of the activity that carries a meeting, by meeting type (opportunities.ActivityKind values).
ACTIVITY_KIND = {
    MeetingType.MEETING: "meeting", MeetingType.SEMINAR: "seminar", MeetingType.TECHNICAL_EXCHANGE: "meeting",
    MeetingType.EXECUTIVE_VISIT: "visit", MeetingType.SITE_VISIT: "visit", MeetingType.DEMO: "demo",
}


# --- Who may do what ---------------------------------------------------------------------------

def selling_may_read(*, user: User, opportunity) -> bool:
    """Whoever sees the opportunity reads its team selling."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return Opportunity.objects.visible_to(user).filter(pk=opportunity.pk).exists()


def selling_may_edit(*, user: User, opportunity) -> bool:
    """The primary owner, the sales team's members, anyone above the primary owner and administrators."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_admin or user.pk == opportunity.primary_owner_id:
        return True
    if opportunity.team.filter(user=user).exists():
        return True
    return user.is_superior_of(opportunity.primary_owner)


def _check_may_edit(opportunity, by: User) -> None:
    if not selling_may_read(user=by, opportunity=opportunity):
        raise PermissionDenied(_("You cannot see this opportunity."))
    if not selling_may_edit(user=by, opportunity=opportunity):
        raise PermissionDenied(_("Only the opportunity's sales team and the managers above its primary owner "
                                 "plan its team selling."))


def team_people_ids(opportunity) -> set[int]:
    """The primary owner and every member of the opportunity's sales team (one query)."""
    return {opportunity.primary_owner_id, *opportunity.team.values_list("user_id", flat=True)}


def _on_team_or_above(person: User, opportunity, team_ids: set[int] | None = None) -> bool:
    """On the sales team, or a manager above the primary owner (who may take a contact or price decisions)."""
    if not person.is_active:
        return False
    if person.pk in (team_ids if team_ids is not None else team_people_ids(opportunity)):
        return True
    return person.is_admin or person.is_superior_of(opportunity.primary_owner)


def _text(value: Any, field: str) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep it under %(count)s characters.") % {"count": MAX_TEXT}, field=field)
    return text


def _aware(value: datetime | None, field: str) -> None:
    if value is not None and timezone.is_naive(value):
        raise DomainError(_("Give the time with its time zone."), field=field)


def _percent(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, (float, bool)):
        raise DomainError(_("Enter a number."), field=field)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Enter a number."), field=field) from exc
    if not number.is_finite() or number < 0 or number > 100:
        raise DomainError(_("A discount is between 0 and 100%."), field=field)
    return number.quantize(Decimal("0.01"))


# --- The team's plan -----------------------------------------------------------------------------

def _lock_plan(opportunity, by: User) -> TeamPlan:
    """The opportunity's plan, locked; created (empty) on first use."""
    plan = TeamPlan.objects.select_for_update().filter(opportunity_id=opportunity.pk).first()
    if plan is not None:
        return plan
    # Version 0: nobody has written the plan yet (a form for a new plan still saves over it).
    plan = TeamPlan(opportunity_id=opportunity.pk, version=0, updated_by=by)
    plan._history_user = by
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ConflictError(_("Someone started this plan at the same time; reload the page.")) from exc
    return plan


@transaction.atomic
def team_plan_save(*, opportunity, by: User, data: Mapping[str, Any], expected_version: int | None = None
                   ) -> TeamPlan:
    """The sales team (and the managers above the primary owner) write the plan; the person who decides prices
    is on the team or above the primary owner, and the price limits need that person; a stale version is 409.

    `expected_version` is the version the writer saw: 0 when they saw no plan (a plan someone wrote meanwhile is
    a conflict, not overwritten); None skips the check and the last writer wins (API callers that send no
    version)."""
    _check_may_edit(opportunity, by)
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    plan = TeamPlan.objects.select_for_update().filter(opportunity_id=opportunity.pk).first()
    if plan is None:
        plan = TeamPlan(opportunity_id=opportunity.pk, version=0)
    if expected_version is not None and int(expected_version) != plan.version:
        raise ConflictError(_("The plan was changed meanwhile (now version %(version)s); reload the page.")
                            % {"version": plan.version})
    changes: dict[str, Any] = {}
    for field in PLAN_TEXT_FIELDS:
        if field in data:
            changes[field] = _text(data[field], field)
    if "max_discount" in data:
        changes["max_discount"] = _percent(data["max_discount"], "max_discount")
    if "price_floor" in data:
        changes["price_floor"] = parse_money(data["price_floor"], field="price_floor", allow_none=True)
    if "pricing_authority" in data:
        person = data["pricing_authority"]
        if person is not None and not _on_team_or_above(person, opportunity):
            raise DomainError(_("The person who decides prices must be on the sales team or a manager above the "
                                "primary owner."), field="pricing_authority")
        changes["pricing_authority"] = person
    authority = changes.get("pricing_authority", plan.pricing_authority)
    discount = changes.get("max_discount", plan.max_discount)
    floor = changes.get("price_floor", plan.price_floor)
    if authority is None and (discount is not None or floor is not None):
        raise DomainError(_("Name who decides prices within these limits."), field="pricing_authority")
    if floor is not None and opportunity.amount and floor > opportunity.amount:
        raise DomainError(_("The price floor is above the opportunity's amount (%(amount)s).")
                          % {"amount": opportunity.amount}, field="price_floor")
    if plan.pk is not None and not any(getattr(plan, key) != value for key, value in changes.items()):
        return plan
    for key, value in changes.items():
        setattr(plan, key, value)
    plan.version += 1
    plan.updated_by = by
    plan._history_user = by
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ConflictError(_("Someone started this plan at the same time; reload the page.")) from exc
    return plan


def pricing_check(*, plan: TeamPlan, list_amount: Decimal, price: Decimal) -> list[str]:
    """What a proposed price breaks in the plan's limits (empty: within them): the floor and the discount."""
    problems = []
    if plan.price_floor is not None and price < plan.price_floor:
        problems.append(_("below the price floor of %(floor)s") % {"floor": plan.price_floor})
    if plan.max_discount is not None and list_amount > 0:
        discount = (list_amount - price) * 100 / list_amount
        if discount > plan.max_discount:
            problems.append(_("a discount of %(discount).2f%% is above the %(limit)s%% allowed")
                            % {"discount": discount, "limit": plan.max_discount})
    return problems


# --- Relationship strategy per key contact -------------------------------------------------------

def _check_contact(opportunity, contact_id: Any, by: User):
    contact_id = parse_id(contact_id)
    if contact_id is None:
        raise DomainError(_("Choose a contact of this opportunity's customer."), field="contact")
    # Only contacts `by` may see: a manager above the owner may not see a customer owned in another branch.
    # Locked until the strategy is written: a contact deleted meanwhile is refused here, not at the commit.
    contact = (Contact.objects.visible_to(by).select_for_update(of=("self",))
               .filter(pk=contact_id, customer_id=opportunity.customer_id).first())
    if contact is None:
        raise DomainError(_("Choose a contact of this opportunity's customer."), field="contact")
    return contact


def _strategy_values(opportunity, data: Mapping[str, Any], current: ContactStrategy | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in ("current_attitude", "target_attitude"):
        if field in data:
            if data[field] not in Attitude.values:
                raise DomainError(_("Choose a relationship from the list."), field=field)
            values[field] = data[field]
    now = values.get("current_attitude", current.current_attitude if current else Attitude.UNKNOWN)
    target = values.get("target_attitude", current.target_attitude if current else Attitude.SUPPORTER)
    if target == Attitude.UNKNOWN:
        raise DomainError(_("Set a target relationship."), field="target_attitude")
    if ATTITUDE_RANK[target] < ATTITUDE_RANK[now]:
        raise DomainError(_("The target relationship cannot be worse than the relationship now."),
                          field="target_attitude")
    if "covered_by" in data:
        person = data["covered_by"]
        if person is not None and not _on_team_or_above(person, opportunity):
            raise DomainError(_("The person covering a contact must be on the sales team or a manager above the "
                                "primary owner."), field="covered_by")
        values["covered_by"] = person
    if "actions" in data:
        values["actions"] = _text(data["actions"], "actions")
    return values


@transaction.atomic
def contact_strategy_save(*, opportunity, by: User, contact_id: Any, data: Mapping[str, Any]) -> ContactStrategy:
    """The team sets, for a contact of the opportunity's customer (and only those), the relationship now and
    the target (never worse than now), who of the team covers the contact and the planned actions; one
    strategy per contact."""
    _check_may_edit(opportunity, by)
    contact = _check_contact(opportunity, contact_id, by)
    plan = _lock_plan(opportunity, by)
    strategy = ContactStrategy.objects.select_for_update().filter(plan=plan, contact=contact).first()
    values = _strategy_values(opportunity, data, strategy)
    if strategy is None:
        strategy = ContactStrategy(plan=plan, contact=contact, **values)
    else:
        for key, value in values.items():
            setattr(strategy, key, value)
    strategy.updated_by = by
    strategy._history_user = by
    try:
        with transaction.atomic():
            strategy.save()
    except IntegrityError as exc:
        raise ConflictError(_("Someone added this contact at the same time; reload the page.")) from exc
    return strategy


@transaction.atomic
def contact_strategy_update(*, strategy: ContactStrategy, by: User, data: Mapping[str, Any]) -> ContactStrategy:
    """Change an existing contact strategy (the contact itself stays)."""
    opportunity = Opportunity.objects.get(pk=strategy.plan.opportunity_id)
    data = {key: value for key, value in data.items() if key != "contact"}
    return contact_strategy_save(opportunity=opportunity, by=by, contact_id=strategy.contact_id, data=data)


@transaction.atomic
def contact_strategy_remove(*, strategy: ContactStrategy, by: User) -> None:
    """The team drops a contact from the relationship plan (the history keeps it)."""
    opportunity = Opportunity.objects.get(pk=strategy.plan.opportunity_id)
    _check_may_edit(opportunity, by)
    strategy._history_user = by
    strategy.delete()


# --- Meeting and seminar schedule ----------------------------------------------------------------

def meeting_attendee_pool(opportunity, by: User):
    """Who may be invited to the team's meeting: the sales team, the managers above the primary owner and
    the inviter's own people (an attendee sees the meeting and its opportunity's name)."""
    team = opportunity.team.values("user_id")
    return (User.objects.filter(is_active=True)
            .filter(Q(pk=opportunity.primary_owner_id) | Q(pk__in=team)
                    | Q(pk__in=opportunity.primary_owner.superiors().values("pk"))
                    | Q(pk__in=by.subordinate_ids(include_self=True))))


def _meeting_values(opportunity, data: Mapping[str, Any], *, by: User, starts_at: datetime | None,
                    ends_at: datetime | None, current_attendee_ids: Iterable[int] = ()) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "meeting_type" in data:
        if data["meeting_type"] not in MeetingType.values:
            raise DomainError(_("Choose the type of meeting."), field="meeting_type")
        values["meeting_type"] = data["meeting_type"]
    if "subject" in data:
        subject = " ".join(str(data["subject"] or "").split())[:200]
        if not subject:
            raise DomainError(_("Give the meeting a subject."), field="subject")
        values["subject"] = subject
    if "starts_at" in data:
        if data["starts_at"] is None:
            raise DomainError(_("Enter when the meeting starts."), field="starts_at")
        _aware(data["starts_at"], "starts_at")
    if "ends_at" in data:
        _aware(data["ends_at"], "ends_at")
    if ends_at is not None and starts_at is not None and ends_at <= starts_at:
        raise DomainError(_("The meeting ends after it starts."), field="ends_at")
    if "place" in data:
        values["place"] = str(data["place"] or "").strip()[:200]
    if "agenda" in data:
        values["agenda"] = _text(data["agenda"], "agenda")
    # The people and contacts checked here are locked until the meeting is written: one deleted meanwhile is
    # refused here, not by the database at the commit.
    if "attendees" in data:
        attendees = list(dict.fromkeys(data["attendees"] or []))
        if any(not person.is_active for person in attendees):
            raise DomainError(_("Someone among the attendees is no longer active."), field="attendees")
        ids = {person.pk for person in attendees}
        locked = users_lock(ids, active_only=True) if ids else set()
        if locked != ids:
            raise DomainError(_("Someone among the attendees is no longer active."), field="attendees")
        # People already invited stay; anyone new comes from the pool.
        newcomers = ids - set(current_attendee_ids)
        if newcomers and len(newcomers) != meeting_attendee_pool(opportunity, by).filter(pk__in=newcomers).count():
            raise DomainError(_("Invite people from the sales team, the managers above the primary owner or your "
                                "own people."), field="attendees")
        values["attendees"] = attendees
    if "contacts" in data:
        contacts = list(dict.fromkeys(data["contacts"] or []))
        ids = {contact.pk for contact in contacts}
        if any(contact.customer_id != opportunity.customer_id for contact in contacts) or (
                ids and ids != set(Contact.objects.visible_to(by).select_for_update(of=("self",))
                                   .filter(pk__in=ids, customer_id=opportunity.customer_id)
                                   .order_by("pk").values_list("pk", flat=True))):
            raise DomainError(_("Choose contacts of this opportunity's customer."), field="contacts")
        values["contacts"] = contacts
    return values


@transaction.atomic
def team_meeting_schedule(*, opportunity, by: User, meeting_type: str, subject: str, starts_at: datetime,
                          ends_at: datetime | None = None, place: str = "", attendees: Iterable[User] = (),
                          contacts: Iterable[Any] = (), agenda: str = "") -> TeamMeeting:
    """The team schedules a meeting, seminar or technical exchange with the customer: an activity of the
    opportunity (organised by `by`, so it is on everyone's agenda) with its type, agenda and end time."""
    _check_may_edit(opportunity, by)
    data = {"meeting_type": meeting_type, "subject": subject, "starts_at": starts_at, "ends_at": ends_at,
            "place": place, "attendees": list(attendees), "contacts": list(contacts), "agenda": agenda}
    values = _meeting_values(opportunity, data, by=by, starts_at=starts_at, ends_at=ends_at)
    activity = activity_create(
        by=by, kind=ACTIVITY_KIND[values["meeting_type"]], subject=values["subject"], due_at=starts_at,
        opportunity=opportunity, owner=by, participants=values["attendees"], contacts=values["contacts"],
        location=values["place"])
    meeting = TeamMeeting(opportunity=opportunity, activity=activity, meeting_type=values["meeting_type"],
                          agenda=values["agenda"], ends_at=ends_at, created_by=by)
    meeting._history_user = by
    meeting.save()
    url = f"{reverse('opportunities:opportunity-detail', args=[opportunity.pk])}?tab=selling#meetings"
    when = timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M")
    for person in values["attendees"]:
        if person.pk != by.pk:
            notify_in_language(person, "meeting_scheduled",
                               gettext_lazy("%(by)s invited you to %(meeting)s on %(when)s (%(opportunity)s)."), url,
                               by=by, meeting=values["subject"], when=when, opportunity=opportunity)
    return meeting


def _lock_meeting(meeting: TeamMeeting, by: User):
    """The meeting and its activity, locked; deleting the activity deletes the meeting, so both are there or
    neither is."""
    meeting = (TeamMeeting.objects.select_for_update(of=("self", "activity")).select_related("activity")
               .filter(pk=meeting.pk).first())
    if meeting is None:
        raise ConflictError(_("The activity of this meeting was deleted."))
    opportunity = Opportunity.objects.select_related("primary_owner").get(pk=meeting.opportunity_id)
    _check_may_edit(opportunity, by)
    return meeting, meeting.activity, opportunity


@transaction.atomic
def team_meeting_update(*, meeting: TeamMeeting, by: User, data: Mapping[str, Any]) -> TeamMeeting:
    """The team reschedules or re-plans a meeting that has not taken place yet."""
    meeting, activity, opportunity = _lock_meeting(meeting, by)
    if activity.done_at is not None:
        raise ConflictError(_("The meeting has taken place: record its outcome instead."))
    allowed = {"meeting_type", "subject", "starts_at", "ends_at", "place", "attendees", "contacts", "agenda"}
    unknown = set(data) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    starts_at = data.get("starts_at", activity.due_at)
    ends_at = data.get("ends_at", meeting.ends_at)
    values = _meeting_values(opportunity, data, by=by, starts_at=starts_at, ends_at=ends_at,
                             current_attendee_ids=activity.participants.values_list("pk", flat=True))
    if "meeting_type" in values:
        meeting.meeting_type = values["meeting_type"]
        activity.kind = ACTIVITY_KIND[values["meeting_type"]]
    if "agenda" in values:
        meeting.agenda = values["agenda"]
    if "ends_at" in data:
        meeting.ends_at = ends_at
    if "subject" in values:
        activity.subject = values["subject"]
    if "starts_at" in data:
        activity.due_at = starts_at
    if "place" in values:
        activity.location = values["place"]
    # The activity is the meeting's record: the team-selling rule (the whole sales team) governs it here.
    activity.save()
    if "attendees" in values:
        activity.participants.set([p for p in values["attendees"] if p.pk != activity.owner_id])
    if "contacts" in values:
        activity.contacts.set(values["contacts"])
    meeting._history_user = by
    meeting.save()
    return meeting


@transaction.atomic
def team_meeting_record_outcome(*, meeting: TeamMeeting, by: User, outcome: str, key: bool = False,
                                significance: str = "", now: datetime | None = None) -> TeamMeeting:
    """Once a meeting has started, the team records what came of it (the activity is done); with `key`, it also
    goes into the log of key interactions."""
    meeting, activity, opportunity = _lock_meeting(meeting, by)
    now = now or timezone.now()
    if activity.due_at > now:
        raise DomainError(_("The meeting has not taken place yet: record its outcome after %(start)s.")
                          % {"start": timezone.localtime(activity.due_at).strftime("%Y-%m-%d %H:%M")},
                          field="outcome")
    outcome = _text(outcome, "outcome")
    if not outcome:
        raise DomainError(_("Write what came of the meeting."), field="outcome")
    activity.outcome = outcome
    # Done when it took place (its end, else its start), not when someone got round to writing it down.
    activity.done_at = activity.done_at or min(now, meeting.ends_at or activity.due_at)
    activity.save(update_fields=["outcome", "done_at", "updated_at"])
    meeting._history_user = by
    meeting.save(update_fields=["updated_at"])
    if key:
        key_interaction_mark(opportunity=opportunity, activity_id=activity.pk, by=by,
                             significance=significance or outcome)
    return meeting


@transaction.atomic
def team_meeting_cancel(*, meeting: TeamMeeting, by: User) -> None:
    """A meeting that has not taken place is called off: it leaves the schedule and the agenda (the meeting's
    history keeps it)."""
    meeting, activity, _opportunity = _lock_meeting(meeting, by)
    if activity.done_at is not None:
        raise ConflictError(_("The meeting has taken place; it cannot be called off."))
    KeyInteraction.objects.filter(activity_id=activity.pk).delete()
    meeting._history_user = by
    meeting.delete()
    activity.delete()


# --- Log of key interactions ---------------------------------------------------------------------

@transaction.atomic
def key_interaction_mark(*, opportunity, activity_id: Any, by: User, significance: str,
                         new_only: bool = False) -> KeyInteraction:
    """The team marks an activity of this opportunity that has taken place as a key interaction, saying why it
    matters; marking it again updates the reason, except with `new_only` (a form that offered only unmarked
    activities), where a mark someone else made meanwhile is a conflict."""
    _check_may_edit(opportunity, by)
    activity_id = parse_id(activity_id)
    if activity_id is None:
        raise DomainError(_("Choose an activity of this opportunity."), field="activity")
    # Locked until the mark is written: an activity deleted meanwhile is refused here, not at the commit.
    activity = Activity.objects.select_for_update().filter(pk=activity_id, opportunity_id=opportunity.pk).first()
    if activity is None:
        raise DomainError(_("Choose an activity of this opportunity."), field="activity")
    if activity.done_at is None:
        raise DomainError(_("Only an activity that has taken place goes into the log of key interactions."),
                          field="activity")
    significance = _text(significance, "significance")
    if not significance:
        raise DomainError(_("Say why this interaction matters."), field="significance")
    interaction = KeyInteraction.objects.select_for_update().filter(activity=activity).first()
    if interaction is not None and new_only:
        if interaction.significance == significance:
            return interaction  # the same form sent twice
        raise ConflictError(_("Someone marked this activity at the same time; reload the page."))
    if interaction is None:
        interaction = KeyInteraction(opportunity=opportunity, activity=activity, marked_by=by)
    interaction.significance = significance
    interaction._history_user = by
    try:
        with transaction.atomic():
            interaction.save()
    except IntegrityError as exc:
        raise ConflictError(_("Someone marked this activity at the same time; reload the page.")) from exc
    return interaction


@transaction.atomic
def key_interaction_unmark(*, interaction: KeyInteraction, by: User) -> None:
    """The team takes an activity out of the log of key interactions (the history keeps it)."""
    opportunity = Opportunity.objects.get(pk=interaction.opportunity_id)
    _check_may_edit(opportunity, by)
    interaction._history_user = by
    interaction.delete()
